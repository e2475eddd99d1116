import { RUN_SCORE_STEP } from '../../domain/score-moves.js';
import type pg from 'pg';
import type { PlanWrite } from '../../run/batch-plan.js';
import type { PlanRows, WrittenBatch } from '../types.js';
import { recordScoreHistoryPg, scoreWritesPg } from './scores.js';
import type { ScoreRow } from '../../db/scores.js';

const key = (leadId: number, sequenceId: string) => `${leadId}:${sequenceId}`;

/**
 * run/batch-write.ts's writePlan on PostgreSQL, in the caller's transaction and in the same
 * order (enrolments, ended enrolments and their dropped touches, planned rows, scores), with one
 * statement per kind of row instead of one per row. A planned row whose times did not change (nor
 * its variant) is not rewritten (`IS DISTINCT FROM`): an unchanged hourly rerun leaves no dead
 * tuples. Its reason is the one given when its time was set (see run/batch-plan.ts).
 */
export async function writePlanPg(client: pg.PoolClient, plan: Omit<PlanRows, 'leads'>, now: number, runId: number): Promise<WrittenBatch> {
  const enrollmentIds = new Map<string, number>();
  if (plan.enrolls.length > 0) {
    const { rows } = await client.query<{ id: number; leadId: number; sequenceId: string }>(
      `INSERT INTO enrollments (lead_id, sequence_id, status, enrolled_at, reason, entry_reason, run_id)
         SELECT l, s, 'active', $4, r, r, $5 FROM unnest($1::bigint[], $2::text[], $3::text[]) WITH ORDINALITY AS u(l, s, r, n) ORDER BY n
         RETURNING id, lead_id AS "leadId", sequence_id AS "sequenceId"`,
      [plan.enrolls.map((e) => e.leadId), plan.enrolls.map((e) => e.sequenceId), plan.enrolls.map((e) => e.reason), now, runId],
    );
    for (const r of rows) enrollmentIds.set(key(r.leadId, r.sequenceId), r.id);
  }
  const idOf = (w: { leadId: number; sequenceId: string; enrollmentId: number }) =>
    w.enrollmentId || enrollmentIds.get(key(w.leadId, w.sequenceId))!;

  if (plan.ends.length > 0) {
    const ends = [plan.ends.map(idOf), plan.ends.map((e) => e.status), plan.ends.map((e) => e.reason)];
    await client.query(
      `UPDATE enrollments e SET status = u.st, ended_at = $4, reason = u.r
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, st, r) WHERE e.id = u.id AND e.status = 'active'`,
      [...ends, now],
    );
    await client.query(
      `UPDATE sends s SET status = 'skipped', reason = 'enrolment ' || u.st || ': ' || u.r, updated_at = $4
         FROM unnest($1::bigint[], $2::text[], $3::text[]) AS u(id, st, r) WHERE s.enrollment_id = u.id AND s.status = 'planned'`,
      [...ends, now],
    );
  }

  if (plan.stepSkips.length > 0) await skipStepsPg(client, plan.stepSkips.map((p) => ({ ...p, id: idOf(p) })), now, runId);

  // One statement may not update a row twice: the last plan of an (enrolment, step) wins, as it does row by row.
  const plans = new Map<string, PlanWrite & { id: number }>();
  for (const p of plan.plans) plans.set(`${idOf(p)}:${p.stepId}`, { ...p, id: idOf(p) });
  if (plans.size > 0) {
    const list = [...plans.values()];
    await client.query(
      `INSERT INTO sends (enrollment_id, lead_id, sequence_id, step_id, force, status, planned_at, due_at, reason, ref, run_id, updated_at, variant)
         SELECT e, l, sq, st, f, 'planned', p, d, r, '', $9, $10, v
           FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::bigint[], $8::text[], $11::text[])
             AS u(e, l, sq, st, f, p, d, r, v)
         ON CONFLICT (enrollment_id, step_id) DO UPDATE SET planned_at = excluded.planned_at, due_at = excluded.due_at,
           reason = excluded.reason, run_id = excluded.run_id, updated_at = excluded.updated_at, variant = excluded.variant
         WHERE sends.status = 'planned'
           AND (sends.planned_at, sends.due_at, sends.variant)
             IS DISTINCT FROM (excluded.planned_at, excluded.due_at, excluded.variant)`,
      [
        ...rowKeys(list),
        list.map((p) => p.plannedAt),
        list.map((p) => p.dueAt),
        list.map((p) => p.reason),
        runId,
        now,
        list.map((p) => p.variant ?? null),
      ],
    );
  }
  // The scores and the wake times in one UPDATE of leads: one new row version per lead, not two.
  const scores = await scoreWritesPg(client, plan.scores, { cause: 'run', minDelta: RUN_SCORE_STEP, onlyWhenMoved: true });
  await updateLeadsPg(client, scores.changed, plan.wakes ?? [], now);
  await recordScoreHistoryPg(client, scores, now, 'run');

  let sendIds: number[] = [];
  if (plan.sends.length > 0) {
    const wanted = plan.sends.map(({ write }) => ({ e: idOf(write), step: write.stepId }));
    const { rows } = await client.query<{ id: number; e: number; step: string }>(
      `SELECT s.id, s.enrollment_id AS e, s.step_id AS step FROM sends s
         JOIN unnest($1::bigint[], $2::text[]) AS u(e, step) ON s.enrollment_id = u.e AND s.step_id = u.step`,
      [wanted.map((w) => w.e), wanted.map((w) => w.step)],
    );
    const ids = new Map(rows.map((r) => [`${r.e}:${r.step}`, r.id]));
    sendIds = wanted.map((w) => ids.get(`${w.e}:${w.step}`)!);
  }
  return { enrollmentIds, sendIds };
}

