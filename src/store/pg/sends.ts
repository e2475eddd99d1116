import type pg from 'pg';
import type { UncertainSend } from '../../db/outbox.js';
import type { SendClaim, SendOutcome } from '../types.js';

type Queryable = pg.Pool | pg.PoolClient;

/**
 * Outbox.claim on PostgreSQL for many touches in one statement: each row is claimed only if it is
 * still planned (or backing off and due) and its lead may still be mailed at this moment.
 */
export async function claimSendsPg(
  db: Queryable,
  claims: readonly SendClaim[],
  allowedConsents: readonly string[],
  runId: number,
  now: number,
): Promise<number[]> {
  if (claims.length === 0) return [];
  const { rows } = await db.query<{ id: number }>(
    `UPDATE sends s SET status = 'sending', attempts = s.attempts + 1, ref = u.ref, run_id = $4, sent_at = $5, updated_at = $5
       FROM unnest($1::bigint[], $2::bigint[], $3::text[]) AS u(id, lead_id, ref)
      WHERE s.id = u.id AND (s.status = 'planned' OR (s.status = 'failed' AND s.planned_at <= $5))
        AND EXISTS (SELECT 1 FROM leads l WHERE l.id = u.lead_id AND l.suppressed_reason IS NULL AND l.consent = ANY($6::text[])
          AND (l.paused_at IS NULL OR l.paused_until <= $5))
      RETURNING s.id`,
    [claims.map((c) => c.sendId), claims.map((c) => c.leadId), claims.map((c) => c.ref), runId, now, allowedConsents],
  );
  const claimed = new Set(rows.map((r) => r.id));
  return claims.filter((c) => claimed.has(c.sendId)).map((c) => c.sendId);
}

/**
 * Outbox.markSent / markFailed / release on PostgreSQL with the delivery attempts and hard-bounce
 * suppressions that go with them: one statement (a data-modifying CTE per kind present), so a
 * turn's outcomes cost one round trip and are written all or nothing.
 */
export async function recordOutcomesPg(db: Queryable, outcomes: readonly SendOutcome[], now: number): Promise<void> {
  const values: unknown[] = [];
  const parts = outcomeParts(outcomes, now, values);
  if (parts.length === 0) return;
  await db.query(`WITH ${parts.map((sql, k) => `w${k} AS (${sql})`).join(', ')} SELECT 1`, values);
}

/**
 * A turn of delivery in one round trip: the outcomes SMTP answered, and the claims of the
 * touches that take their places (claimSendsPg's statement; a lead suppressed by one of these
 * outcomes is not claimed). Returns the ids claimed, in the order asked.
 */
export async function claimAndRecordPg(
  db: Queryable,
  claims: readonly SendClaim[],
  allowedConsents: readonly string[],
  runId: number,
  now: number,
  outcomes: readonly SendOutcome[],
  at: number,
): Promise<number[]> {
  if (claims.length === 0) {
    await recordOutcomesPg(db, outcomes, at);
    return [];
  }
  const values: unknown[] = [];
  const parts = outcomeParts(outcomes, at, values);
  const $ = (value: unknown) => `$${values.push(value)}`;
  const suppressed = outcomes.flatMap((o) => (o.kind !== 'sent' && o.kind !== 'released' && o.suppress ? [o.suppress.leadId] : []));
  const claimNow = $(now);
  const claim = `UPDATE sends s SET status = 'sending', attempts = s.attempts + 1, ref = u.ref, run_id = ${$(runId)}, sent_at = ${claimNow}, updated_at = ${claimNow}
       FROM unnest(${$(claims.map((c) => c.sendId))}::bigint[], ${$(claims.map((c) => c.leadId))}::bigint[], ${$(claims.map((c) => c.ref))}::text[]) AS u(id, lead_id, ref)
      WHERE s.id = u.id AND (s.status = 'planned' OR (s.status = 'failed' AND s.planned_at <= ${claimNow}))
        AND u.lead_id <> ALL(${$(suppressed)}::bigint[])
        AND EXISTS (SELECT 1 FROM leads l WHERE l.id = u.lead_id AND l.suppressed_reason IS NULL AND l.consent = ANY(${$(allowedConsents)}::text[])
          AND (l.paused_at IS NULL OR l.paused_until <= ${claimNow}))
      RETURNING s.id`;
  const { rows } = await db.query<{ id: number }>(
    `WITH ${[...parts, claim].map((sql, k) => `w${k} AS (${sql})`).join(', ')} SELECT id FROM w${parts.length}`,
    values,
  );
  const claimed = new Set(rows.map((r) => r.id));
  return claims.filter((c) => claimed.has(c.sendId)).map((c) => c.sendId);
}

