import { closest } from '../schema-parts.js';
import type { SequenceFile } from '../schema.js';
import type { ConditionFile, EventRuleFile } from './schema.js';
import type { SegmentFiles } from './compile.js';

type Path = (string | number)[];
type At = (path: Path, message: string) => void;

/** Every segment name and event rule in a condition, with its path (segments are not followed). */
function walk(c: ConditionFile, path: Path, onSegment: (name: string, path: Path) => void, onEvent: (rule: EventRuleFile, path: Path) => void): void {
  if (c.segment !== undefined) {
    if (Array.isArray(c.segment)) c.segment.forEach((name, i) => onSegment(name, [...path, 'segment', i]));
    else onSegment(c.segment, [...path, 'segment']);
  }
  for (const key of ['did', 'didNot'] as const) c[key]?.forEach((rule, i) => onEvent(rule, [...path, key, i]));
  for (const key of ['all', 'any'] as const) c[key]?.forEach((sub, i) => walk(sub, [...path, key, i], onSegment, onEvent));
  if (c.not) walk(c.not, [...path, 'not'], onSegment, onEvent);
}

function segmentProblem(name: string, segments: SegmentFiles): string | undefined {
  if (Object.hasOwn(segments, name)) return undefined;
  const known = Object.keys(segments);
  const meant = closest(name, known);
  return `segment "${name}" is not defined in nurture.yaml segments${meant ? ` (did you mean "${meant}"?)` : ''} (known: ${known.join(', ') || 'none'})`;
}

/** `since: enrolled` / `previous` only mean something where there is an enrolment. */
const enrolmentOnly = (where: string) => (rule: EventRuleFile, path: Path, at: At) => {
  if (rule.since === 'enrolled' || rule.since === 'previous')
    at([...path, 'since'], `since: ${rule.since} needs an enrolment: use it in a step's when/unless or exitWhen, not in ${where}`);
};

/** nurture.yaml `segments`: references to other segments exist and never go round in a circle. */
export function checkSegments(segments: SegmentFiles, at: At): void {
  const noEnrolment = enrolmentOnly('a segment');
  for (const [name, definition] of Object.entries(segments)) {
    walk(
      definition,
      ['segments', name],
      (ref, path) => {
        const problem = segmentProblem(ref, segments);
        if (problem) at(path, problem);
      },
      (rule, path) => noEnrolment(rule, path, at),
    );
    const cycle = cycleFrom(name, segments, []);
    if (cycle) at(['segments', name], `segments refer to each other in a circle: ${cycle.join(' → ')}`);
  }
}

function cycleFrom(name: string, segments: SegmentFiles, trail: string[]): string[] | undefined {
  if (trail.includes(name)) return trail[0] === name ? [...trail, name] : undefined;
  const definition = segments[name];
  if (!definition) return undefined;
  const refs: string[] = [];
  walk(definition, [], (ref) => refs.push(ref), () => {});
  for (const ref of refs) {
    const cycle = cycleFrom(ref, segments, [...trail, name]);
    if (cycle) return cycle;
  }
  return undefined;
}

/**
 * A sequence's conditions against the rest of the workspace: named segments exist, `since:
 * enrolled` only where there is an enrolment, `else` and `goto` name a later step (each step is
 * sent at most once per enrolment, so a jump back could never be taken: no loops).
 */
export function checkSequenceConditions(s: SequenceFile, segments: SegmentFiles, at: At, templates?: ReadonlySet<string> | ReadonlyMap<string, unknown>): void {
  const segment = (name: string, path: Path) => {
    const problem = segmentProblem(name, segments);
    if (problem) at(path, problem);
  };
  const none = () => {};
  walk(s.audience, ['audience'], segment, (rule, path) => enrolmentOnly('an audience')(rule, path, at));
  if (s.enterOn) enrolmentOnly('enterOn')(s.enterOn, ['enterOn'], at);
  if (s.interrupt && !s.enterOn) at(['interrupt'], 'needs enterOn (the event that interrupts a lower-priority sequence)');
  if (s.exitWhen) walk(s.exitWhen, ['exitWhen'], segment, none);
  const ids = s.steps.map((step) => step.id);
  s.steps.forEach((step, i) => {
    if (step.when) walk(step.when, ['steps', i, 'when'], segment, none);
    if (step.unless) walk(step.unless, ['steps', i, 'unless'], segment, none);
    step.content?.forEach((c, j) => {
      walk(c.when, ['steps', i, 'content', j, 'when'], segment, none);
      if (templates && !templates.has(c.template))
        at(['steps', i, 'content', j, 'template'], `template "${c.template}" not found (expected templates/${c.template}.hbs)`);
    });
    if (step.else !== undefined && !step.when && !step.unless)
      at(['steps', i, 'else'], 'else needs a when or unless on the same step');
    for (const key of ['else', 'goto'] as const) {
      const target = step[key];
      if (target === undefined) continue;
      const j = ids.indexOf(target);
      if (j < 0) {
        const meant = closest(target, ids);
        at(['steps', i, key], `step "${target}" not found${meant ? ` (did you mean "${meant}"?)` : ''} (steps: ${ids.join(', ')})`);
      } else if (j <= i)
        at(['steps', i, key], `step "${target}" is not after "${step.id}": ${key} only jumps forward (each step is sent at most once)`);
    }
  });
}
