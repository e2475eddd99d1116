import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { NO_SEGMENT, type ReportKey, ReportStore } from '../../src/db/report-queries.js';
import { weekOf } from '../../src/report/rows.js';
import type { GroupCounts } from '../../src/report/types.js';
import { DAY, FROM, type Send, soft, store, TO, type World, world } from './message-worlds.js';

/**
 * The report's per-lead fold (report/count-fold.ts over report-queries.ts) against the
 * definitions counted naively here, message by message, over random small worlds in a real
 * SQLite database: bounces soft and hard, messages the relay refused, unsubscribes, complaints,
 * opens and clicks by people and machines, leads in several groups and segments, and messages
 * outside the period.
 */
const zero = (): GroupCounts => ({
  sent: 0, leads: 0, delivered: 0, deliveredLeads: 0, bouncedHard: 0, bouncedSoft: 0,
  opened: 0, humanOpened: 0, clicked: 0, humanClicked: 0, unsubscribed: 0, complained: 0,
});

/** The report's definitions, one message at a time, with sets of leads for the unique counts. */
function expected(w: World, groupsOf: (s: Send) => string[]): { rows: Map<string, GroupCounts>; totals: GroupCounts } {
  const inPeriod = (s: Send) => {
    const at = FROM + s.day * DAY + 9 * 3_600_000;
    return (s.status === 'sent' || (s.status === 'skipped' && s.rejected)) && at >= FROM && at < TO;
  };
  const sets = new Map<string, { counts: GroupCounts; leads: Record<string, Set<number>> }>();
  const tally = (k: string) => {
    let g = sets.get(k);
    const fresh = () => new Set<number>();
    if (!g) sets.set(k, (g = { counts: zero(), leads: { leads: fresh(), deliveredLeads: fresh(), opened: fresh(), humanOpened: fresh(), clicked: fresh(), humanClicked: fresh(), unsubscribed: fresh(), complained: fresh() } }));
    return g;
  };
  for (const s of w.sends.filter(inPeriod)) {
    const sent = s.status === 'sent';
    const has = (type: string, human = false) => sent && s.events.some((e) => e.type === type && (!human || e.signal === 'human'));
    const bounces = s.events.filter((e) => e.type === 'bounced');
    const bounced = !sent || bounces.length > 0;
    const isSoft = bounces.some((e) => soft(e.bounce));
    for (const k of [...groupsOf(s), '\u0000totals']) {
      const g = tally(k);
      g.counts.sent++;
      if (!bounced) g.counts.delivered++;
      else if (isSoft) g.counts.bouncedSoft++;
      else g.counts.bouncedHard++;
      const add = (name: string, yes: boolean) => yes && g.leads[name]!.add(s.lead);
      add('leads', true);
      add('deliveredLeads', !bounced);
      add('opened', has('email_opened') || has('email_clicked'));
      add('humanOpened', has('email_opened', true) || has('email_clicked', true));
      add('clicked', has('email_clicked'));
      add('humanClicked', has('email_clicked', true));
      add('unsubscribed', has('unsubscribed'));
      add('complained', has('complained'));
    }
  }
  const counted = (g: { counts: GroupCounts; leads: Record<string, Set<number>> }): GroupCounts => ({
    ...g.counts,
    ...Object.fromEntries(Object.entries(g.leads).map(([name, set]) => [name, set.size])),
  });
  const totals = sets.get('\u0000totals');
  sets.delete('\u0000totals');
  return { rows: new Map([...sets].map(([k, g]) => [k, counted(g)])), totals: totals ? counted(totals) : zero() };
}

const KEYS: Record<Exclude<ReportKey, 'variant'>, (s: Send, w: World) => string[]> = {
  sequence: (s) => [s.sequence],
  step: (s) => [`${s.sequence}/${s.step}/${s.force}`],
  force: (s) => [s.force],
  // Sent messages by sent_at, refused ones by updated_at: both are the same instant here.
  week: (s) => [weekOf(FROM + s.day * DAY + 9 * 3_600_000)],
  segment: (s, w) => (w.segments[s.lead - 1]!.length > 0 ? w.segments[s.lead - 1]! : [NO_SEGMENT]),
};