/** The data-modifying CTEs of some outcomes, recorded at `at`, their parameters pushed onto `values`. */
function outcomeParts(outcomes: readonly SendOutcome[], at: number, values: unknown[]): string[] {
  const sent = outcomes.filter((o): o is Extract<SendOutcome, { kind: 'sent' }> => o.kind === 'sent');
  const refused = outcomes.filter((o): o is Extract<SendOutcome, { kind: 'failed' | 'skipped' }> => o.kind === 'failed' || o.kind === 'skipped');
  const released = outcomes.filter((o) => o.kind === 'released');
  const attempts = outcomes.flatMap((o) => (o.kind !== 'released' && o.attempt ? [{ sendId: o.sendId, ...o.attempt }] : []));
  const suppressed = refused.flatMap((o) => (o.suppress ? [o.suppress] : []));
  const $ = (value: unknown) => `$${values.push(value)}`;
  let atParam: string | undefined;
  const $at = () => (atParam ??= $(at));
  const parts: string[] = [];
  if (sent.length > 0)
    parts.push(`UPDATE sends s SET status = 'sent', message_id = u.m, last_response = u.r, updated_at = ${$at()}
       FROM unnest(${$(sent.map((o) => o.sendId))}::bigint[], ${$(sent.map((o) => o.messageId))}::text[], ${$(sent.map((o) => o.response))}::text[]) AS u(id, m, r)
      WHERE s.id = u.id AND s.status = 'sending'`);
  if (refused.length > 0)
    parts.push(`UPDATE sends s SET status = u.st, sent_at = NULL, planned_at = u.retry, last_response = u.resp, reason = u.reason, updated_at = ${$at()}
       FROM unnest(${$(refused.map((o) => o.sendId))}::bigint[], ${$(refused.map((o) => o.kind))}::text[], ${$(refused.map((o) => o.retryAt))}::bigint[],
         ${$(refused.map((o) => o.response))}::text[], ${$(refused.map((o) => o.reason))}::text[]) AS u(id, st, retry, resp, reason)
      WHERE s.id = u.id AND s.status = 'sending'`);
  if (released.length > 0)
    parts.push(`UPDATE sends SET status = CASE WHEN attempts > 1 THEN 'failed' ELSE 'planned' END, attempts = attempts - 1,
        ref = CASE WHEN attempts > 1 THEN ref ELSE '' END, sent_at = NULL, updated_at = ${$at()}
      WHERE id = ANY(${$(released.map((o) => o.sendId))}::bigint[]) AND status = 'sending'`);
  if (attempts.length > 0)
    parts.push(`INSERT INTO delivery_attempts (send_id, at, ok, permanent, response, run_id)
       SELECT s, a, ok, p, r, nullif(run, 0) FROM unnest(${$(attempts.map((a) => a.sendId))}::bigint[], ${$(attempts.map((a) => a.at))}::bigint[],
         ${$(attempts.map((a) => a.ok))}::boolean[], ${$(attempts.map((a) => a.permanent))}::boolean[], ${$(attempts.map((a) => a.response))}::text[],
         ${$(attempts.map((a) => a.runId))}::bigint[]) WITH ORDINALITY AS u(s, a, ok, p, r, run, n) ORDER BY n`);
  // A hard bounce: never mailed again (LeadStore.suppress with 'bounced': consent is left as it is).
  if (suppressed.length > 0)
    parts.push(`UPDATE leads l SET suppressed_reason = coalesce(l.suppressed_reason, 'bounced'), suppressed_at = coalesce(l.suppressed_at, u.at), updated_at = ${$at()}
       FROM (SELECT DISTINCT ON (id) id, at FROM unnest(${$(suppressed.map((x) => x.leadId))}::bigint[], ${$(suppressed.map((x) => x.at))}::bigint[]) AS v(id, at)) AS u
      WHERE l.id = u.id`);
  return parts;
}

/** Outbox.uncertain on PostgreSQL. */
export async function uncertainPg(db: Queryable): Promise<UncertainSend[]> {
  const { rows } = await db.query<UncertainSend>(
    `SELECT s.id, s.lead_id AS "leadId", s.ref, s.run_id AS "runId", s.attempts, l.email, l.timezone, s.sequence_id AS "sequenceId",
       s.step_id AS "stepId", s.force, s.sent_at AS "claimedAt"
     FROM sends s JOIN leads l ON l.id = s.lead_id WHERE s.status = 'sending' ORDER BY s.id`,
  );
  return rows;
}
