/**
 * The condition language of audiences, segments, step `when`/`unless` and `exitWhen`, compiled
 * once per run from the workspace files (src/workspace/conditions/compile.ts). Plain values: a
 * planner thread compiles its own copy from the same definitions.
 */
// A leaf module (no imports): domain/types.ts names these in Sequence and Step. Event types and
// stages are plain strings here, checked when the workspace loads.

/** A test on one lead field (`jobTitle`, `country`, …) or attribute (`attributes.plan`). */
export interface FieldTest {
  kind: 'field';
  field: string;
  pattern?: RegExp;
  /** Lower-cased values (case-insensitive equality). */
  in?: ReadonlySet<string>;
  exists?: boolean;
  gte?: number;
  lte?: number;
  /** Instants: the field, read as a date, must be before / after them. */
  before?: number;
  after?: number;
  label: string;
}

/** Where an event window starts: a fixed instant, the enrolment, or the previous step. */
export type Since = number | 'enrolled' | 'previous';

/** Events with the engagement-rule filters, in a time range. `negate`: the lead did not. */
export interface EventTest {
  kind: 'did';
  negate: boolean;
  /** Null: any event type. */
  events: ReadonlySet<string> | null;
  /** Lower-cased fragments; the URL must contain one. */
  urlContains?: readonly string[];
  /** Each named property must equal one of the lower-cased values. */
  properties?: ReadonlyMap<string, ReadonlySet<string>>;
  withinMs?: number;
  since?: Since;
  label: string;
}

export type ScoreMeasure = 'score' | 'fit' | 'engagement';

export interface ScoreTest {
  kind: 'score';
  measure: ScoreMeasure;
  gte?: number;
  lte?: number;
  label: string;
}

export interface StageTest {
  kind: 'stage';
  stages: ReadonlySet<string>;
  label: string;
}

export interface Junction {
  kind: 'all' | 'any';
  of: readonly Condition[];
  label: string;
}

export interface Negation {
  kind: 'not';
  of: Condition;
  label: string;
}

/** A named segment of nurture.yaml: its definition, named in explanations by its name. */
export interface SegmentRef {
  kind: 'segment';
  name: string;
  of: Condition;
  label: string;
}

export type Condition = FieldTest | EventTest | ScoreTest | StageTest | Junction | Negation | SegmentRef;