describe('the report counts, a lead at a time', () => {
  it('equal the definitions counted message by message, for every grouping', () => {
    fc.assert(
      fc.property(world, (w) => {
        const conn = store(w);
        try {
          for (const [by, keyOf] of Object.entries(KEYS) as [Exclude<ReportKey, 'variant'>, (s: Send, w: World) => string[]][]) {
            const got = new ReportStore(conn.sqlite).messageCounts(by, FROM, TO, (lead) =>
              w.segments[lead - 1]!.length > 0 ? w.segments[lead - 1]! : [NO_SEGMENT],
            );
            const want = expected(w, (s) => keyOf(s, w));
            const rows = new Map(got.rows.map((r) => [r.keys.filter((k) => k !== '').join('/'), r.counts]));
            expect({ by, rows }).toEqual({ by, rows: want.rows });
            expect({ by, totals: got.totals }).toEqual({ by, totals: want.totals });
          }
        } finally {
          conn.close();
        }
      }),
      { numRuns: 150 },
    );
  });

  it('count a soft bounce, a refused message and a lead in two segments as the report defines them', () => {
    const w: World = {
      sends: [
        { lead: 1, sequence: 'evaluators', step: 'intro', force: 'push', status: 'sent', rejected: false, day: 1, events: [{ type: 'bounced', signal: '', bounce: { bounceType: 'Transient' } }, { type: 'bounced', signal: '', bounce: {} }] },
        { lead: 1, sequence: 'evaluators', step: 'proof', force: 'pull', status: 'sent', rejected: false, day: 2, events: [{ type: 'email_clicked', signal: 'human', bounce: {} }] },
        { lead: 2, sequence: 'evaluators', step: 'intro', force: 'push', status: 'skipped', rejected: true, day: 1, events: [] },
        { lead: 2, sequence: 'new-signups', step: 'intro', force: 'push', status: 'sent', rejected: false, day: 3, events: [{ type: 'email_opened', signal: 'machine', bounce: {} }] },
      ],
      segments: [['canada', 'us'], [], [], [], [], []],
    };
    const conn = store(w);
    try {
      const bySequence = new ReportStore(conn.sqlite).messageCounts('sequence', FROM, TO);
      expect(bySequence.rows.map((r) => [r.keys[0], r.counts])).toEqual([
        ['evaluators', { ...zero(), sent: 3, leads: 2, delivered: 1, deliveredLeads: 1, bouncedSoft: 1, bouncedHard: 1, opened: 1, humanOpened: 1, clicked: 1, humanClicked: 1 }],
        ['new-signups', { ...zero(), sent: 1, leads: 1, delivered: 1, deliveredLeads: 1, opened: 1 }],
      ]);
      expect(bySequence.totals).toEqual({ ...zero(), sent: 4, leads: 2, delivered: 2, deliveredLeads: 2, bouncedSoft: 1, bouncedHard: 1, opened: 2, humanOpened: 1, clicked: 1, humanClicked: 1 });
      const bySegment = new ReportStore(conn.sqlite).messageCounts('segment', FROM, TO, (lead) => w.segments[lead - 1]!.length > 0 ? w.segments[lead - 1]! : [NO_SEGMENT]);
      expect(bySegment.rows.map((r) => [r.keys[0], r.counts.sent, r.counts.leads])).toEqual([
        [NO_SEGMENT, 2, 1],
        ['canada', 2, 1],
        ['us', 2, 1],
      ]);
      expect([bySegment.totals.sent, bySegment.totals.leads]).toEqual([4, 2]);
    } finally {
      conn.close();
    }
  });
});