/** The columns that name a send row, as unnest() arrays: enrolment, lead, sequence, step, force. */
function rowKeys(list: readonly (PlanWrite & { id: number })[]) {
  return [list.map((p) => p.id), list.map((p) => p.leadId), list.map((p) => p.sequenceId), list.map((p) => p.stepId), list.map((p) => p.force)];
}

/** Outbox.skipStep for many steps: recorded skipped with the reason (a planned row becomes skipped; others stay). */
async function skipStepsPg(client: pg.PoolClient, steps: readonly (PlanWrite & { id: number })[], now: number, runId: number): Promise<void> {
  const last = new Map<string, PlanWrite & { id: number }>();
  for (const p of steps) last.set(`${p.id}:${p.stepId}`, p);
  const list = [...last.values()];
  await client.query(
    `INSERT INTO sends (enrollment_id, lead_id, sequence_id, step_id, force, status, planned_at, due_at, reason, ref, run_id, updated_at)
       SELECT e, l, sq, st, f, 'skipped', p, p, r, '', $8, $9
         FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[]) AS u(e, l, sq, st, f, p, r)
       ON CONFLICT (enrollment_id, step_id) DO UPDATE SET status = 'skipped', reason = excluded.reason,
         run_id = excluded.run_id, updated_at = excluded.updated_at
       WHERE sends.status = 'planned'`,
    [
      ...rowKeys(list),
      list.map((p) => p.plannedAt),
      list.map((p) => p.reason),
      runId,
      now,
    ],
  );
}

/**
 * The score columns of the leads whose score changed, and each lead's wake time as SQLite's
 * setWakes keeps it (only where no input arrived since the lead was read, written only where it
 * moved), in one statement. `wakes` is flat: lead id, wake time, input version.
 */
async function updateLeadsPg(client: pg.PoolClient, changed: readonly ScoreRow[], wakes: readonly number[], now: number): Promise<void> {
  const rows = new Map<number, { score?: ScoreRow; wake?: number; version?: number }>();
  for (const r of changed) rows.set(r.id, { score: r });
  for (let i = 0; i < wakes.length; i += 3) {
    const row = rows.get(wakes[i]!) ?? {};
    row.wake = wakes[i + 1]!;
    row.version = wakes[i + 2]!;
    rows.set(wakes[i]!, row);
  }
  if (rows.size === 0) return;
  const list = [...rows];
  const score = (pick: (r: ScoreRow) => number | string) => list.map(([, r]) => (r.score ? pick(r.score) : null));
  await client.query(
    `UPDATE leads SET
         score = CASE WHEN u.has THEN u.s ELSE leads.score END,
         fit_score = CASE WHEN u.has THEN u.f ELSE leads.fit_score END,
         engagement_score = CASE WHEN u.has THEN u.e ELSE leads.engagement_score END,
         stage = CASE WHEN u.has THEN u.st ELSE leads.stage END,
         scored_at = CASE WHEN u.has THEN $9 ELSE leads.scored_at END,
         wake_at = CASE WHEN u.w IS NOT NULL AND leads.input_version = u.v THEN u.w ELSE leads.wake_at END
       FROM unnest($1::bigint[], $2::boolean[], $3::float8[], $4::float8[], $5::float8[], $6::text[], $7::bigint[], $8::int[])
         AS u(id, has, s, f, e, st, w, v)
       WHERE leads.id = u.id
         AND (u.has OR (u.w IS NOT NULL AND leads.input_version = u.v AND leads.wake_at IS DISTINCT FROM u.w))`,
    [
      list.map(([id]) => id),
      list.map(([, r]) => r.score !== undefined),
      score((r) => r.score),
      score((r) => r.fit),
      score((r) => r.engagement),
      score((r) => r.stage),
      list.map(([, r]) => r.wake ?? null),
      list.map(([, r]) => r.version ?? null),
      now,
    ],
  );
}
