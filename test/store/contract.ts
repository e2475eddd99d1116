import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { EndWrite, EnrollWrite, PlanWrite } from '../../src/run/batch-plan.js';
import type { BatchStore, PlanRows } from '../../src/store/types.js';

/**
 * The cases every batch store must pass, run by sqlite.test.ts and postgres.test.ts against a
 * real database each: the same seed, the same calls, the same expected rows.
 */
export interface StoreHarness {
  store: BatchStore;
  /** Portable SQL (no parameters), for seeding. */
  exec(sql: string): Promise<void>;
  rows(sql: string): Promise<Record<string, unknown>[]>;
  /** After seeding rows with explicit ids (PostgreSQL moves its identity sequences past them). */
  seeded(): Promise<void>;
  cleanup(): Promise<void>;
}

const T = Date.parse('2026-03-02T15:00:00Z');
const HOUR = 3_600_000;
const OPEN_END = Number.MAX_SAFE_INTEGER;

/** 25 leads: 1 confirmed with events, 2 with attributes, scores and an enrolment, 3 unsubscribed, 4 paused. */
async function seed(h: StoreHarness): Promise<void> {
  const leads = Array.from({ length: 25 }, (_, k) => {
    const id = k + 1;
    const consent = id === 3 ? 'unsubscribed' : 'confirmed';
    const suppressed = id === 3 ? `'unsubscribed'` : 'NULL';
    const attributes = id === 2 ? `'{"plan":"pro"}'` : `'{}'`;
    const score = id === 2 ? '12.5, 10.25, 2.25' : 'NULL, NULL, NULL';
    const stage = id === 2 ? `'interest'` : 'NULL';
    const paused = id === 4 ? `${T - HOUR}, ${T + 48 * HOUR}` : 'NULL, NULL';
    return `(${id}, 'lead${id}@example.com', 'First${id}', 'Berlin Co', 'Engineer', 'SaaS', 'DE', 'Europe/Berlin', '${consent}', ${attributes},
      ${suppressed}, ${score}, ${stage}, ${paused}, 0, 0)`;
  });
  await h.exec(
    `INSERT INTO leads (id, email, first_name, company, job_title, industry, country, timezone, consent, attributes, suppressed_reason,
       score, fit_score, engagement_score, stage, paused_at, paused_until, created_at, updated_at) VALUES ${leads.join(', ')}`,
  );
  await h.exec(
    `INSERT INTO events (id, lead_id, type, occurred_at, url, properties, dedupe_key, recorded_at, signal) VALUES
       (1, 1, 'page_viewed', ${T - 2 * HOUR}, 'https://x.example/pricing', '{}', 'e1', 0, ''),
       (2, 1, 'email_clicked', ${T - HOUR}, '', '{"machine":"no"}', 'e2', 0, 'human'),
       (3, 2, 'webinar_attended', ${T - 3 * HOUR}, '', '{}', 'e3', 0, ''),
       (4, 1, 'email_opened', ${T - HOUR / 2}, '', '{}', 'e4', 0, 'machine')`,
  );
  await h.exec(
    `INSERT INTO enrollments (id, lead_id, sequence_id, status, enrolled_at, reason) VALUES (1, 2, 'welcome', 'active', ${T - 72 * HOUR}, 'stage interest')`,
  );
  await h.exec(
    `INSERT INTO sends (id, enrollment_id, lead_id, sequence_id, step_id, force, status, planned_at, due_at, sent_at, reason, ref, attempts, updated_at, variant) VALUES
       (1, 1, 2, 'welcome', 'intro', 'push', 'sent', ${T - 72 * HOUR}, ${T - 72 * HOUR}, ${T - 71 * HOUR}, '', 'ref-1', 1, 0, NULL),
       (2, 1, 2, 'welcome', 'future', 'pull', 'planned', ${T + 24 * HOUR}, ${T + 24 * HOUR}, NULL, 'wait P3D', '', 0, 0, 'short')`,
  );
  await h.seeded();
}

