import type { Condition, EventTest, FieldTest, ScoreMeasure, Since } from '../../domain/conditions/types.js';
import { EVENT_TYPES, type EventType, NURTURE_STAGES, type Stage } from '../../domain/types.js';
import { parseDuration } from '../../time/duration.js';
import type { ConditionFile, EventRuleFile, FieldRuleFile, RangeFile } from './schema.js';

export type SegmentFiles = Readonly<Record<string, ConditionFile>>;

const lower = (values: readonly (string | number | boolean)[]) => new Set(values.map((v) => String(v).trim().toLowerCase()));
const list = (values: readonly (string | number | boolean)[]) => values.map(String).join(', ');

/**
 * Compiles validated condition files into domain conditions, once per run (or per planner
 * thread). Segments are compiled once each and shared by every reference, so per-test caches
 * (patterns) serve every sequence that names the segment.
 */
export class ConditionCompiler {
  private readonly segments = new Map<string, Condition>();

  constructor(private readonly files: SegmentFiles = {}) {}

  /** An audience: its stages (all nurture stages when none are given) and the rest as one condition. */
  audience(file: ConditionFile): { stages: Stage[]; condition?: Condition } {
    const { stages, ...rest } = file;
    const parts = this.parts(rest);
    return {
      stages: stages ?? [...NURTURE_STAGES],
      ...(parts.length === 0 ? {} : { condition: parts.length === 1 ? parts[0]! : junction('all', parts) }),
    };
  }

  condition(file: ConditionFile): Condition {
    const parts = this.parts(file);
    return parts.length === 1 ? parts[0]! : junction('all', parts);
  }

  segment(name: string): Condition {
    let compiled = this.segments.get(name);
    if (!compiled) {
      const file = this.files[name];
      if (!file) throw new Error(`segment "${name}" is not defined (checked when the workspace loads)`);
      const of = this.condition(file);
      compiled = { kind: 'segment', name, of, label: `segment ${name}` };
      this.segments.set(name, compiled);
    }
    return compiled;
  }

  /** The event rule of an `enterOn` (its `within` defaults to P7D: old history enrols no one). */
  trigger(file: EventRuleFile): EventTest {
    return eventTest({ within: 'P7D', ...file }, false);
  }

  private parts(file: ConditionFile): Condition[] {
    const out: Condition[] = [];
    if (file.stages) out.push({ kind: 'stage', stages: new Set(file.stages), label: `stage in [${file.stages.join(', ')}]` });
    for (const name of file.segment === undefined ? [] : [file.segment].flat()) out.push(this.segment(name));
    for (const rule of file.where ?? []) out.push(fieldCondition(rule));
    for (const rule of file.did ?? []) out.push(eventTest(rule, false));
    for (const rule of file.didNot ?? []) out.push(eventTest(rule, true));
    for (const measure of ['score', 'fit', 'engagement'] as const) {
      const range = file[measure];
      if (range) out.push(scoreTest(measure, range));
    }
    if (file.all) out.push(junction('all', file.all.map((c) => this.condition(c))));
    if (file.any) out.push(junction('any', file.any.map((c) => this.condition(c))));
    if (file.not) {
      const of = this.condition(file.not);
      out.push({ kind: 'not', of, label: `not (${of.label})` });
    }
    return out;
  }
}

function junction(kind: 'all' | 'any', of: Condition[]): Condition {
  const label = kind === 'all' ? of.map((c) => c.label).join('; ') : `any of (${of.map((c) => c.label).join(' | ')})`;
  return { kind, of, label };
}

function fieldCondition(rule: FieldRuleFile): Condition {
  if (rule.all) return junction('all', rule.all.map(fieldCondition));
  if (rule.any) return junction('any', rule.any.map(fieldCondition));
  if (rule.not) {
    const of = fieldCondition(rule.not);
    return { kind: 'not', of, label: `not (${of.label})` };
  }
  const field = rule.field!;
  const test: FieldTest = { kind: 'field', field, label: '' };
  const words: string[] = [];
  if (rule.exists !== undefined || Object.keys(rule).length === 1) {
    test.exists = rule.exists ?? true;
    words.push(test.exists ? 'is set' : 'is empty');
  }
  if (rule.pattern !== undefined) {
    test.pattern = new RegExp(rule.pattern, 'i');
    words.push(`matches /${rule.pattern}/`);
  }
  if (rule.in) {
    test.in = lower(rule.in);
    words.push(`in [${list(rule.in)}]`);
  }
  if (rule.gte !== undefined) {
    test.gte = rule.gte;
    words.push(`>= ${rule.gte}`);
  }
  if (rule.lte !== undefined) {
    test.lte = rule.lte;
    words.push(`<= ${rule.lte}`);
  }
  if (rule.before !== undefined) {
    test.before = Date.parse(rule.before);
    words.push(`before ${rule.before}`);
  }
  if (rule.after !== undefined) {
    test.after = Date.parse(rule.after);
    words.push(`after ${rule.after}`);
  }
  test.label = `${field} ${words.join(' and ')}`;
  return test;
}

function eventTest(rule: EventRuleFile, negate: boolean): EventTest {
  const types = rule.event === undefined ? null : [rule.event].flat();
  const test: EventTest = {
    kind: 'did',
    negate,
    events: types === null ? null : new Set(types.filter((t): t is EventType => (EVENT_TYPES as readonly string[]).includes(t))),
    label: '',
  };
  const words = [negate ? 'did not' : 'did', types === null ? 'any event' : types.join(' or ')];
  if (rule.urlContains !== undefined) {
    const fragments = [rule.urlContains].flat();
    test.urlContains = fragments.map((f) => f.toLowerCase());
    words.push(`url contains ${fragments.join(' or ')}`);
  }
  if (rule.properties) {
    const entries = Object.entries(rule.properties);
    test.properties = new Map(entries.map(([k, v]) => [k, lower([v].flat())]));
    words.push(`with ${entries.map(([k, v]) => `${k}=${list([v].flat())}`).join(', ')}`);
  }
  if (rule.within !== undefined) {
    test.withinMs = parseDuration(rule.within)!.approxMs;
    words.push(`within ${rule.within}`);
  }
  if (rule.since !== undefined) {
    test.since = sinceOf(rule.since);
    words.push(rule.since === 'enrolled' ? 'since enrolment' : rule.since === 'previous' ? 'since the previous step' : `since ${rule.since}`);
  }
  test.label = words.join(' ');
  return test;
}

function sinceOf(value: string): Since {
  return value === 'enrolled' || value === 'previous' ? value : Date.parse(value);
}

function scoreTest(measure: ScoreMeasure, range: RangeFile): Condition {
  const words: string[] = [];
  if (range.gte !== undefined) words.push(`>= ${range.gte}`);
  if (range.lte !== undefined) words.push(`<= ${range.lte}`);
  return { kind: 'score', measure, gte: range.gte, lte: range.lte, label: `${measure} ${words.join(' and ')}` };
}
