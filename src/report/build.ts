import { parseDuration } from '../time/duration.js';
import type { GoalFile } from '../workspace/reporting-schema.js';
import { attribute } from './attribution.js';
import type { ReportReads } from './reads.js';
import { EMPTY_COUNTS, reportRow, weekOf } from './rows.js';
import { type Credit, type GoalSpec, NO_SEGMENT, type Report, type ReportKey, type ReportRow } from './types.js';

export interface ReportRequest {
  from: number;
  to: number;
  by: ReportKey;
  goals: readonly GoalFile[];
  /** For `by: 'segment'`: each lead's named segments (report/segments.ts); a lead not in it is in none. */
  segments?: ReadonlyMap<number, readonly string[]>;
}

export const goalSpecs = (goals: readonly GoalFile[]): GoalSpec[] =>
  goals.map((g) => ({ id: g.id, event: g.event, withinMs: parseDuration(g.within)!.approxMs, model: g.model, ...(g.urlContains ? { urlContains: g.urlContains } : {}) }));

type Keys = Pick<ReportRow, 'sequence' | 'step' | 'force' | 'week' | 'variant' | 'segment'>;

function keysOf(by: ReportKey, k: readonly (string | null)[]): Keys {
  if (by === 'sequence') return { sequence: k[0]! };
  if (by === 'step') return { sequence: k[0]!, step: k[1]!, force: k[2]! };
  if (by === 'force') return { force: k[0]! };
  if (by === 'variant') return { sequence: k[0]!, step: k[1]!, variant: k[2]! };
  if (by === 'segment') return { segment: k[0]! };
  return { week: k[0]! };
}

const segmentsOf = (segments: ReadonlyMap<number, readonly string[]> | undefined, leadId: number): readonly string[] => {
  const names = segments?.get(leadId);
  return names && names.length > 0 ? names : [NO_SEGMENT];
};

function creditKey(by: Exclude<ReportKey, 'segment'>, c: Credit): string {
  if (by === 'sequence') return c.sequence;
  if (by === 'step') return `${c.sequence}\u0000${c.step}\u0000${c.force}`;
  if (by === 'force') return c.force;
  if (by === 'variant') return `${c.sequence}\u0000${c.step}\u0000${c.variant ?? ''}`;
  return weekOf(c.sentAt);
}

const keyString = (by: ReportKey, k: Keys) =>
  by === 'step' ? `${k.sequence}\u0000${k.step}\u0000${k.force}` : by === 'variant' ? `${k.sequence}\u0000${k.step}\u0000${k.variant}` : (k.sequence ?? k.force ?? k.week ?? k.segment)!;

/**
 * `nurture report`: the database's aggregates (report/reads.ts, either store), the goal credits
 * (attribution of each conversion to the touches in its window, pure), and each sequence's lift
 * over its holdout.
 */
export async function buildReport(store: ReportReads, request: ReportRequest): Promise<Omit<Report, 'from' | 'to'>> {
  const { from, to, by } = request;
  const goals = goalSpecs(request.goals);
  const { rows, totals } = await store.messageCounts(by, from, to, (leadId) => segmentsOf(request.segments, leadId));
  const credits: Credit[] = [];
  for (const goal of goals)
    for (const candidate of await store.conversionCandidates(goal, from, to))
      for (const credit of attribute(goal, candidate)) if (credit.sentAt >= from && credit.sentAt < to) credits.push(credit);
  const creditsBy = new Map<string, Credit[]>();
  for (const c of credits) {
    const keys = by === 'segment' ? segmentsOf(request.segments, c.leadId) : [creditKey(by, c)];
    for (const k of keys) {
      const list = creditsBy.get(k);
      if (list) list.push(c);
      else creditsBy.set(k, [c]);
    }
  }
  const enrolments = by === 'sequence' || by === 'week' ? await store.enrollmentCounts(by, from, to) : undefined;
  const holdouts = by === 'sequence' ? new Map((await store.holdouts(goals, from, to)).map((h) => [h.sequence, h])) : undefined;
  const goalIds = goals.map((g) => g.id);
  const grouped = new Map(rows.map((r) => [keyString(by, keysOf(by, r.keys)), { keys: keysOf(by, r.keys), counts: r.counts }]));
  // Groups with enrolments (or holdouts) but no message in the period still get a row.
  for (const k of new Set([...(enrolments?.keys() ?? []), ...(holdouts?.keys() ?? [])]))
    if (!grouped.has(k)) grouped.set(k, { keys: by === 'sequence' ? { sequence: k } : { week: k }, counts: EMPTY_COUNTS });
  const out = [...grouped.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([k, g]) => {
      const holdout = holdouts?.get(k);
      return reportRow(g.keys, g.counts, {
        enrolled: enrolments ? (enrolments.get(k)?.enrolled ?? 0) : null,
        sunset: enrolments ? (enrolments.get(k)?.sunset ?? 0) : null,
        credits: creditsBy.get(k) ?? [],
        goalIds,
        ...(holdout && holdout.heldOut > 0 ? { holdout } : {}),
      });
    });
  let enrolled: number | null = null;
  let sunset: number | null = null;
  if (enrolments) {
    enrolled = [...enrolments.values()].reduce((a, b) => a + b.enrolled, 0);
    sunset = [...enrolments.values()].reduce((a, b) => a + b.sunset, 0);
  }
  return { by, goals: goalIds, rows: out, totals: reportRow({}, totals, { enrolled, sunset, credits, goalIds }) };
}
