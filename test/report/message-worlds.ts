import fc from 'fast-check';
import { openDatabase } from '../../src/db/connection.js';

/**
 * Random small report worlds (test/report/message-counts.property.test.ts, test/pg/report.test.ts):
 * six leads, sends of two sequences soft- and hard-bounced, refused by the relay, opened and
 * clicked by people and machines, unsubscribed, complained about, inside and outside the period,
 * and each lead's segments.
 */
export const DAY = 86_400_000;
export const FROM = Date.parse('2026-11-02T00:00:00Z');
export const TO = FROM + 14 * DAY;
const SEQUENCES = ['evaluators', 'new-signups'];
const STEPS = ['intro', 'proof', 'offer'];
const FORCES = ['push', 'pull'];
export const SEGMENTS = ['canada', 'us'];
const EVENT_TYPES = ['email_opened', 'email_clicked', 'unsubscribed', 'complained', 'bounced', 'page_viewed'] as const;

const event = fc.record({
  type: fc.constantFrom(...EVENT_TYPES),
  signal: fc.constantFrom('human', 'machine', ''),
  bounce: fc.constantFrom<Record<string, string>>({}, { bounce_type: 'soft' }, { bounce_type: 'hard' }, { bounceType: 'Transient' }, { severity: 'temporary' }, { severity: 'permanent' }),
});
const send = fc.record({
  lead: fc.integer({ min: 1, max: 6 }),
  sequence: fc.constantFrom(...SEQUENCES),
  step: fc.constantFrom(...STEPS),
  force: fc.constantFrom(...FORCES),
  status: fc.constantFrom('sent', 'sent', 'sent', 'skipped', 'planned'),
  rejected: fc.boolean(),
  // Days from FROM: some before the period, some after.
  day: fc.integer({ min: -3, max: 16 }),
  events: fc.array(event, { maxLength: 4 }),
});
export const world = fc.record({
  sends: fc.uniqueArray(send, { maxLength: 30, selector: (s) => `${s.lead}/${s.sequence}/${s.step}` }),
  segments: fc.array(fc.subarray(SEGMENTS), { minLength: 6, maxLength: 6 }),
});
export type World = typeof world extends fc.Arbitrary<infer W> ? W : never;
export type Send = World['sends'][number];

export const soft = (p: Record<string, string>) => ['soft', 'transient', 'temporary'].includes((p.bounce_type ?? p.bounceType ?? p.severity ?? '').toLowerCase());

/** The world in an in-memory SQLite database, ids as given (lead n is id n, send i is id i + 1). */
export function store(w: World) {
  const conn = openDatabase(':memory:');
  const db = conn.sqlite;
  for (let lead = 1; lead <= 6; lead++)
    db.prepare("INSERT INTO leads (id, email, consent, created_at, updated_at) VALUES (?, ?, 'confirmed', 0, 0)").run(lead, `lead${lead}@example.com`);
  const enrolments = new Map<string, number>();
  w.sends.forEach((s, i) => {
    const key = `${s.lead}/${s.sequence}`;
    if (!enrolments.has(key)) {
      enrolments.set(key, enrolments.size + 1);
      db.prepare("INSERT INTO enrollments (id, lead_id, sequence_id, status, enrolled_at) VALUES (?, ?, ?, 'active', ?)").run(enrolments.get(key), s.lead, s.sequence, FROM - 5 * DAY);
    }
    const at = FROM + s.day * DAY + 9 * 3_600_000;
    db.prepare(
      `INSERT INTO sends (id, enrollment_id, lead_id, sequence_id, step_id, force, status, sent_at, reason, ref, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ).run(i + 1, enrolments.get(key), s.lead, s.sequence, s.step, s.force, s.status, s.status === 'sent' ? at : null, s.rejected ? 'rejected by the mail server' : 'over the cap', `r${i}`, at);
    s.events.forEach((e, j) =>
      db
        .prepare('INSERT INTO events (lead_id, type, occurred_at, properties, dedupe_key, recorded_at, signal, send_id) VALUES (?, ?, ?, ?, ?, 0, ?, ?)')
        .run(s.lead, e.type, at + (j + 1) * 60_000, JSON.stringify(e.type === 'bounced' ? e.bounce : {}), `e${i}-${j}`, e.signal, i + 1),
    );
  });
  return conn;
}