const plan = (leadId: number, stepId: string, at: number, extra: Partial<PlanWrite> = {}): PlanWrite => ({
  leadId,
  sequenceId: 'welcome',
  stepId,
  force: 'push',
  enrollmentId: 0,
  plannedAt: at,
  dueAt: at,
  reason: 'first step',
  ...extra,
});
const enroll = (leadId: number): EnrollWrite => ({ leadId, sequenceId: 'welcome', reason: 'stage awareness' });

function rows(p: Partial<PlanRows>): PlanRows {
  return { leads: 0, enrolls: [], ends: [], plans: [], stepSkips: [], scores: [], sends: [], ...p };
}

export function storeContract(name: string, open: () => Promise<StoreHarness>): void {
  describe(`the ${name} batch store`, () => {
    let h: StoreHarness;
    beforeEach(async () => {
      h = await open();
      await seed(h);
    });
    afterEach(async () => h?.cleanup());

    it('elects one run per tick with a conditional insert', async () => {
      const [a, b] = await Promise.all([h.store.beginTick(T, T + 5), h.store.beginTick(T, T + 6)]);
      expect([a!.elected, b!.elected].sort()).toEqual([false, true]);
      expect(a!.runId).toBe(b!.runId);
      const next = await h.store.beginTick(T + HOUR, T + HOUR);
      expect(next).toEqual({ runId: expect.any(Number), tickAt: T + HOUR, elected: true });
      expect(next.runId).not.toBe(a!.runId);
      expect(await h.rows(`SELECT tick_at AS "tickAt", status FROM runs ORDER BY id`)).toEqual([
        { tickAt: T, status: 'running' },
        { tickAt: T + HOUR, status: 'running' },
      ]);
    });

    it('lays out the tick in id ranges, once, the last one reaching past the last id', async () => {
      const { runId } = await h.store.beginTick(T, T);
      expect(await h.store.layOutBatches(runId, 10)).toBe(3);
      expect(await h.store.layOutBatches(runId, 10)).toBe(3);
      expect(await h.rows(`SELECT batch_no AS "batchNo", after_id AS "afterId", last_id AS "lastId", status FROM run_batches ORDER BY batch_no`)).toEqual([
        { batchNo: 0, afterId: 0, lastId: 10, status: 'pending' },
        { batchNo: 1, afterId: 10, lastId: 20, status: 'pending' },
        { batchNo: 2, afterId: 20, lastId: OPEN_END, status: 'pending' },
      ]);
      const exact = await h.store.beginTick(T + HOUR, T + HOUR);
      expect(await h.store.layOutBatches(exact.runId, 5)).toBe(5);
      const last = await h.rows(`SELECT after_id AS "afterId", last_id AS "lastId" FROM run_batches WHERE run_id = ${exact.runId} AND batch_no = 4`);
      expect(last).toEqual([{ afterId: 20, lastId: 25 }]);
    });

    it('loads a claimed batch as the planner reads it', async () => {
      const { runId } = await h.store.beginTick(T, T);
      await h.store.layOutBatches(runId, 10);
      const claim = (await h.store.claimBatch(runId, null))!;
      expect(claim.batch).toEqual({ runId, batchNo: 0, afterId: 0, lastId: 10 });
      const leads = await claim.load(10);
      expect(leads.map((l) => l.state.profile.id)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      const [one, two, three, four] = leads;
      expect(one!.state.events).toEqual([
        { type: 'page_viewed', at: T - 2 * HOUR, url: 'https://x.example/pricing' },
        { type: 'email_clicked', at: T - HOUR, url: '', properties: { machine: 'no' } },
      ]);
      expect(one!.saved).toEqual({ score: null, stage: null, fit: null, engagement: null });
      expect(two!.state.profile).toMatchObject({ email: 'lead2@example.com', firstName: 'First2', country: 'DE', consent: 'confirmed', attributes: { plan: 'pro' } });
      expect(two!.saved).toEqual({ score: 12.5, stage: 'interest', fit: 10.25, engagement: 2.25 });
      expect(two!.enrollments).toEqual([
        { id: 1, leadId: 2, sequenceId: 'welcome', status: 'active', enrolledAt: T - 72 * HOUR, endedAt: null, exitReason: 'stage interest' },
      ]);
      expect(two!.state.sends).toEqual([
        { sequenceId: 'welcome', stepId: 'intro', status: 'sent', at: T - 71 * HOUR },
        { sequenceId: 'welcome', stepId: 'future', status: 'planned', at: T + 24 * HOUR },
      ]);
      expect(two!.sends[1]).toEqual({
        id: 2, leadId: 2, enrollmentId: 1, sequenceId: 'welcome', stepId: 'future', status: 'planned', at: T + 24 * HOUR,
        attempts: 0, plannedAt: T + 24 * HOUR, dueAt: T + 24 * HOUR, reason: 'wait P3D', variant: 'short',
      });
      expect(two!.sends[0]!.variant).toBeNull();
      expect(three!.state.suppressed).toBe(true);
      expect(four!.state.profile.pause).toEqual({ since: T - HOUR, until: T + 48 * HOUR });
      expect((await claim.load(3)).length).toBe(3);
      await claim.release();
    });

    it('an incremental tick lays out and loads only the leads due, counts the others asleep, and keeps no wake from stale input', async () => {
      // Leads 1, 2, 6 and 20 are due (wake_at <= T); the other 21 sleep until T + 1h or later.
      await h.exec(`UPDATE leads SET wake_at = ${T + HOUR} + id WHERE id NOT IN (1, 2, 6, 20)`);
      await h.exec(`UPDATE leads SET wake_at = ${T} WHERE id = 20`);
      const { runId } = await h.store.beginTick(T, T);
      expect(await h.store.layOutBatches(runId, 2, T)).toBe(2);
      expect(await h.rows(`SELECT after_id AS "afterId", last_id AS "lastId" FROM run_batches WHERE run_id = ${runId} ORDER BY batch_no`)).toEqual([
        { afterId: 0, lastId: 2 },
        { afterId: 2, lastId: OPEN_END },
      ]);
      const first = (await h.store.claimBatch(runId, null))!;
      const firstLeads = await first.load(2, T);
      expect(firstLeads.map((l) => l.state.profile.id)).toEqual([1, 2]);
      expect(first.asleep).toBe(0);
      // A due lead carries its rows as a full load gives them; a sleeping neighbour's are not read.
      expect(firstLeads[1]!.enrollments.map((e) => e.id)).toEqual([1]);
      expect(firstLeads[1]!.sends.map((x) => x.id)).toEqual([1, 2]);
      expect(firstLeads[0]!.state.events.map((e) => e.type)).toEqual(['page_viewed', 'email_clicked']);
      // Input for lead 1 arrives after it was read: the wake planned from the older input is not kept.
      await h.exec(`INSERT INTO events (id, lead_id, type, occurred_at, url, properties, dedupe_key, recorded_at, signal) VALUES
        (5, 1, 'page_viewed', ${T - 60_000}, 'https://x.example/docs', '{}', 'e5', 0, 'human')`);
      const wakes = firstLeads.flatMap((l) => [l.state.profile.id, T + 5 * HOUR, l.inputVersion]);
      await first.commit(rows({ leads: 2, wakes }), T);
      expect(await h.rows('SELECT id, wake_at AS "wakeAt" FROM leads WHERE id IN (1, 2) ORDER BY id')).toEqual([
        { id: 1, wakeAt: 0 },
        { id: 2, wakeAt: T + 5 * HOUR },
      ]);
      const second = (await h.store.claimBatch(runId, null))!;
      expect((await second.load(10, T)).map((l) => l.state.profile.id)).toEqual([6, 20]);
      expect(second.asleep).toBe(21);
      // Every due lead of the range, whatever the limit: one woken after the layout is not cut off.
      expect((await second.load(1, T)).map((l) => l.state.profile.id)).toEqual([6, 20]);
      // A full load of the same range reads every lead and counts none asleep.
      expect((await second.load(30)).length).toBe(23);
      expect(second.asleep).toBe(0);
      await second.release();
      // Nobody due: one range still covers the base, so the sleeping leads are counted.
      await h.exec(`UPDATE leads SET wake_at = ${T + 9 * HOUR}`);
      const quiet = await h.store.beginTick(T + HOUR, T + HOUR);
      expect(await h.store.layOutBatches(quiet.runId, 2, T + HOUR)).toBe(1);
      const only = (await h.store.claimBatch(quiet.runId, null))!;
      expect(await only.load(2, T + HOUR)).toEqual([]);
      expect(only.asleep).toBe(25);
      await only.release();
    });

    it('plans batches one by one; a released batch comes back; the last one lets the tick close', async () => {
      const { runId } = await h.store.beginTick(T, T);
      await h.store.layOutBatches(runId, 10);
      const first = (await h.store.claimBatch(runId, 7))!;
      await first.release();
      expect(await h.store.finishTick(runId, T + 1, { planned: 0 })).toBe(false);

      const again = (await h.store.claimBatch(runId, 7))!;
      expect(again.batch.batchNo).toBe(0);
      const written = await again.commit(
        rows({
          leads: 10,
          enrolls: [enroll(1)],
          ends: [{ leadId: 2, sequenceId: 'welcome', enrollmentId: 1, status: 'exited', reason: 'replied' } satisfies EndWrite],
          plans: [plan(1, 'intro', T + HOUR)],
          stepSkips: [plan(1, 'pricing', T + HOUR, { reason: 'unless: did page_viewed /pricing' })],
          scores: [{ id: 1, score: 31, fit: 20, engagement: 11, stage: 'interest', before: { score: null, stage: null, fit: null, engagement: null } }],
          sends: [{ write: plan(1, 'intro', T + HOUR) }],
        }),
        T + 2,
      );
      expect([...written.enrollmentIds.keys()]).toEqual(['1:welcome']);
      expect(written.sendIds).toEqual([4]);
      expect(await h.rows(`SELECT id, lead_id AS "leadId", status, ended_at AS "endedAt", reason, entry_reason AS "entryReason" FROM enrollments ORDER BY id`)).toEqual([
        { id: 1, leadId: 2, status: 'exited', endedAt: T + 2, reason: 'replied', entryReason: '' },
        { id: written.enrollmentIds.get('1:welcome'), leadId: 1, status: 'active', endedAt: null, reason: 'stage awareness', entryReason: 'stage awareness' },
      ]);
      expect(await h.rows(`SELECT id, step_id AS "stepId", status, planned_at AS "plannedAt", reason, ref FROM sends ORDER BY id`)).toEqual([
        { id: 1, stepId: 'intro', status: 'sent', plannedAt: T - 72 * HOUR, reason: '', ref: 'ref-1' },
        { id: 2, stepId: 'future', status: 'skipped', plannedAt: T + 24 * HOUR, reason: 'enrolment exited: replied', ref: '' },
        { id: 3, stepId: 'pricing', status: 'skipped', plannedAt: T + HOUR, reason: 'unless: did page_viewed /pricing', ref: '' },
        { id: 4, stepId: 'intro', status: 'planned', plannedAt: T + HOUR, reason: 'first step', ref: '' },
      ]);
      expect(await h.rows(`SELECT id, score, fit_score AS fit, engagement_score AS engagement, stage, scored_at AS "scoredAt" FROM leads WHERE id = 1`)).toEqual([
        { id: 1, score: 31, fit: 20, engagement: 11, stage: 'interest', scoredAt: T + 2 },
      ]);
      expect(await h.rows(`SELECT lead_id AS "leadId", at, score, stage, cause FROM score_history`)).toEqual([
        { leadId: 1, at: T + 2, score: 31, stage: 'interest', cause: 'run' },
      ]);

      for (const expected of [1, 2]) {
        const claim = (await h.store.claimBatch(runId, 8))!;
        expect(claim.batch.batchNo).toBe(expected);
        await claim.commit(rows({ leads: expected === 1 ? 10 : 5 }), T + 3);
      }
      expect(await h.store.claimBatch(runId, 8)).toBeUndefined();
      expect(await h.rows(`SELECT batch_no AS "batchNo", status, worker_id AS "workerId", leads FROM run_batches ORDER BY batch_no`)).toEqual([
        { batchNo: 0, status: 'planned', workerId: 7, leads: 10 },
        { batchNo: 1, status: 'planned', workerId: 8, leads: 10 },
        { batchNo: 2, status: 'planned', workerId: 8, leads: 5 },
      ]);
      expect(await h.store.finishTick(runId, T + 4, { planned: 1 })).toBe(true);
      expect(await h.store.finishTick(runId, T + 5, { planned: 1 })).toBe(false);
      expect(await h.rows(`SELECT status, finished_at AS "finishedAt", counts FROM runs WHERE id = ${runId}`)).toEqual([
        { status: 'finished', finishedAt: T + 4, counts: '{"planned":1}' },
      ]);
    });

    it('moves a planned row when its plan changed, keeps it when not, never touches a claimed one', async () => {
      const { runId } = await h.store.beginTick(T, T);
      await h.store.layOutBatches(runId, 25);
      const planned = await (await h.store.claimBatch(runId, null))!.commit(
        rows({ enrolls: [enroll(1), enroll(5)], plans: [plan(1, 'intro', T + HOUR), plan(5, 'intro', T + HOUR)] }),
        T,
      );
      const e1 = planned.enrollmentIds.get('1:welcome')!;
      const e5 = planned.enrollmentIds.get('5:welcome')!;
      const sendOf5 = Number((await h.rows(`SELECT id FROM sends WHERE lead_id = 5`))[0]!.id);
      expect(await h.store.claimSends([{ sendId: sendOf5, leadId: 5, ref: 'ref-5' }], ['confirmed'], runId, T + 10)).toEqual([sendOf5]);

      const next = await h.store.beginTick(T + HOUR, T + HOUR);
      await h.store.layOutBatches(next.runId, 25);
      await (await h.store.claimBatch(next.runId, null))!.commit(
        rows({
          plans: [
            plan(1, 'intro', T + HOUR, { enrollmentId: e1 }),
            plan(5, 'intro', T + 5 * HOUR, { enrollmentId: e5, reason: 'deferred: cap' }),
            plan(1, 'intro', T + HOUR, { enrollmentId: e1 }),
          ],
        }),
        T + HOUR,
      );
      const after = await h.rows(`SELECT lead_id AS "leadId", status, planned_at AS "plannedAt", reason, ref FROM sends WHERE lead_id IN (1, 5) ORDER BY lead_id`);
      expect(after).toEqual([
        { leadId: 1, status: 'planned', plannedAt: T + HOUR, reason: 'first step', ref: '' },
        { leadId: 5, status: 'sending', plannedAt: T + HOUR, reason: 'first step', ref: 'ref-5' },
      ]);

      const moved = await h.store.beginTick(T + 2 * HOUR, T + 2 * HOUR);
      await h.store.layOutBatches(moved.runId, 25);
      await (await h.store.claimBatch(moved.runId, null))!.commit(
        rows({ plans: [plan(1, 'intro', T + 26 * HOUR, { enrollmentId: e1, reason: 'window' })] }),
        T + 2 * HOUR,
      );
      expect(await h.rows(`SELECT planned_at AS "plannedAt", reason, run_id AS "runId", updated_at AS "updatedAt" FROM sends WHERE lead_id = 1`)).toEqual([
        { plannedAt: T + 26 * HOUR, reason: 'window', runId: moved.runId, updatedAt: T + 2 * HOUR },
      ]);
    });

    it('writes and loads the variant a touch carries; a planned row whose variant alone changed is rewritten', async () => {
      const { runId } = await h.store.beginTick(T, T);
      await h.store.layOutBatches(runId, 25);
      const planned = await (await h.store.claimBatch(runId, null))!.commit(
        rows({ enrolls: [enroll(1), enroll(5)], plans: [plan(1, 'intro', T + HOUR, { variant: 'a' }), plan(5, 'intro', T + HOUR)] }),
        T,
      );
      const variants = `SELECT lead_id AS "leadId", variant, run_id AS "runId", updated_at AS "updatedAt" FROM sends WHERE lead_id IN (1, 5) ORDER BY lead_id`;
      expect(await h.rows(variants)).toEqual([
        { leadId: 1, variant: 'a', runId, updatedAt: T },
        { leadId: 5, variant: null, runId, updatedAt: T },
      ]);
      const e1 = planned.enrollmentIds.get('1:welcome')!;
      const e5 = planned.enrollmentIds.get('5:welcome')!;

      const next = await h.store.beginTick(T + HOUR, T + HOUR);
      await h.store.layOutBatches(next.runId, 25);
      const claim = (await h.store.claimBatch(next.runId, null))!;
      const loaded = await claim.load(25);
      expect(loaded.find((l) => l.state.profile.id === 1)!.sends).toEqual([expect.objectContaining({ stepId: 'intro', variant: 'a' })]);
      await claim.commit(
        rows({ plans: [plan(1, 'intro', T + HOUR, { enrollmentId: e1, variant: 'b' }), plan(5, 'intro', T + HOUR, { enrollmentId: e5 })] }),
        T + HOUR,
      );
      // (SQLite rewrites an unchanged planned row, PostgreSQL leaves it: only the variants are compared for lead 5.)
      const after = await h.rows(variants);
      expect(after[0]).toEqual({ leadId: 1, variant: 'b', runId: next.runId, updatedAt: T + HOUR });
      expect(after[1]).toMatchObject({ leadId: 5, variant: null });
    });

    it('claims touches only for leads that may be mailed now, records outcomes grouped, lists the uncertain', async () => {
      const { runId } = await h.store.beginTick(T, T);
      await h.store.layOutBatches(runId, 25);
      const leads = [1, 3, 4, 5, 6, 7];
      const written = await (await h.store.claimBatch(runId, null))!.commit(
        rows({ enrolls: leads.map(enroll), plans: leads.map((l) => plan(l, 'intro', T)), sends: leads.map((l) => ({ write: plan(l, 'intro', T) })) }),
        T,
      );
      const ids = written.sendIds;
      const claims = leads.map((leadId, k) => ({ sendId: ids[k]!, leadId, ref: `r-${leadId}` }));
      // 3 is unsubscribed, 4 paused until T+48h: never claimed.
      expect(await h.store.claimSends(claims, ['confirmed'], runId, T + 1)).toEqual([ids[0], ids[3], ids[4], ids[5]]);
      expect(await h.store.claimSends(claims, ['confirmed'], runId, T + 2)).toEqual([]);

      await h.store.recordOutcomes(
        [
          { sendId: ids[0]!, kind: 'sent', messageId: '<m1@x>', response: '250 ok' },
          { sendId: ids[3]!, kind: 'failed', reason: 'mailbox busy', response: '451 try later', retryAt: T + HOUR },
          { sendId: ids[4]!, kind: 'released' },
        ],
        T + 3,
      );
      expect(
        await h.rows(`SELECT lead_id AS "leadId", status, attempts, ref, message_id AS "messageId", last_response AS "lastResponse", planned_at AS "plannedAt", sent_at AS "sentAt"
          FROM sends WHERE lead_id IN (1, 3, 4, 5, 6, 7) ORDER BY lead_id`),
      ).toEqual([
        { leadId: 1, status: 'sent', attempts: 1, ref: 'r-1', messageId: '<m1@x>', lastResponse: '250 ok', plannedAt: T, sentAt: T + 1 },
        { leadId: 3, status: 'planned', attempts: 0, ref: '', messageId: null, lastResponse: null, plannedAt: T, sentAt: null },
        { leadId: 4, status: 'planned', attempts: 0, ref: '', messageId: null, lastResponse: null, plannedAt: T, sentAt: null },
        { leadId: 5, status: 'failed', attempts: 1, ref: 'r-5', messageId: null, lastResponse: '451 try later', plannedAt: T + HOUR, sentAt: null },
        { leadId: 6, status: 'planned', attempts: 0, ref: '', messageId: null, lastResponse: null, plannedAt: T, sentAt: null },
        { leadId: 7, status: 'sending', attempts: 1, ref: 'r-7', messageId: null, lastResponse: null, plannedAt: T, sentAt: T + 1 },
      ]);
      expect(await h.store.uncertain()).toEqual([
        {
          id: ids[5], leadId: 7, ref: 'r-7', runId, attempts: 1, email: 'lead7@example.com', timezone: 'Europe/Berlin',
          sequenceId: 'welcome', stepId: 'intro', force: 'push', claimedAt: T + 1,
        },
      ]);
      // A backing-off touch is claimed again once its retry time has come, not before.
      expect(await h.store.claimSends([claims[3]!], ['confirmed'], runId, T + HOUR - 1)).toEqual([]);
      expect(await h.store.claimSends([claims[3]!], ['confirmed'], runId, T + HOUR)).toEqual([ids[3]]);
    });

    it('writes each outcome with its delivery attempt, and suppresses a hard-bounced lead, in the same transaction', async () => {
      const { runId } = await h.store.beginTick(T, T);
      await h.store.layOutBatches(runId, 25);
      const leads = [1, 5];
      const written = await (await h.store.claimBatch(runId, null))!.commit(
        rows({ enrolls: leads.map(enroll), plans: leads.map((l) => plan(l, 'intro', T)), sends: leads.map((l) => ({ write: plan(l, 'intro', T) })) }),
        T,
      );
      const [sent, bounced] = written.sendIds as [number, number];
      await h.store.claimSends([{ sendId: sent, leadId: 1, ref: 'a-1' }, { sendId: bounced, leadId: 5, ref: 'a-5' }], ['confirmed'], runId, T + 1);
      await h.store.recordOutcomes(
        [
          { sendId: sent, kind: 'sent', messageId: '<a1@x>', response: '250 ok', attempt: { at: T + 2, ok: true, permanent: false, response: '250 ok', runId } },
          {
            sendId: bounced,
            kind: 'skipped',
            reason: 'hard bounce',
            response: '550 5.1.1 unknown',
            retryAt: T + 2,
            attempt: { at: T + 2, ok: false, permanent: true, response: '550 5.1.1 unknown', runId },
            suppress: { leadId: 5, at: T + 1, evidence: 'smtp: 550 5.1.1 unknown' },
          },
        ],
        T + 2,
      );
      const attempts = await h.rows(`SELECT send_id AS "sendId", at, ok, permanent, response, run_id AS "runId" FROM delivery_attempts ORDER BY id`);
      expect(attempts.map((a) => ({ ...a, ok: Boolean(a.ok), permanent: Boolean(a.permanent) }))).toEqual([
        { sendId: sent, at: T + 2, ok: true, permanent: false, response: '250 ok', runId },
        { sendId: bounced, at: T + 2, ok: false, permanent: true, response: '550 5.1.1 unknown', runId },
      ]);
      expect(await h.rows(`SELECT id, suppressed_reason AS reason, suppressed_at AS at FROM leads WHERE id IN (1, 5) ORDER BY id`)).toEqual([
        { id: 1, reason: null, at: null },
        { id: 5, reason: 'bounced', at: T + 1 },
      ]);
    });
  });
}
