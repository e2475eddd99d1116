import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { parse } from 'csv-parse/sync';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TouchItem } from '../../src/run/items.js';
import type { RunReport } from '../../src/run/run.js';
import { HolidayCalendar } from '../../src/time/holidays.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';

/**
 * The whole product on the example workspace: import the example leads and events, forecast
 * the fortnight, then run hourly for fourteen simulated days against a real SMTP server on
 * 127.0.0.1 and check what actually arrived.
 */
const DAY0 = Date.parse('2026-11-23T00:00:00Z');
const HOUR = 3_600_000;
const DAYS = 14;
const POSTAL = '500 Harbor Street, Suite 300, Portland, ME 04101, USA';

interface LeadRow {
  email: string;
  timezone: string;
  country: string;
  consent: string;
}

const key = (i: TouchItem) => `${i.lead}|${i.sequence}|${i.step}|${Date.parse(i.at)}`;

describe('a simulated fortnight of hourly runs over SMTP', () => {
  const ws = tempWorkspace();
  const clock = new TestClock(DAY0);
  let sink: SmtpSink;
  let forecastItems: TouchItem[] = [];
  const sent: TouchItem[] = [];
  const confirmationsSent: TouchItem[] = [];
  const nurtureMessages = () => sink.messages.filter((m) => m.headers.get('x-nurture-sequence') !== 'double-opt-in');
  let leads: Map<string, LeadRow>;
  let suppressedBeforeDay0: Set<string>;
  /** Each lead's stored zone: the file's, or the one the import guessed from its country. */
  let storedZone: Map<string, string>;

  beforeAll(async () => {
    sink = await startSmtpSink();
    const cli = cliIn(ws.dir, clock, { NURTURE_SMTP_URL: sink.url });
    expect((await cli('leads', 'import', 'examples/leads.csv')).status).toBe(0);
    expect((await cli('events', 'import', 'examples/events.csv')).status).toBe(0);
    const calendar = await cli(
      'calendar',
      '--from',
      new Date(DAY0).toISOString(),
      '--days',
      String(DAYS),
      '--json',
    );
    expect(calendar.status).toBe(0);
    forecastItems = (JSON.parse(calendar.stdout) as { items: TouchItem[] }).items;
    for (let h = 0; h < DAYS * 24; h++) {
      clock.set(DAY0 + h * HOUR);
      const run = await cli('run', '--json');
      expect(run.status, run.stderr).toBe(0);
      sent.push(...(JSON.parse(run.stdout) as RunReport).sent);
    }
    // Double opt-in emails are the lead's own request, not nurture: checked on their own below.
    for (let i = sent.length - 1; i >= 0; i--) {
      if (sent[i]!.sequence === 'double-opt-in') confirmationsSent.push(...sent.splice(i, 1));
    }
    await sink.settled();
    const rows = parse(readFileSync(join(ws.dir, 'examples', 'leads.csv')), {
      columns: true,
      bom: true,
    }) as LeadRow[];
    leads = new Map(rows.map((r) => [r.email.toLowerCase(), r]));
    const db = new Database(join(ws.dir, '.nurture', 'nurture.db'), { readonly: true });
    storedZone = new Map(
      (db.prepare('SELECT email, timezone FROM leads').all() as { email: string; timezone: string }[]).map((r) => [r.email, r.timezone]),
    );
    db.close();
    const events = parse(readFileSync(join(ws.dir, 'examples', 'events.csv')), { columns: true }) as {
      email: string;
      type: string;
    }[];
    suppressedBeforeDay0 = new Set(
      events
        .filter((e) => ['unsubscribed', 'bounced', 'complained'].includes(e.type))
        .map((e) => e.email.toLowerCase()),
    );
  }, 600_000);

  afterAll(async () => {
    await sink.close();
    ws.cleanup();
  });

  it('sent a real volume and every message arrived', () => {
    expect(sent.length).toBeGreaterThan(100);
    expect(nurtureMessages().length).toBe(sent.length);
    expect(sink.messages.length).toBe(sent.length + confirmationsSent.length);
  });

  it('asked each pending lead to confirm exactly once, and mailed it nothing else', () => {
    const pending = [...leads.values()].filter((l) => l.consent === 'pending' && !suppressedBeforeDay0.has(l.email.toLowerCase()));
    expect(confirmationsSent.map((c) => c.lead).sort()).toEqual(pending.map((l) => l.email.toLowerCase()).sort());
  });

  it('mailed only leads with confirmed consent who never unsubscribed, bounced or complained', () => {
    for (const m of nurtureMessages()) {
      const to = (Array.isArray(m.to) ? m.to[0] : m.to)?.value[0]?.address?.toLowerCase() ?? '';
      expect(leads.get(to)?.consent, to).toBe('confirmed');
      expect(suppressedBeforeDay0.has(to), to).toBe(false);
    }
  });

  it('kept every lead under the caps (1 a day, 3 a week) and 36 hours apart', () => {
    const byLead = new Map<string, number[]>();
    for (const s of sent)
      byLead.set(
        s.lead,
        [...(byLead.get(s.lead) ?? []), Date.parse(s.at)].sort((a, b) => a - b),
      );
    for (const [lead, times] of byLead) {
      for (let i = 1; i < times.length; i++)
        expect(times[i]! - times[i - 1]!, lead).toBeGreaterThanOrEqual(36 * HOUR);
      for (const t of times)
        expect(times.filter((x) => x > t - 7 * 24 * HOUR && x <= t).length, lead).toBeLessThanOrEqual(3);
    }
  });

  it("sent inside each lead's local window, on weekdays, outside public holidays", () => {
    const holidays = new HolidayCalendar();
    for (const s of sent) {
      const local = DateTime.fromISO(s.at, { setZone: true });
      const lead = leads.get(s.lead)!;
      expect(s.zone).toBe(storedZone.get(s.lead) || 'America/New_York');
      if (lead.timezone) expect(s.zone).toBe(lead.timezone);
      expect(local.offset).toBe(DateTime.fromISO(s.at).setZone(s.zone).offset);
      const minute = local.hour * 60 + local.minute;
      expect(minute, s.at).toBeGreaterThanOrEqual(9 * 60);
      expect(minute, s.at).toBeLessThan(17 * 60);
      expect(local.weekday, s.at).toBeLessThanOrEqual(5);
      expect(
        holidays.holidayOn(lead.country || 'US', local.toISODate()!),
        `${s.lead} ${s.at}`,
      ).toBeUndefined();
    }
  });

  it('sent each step of each enrolment once', () => {
    const steps = nurtureMessages().map(
      (m) =>
        `${m.to && !Array.isArray(m.to) ? m.to.text : ''}|${m.headers.get('x-nurture-sequence')}|${m.headers.get('x-nurture-step')}`,
    );
    expect(new Set(steps).size).toBe(steps.length);
    const ids = sink.messages.map((m) => m.messageId);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('put the unsubscribe link, one-click headers and postal address in every message', () => {
    for (const m of sink.messages) {
      expect(m.text).toContain(POSTAL);
      expect(m.html || '').toMatch(/href="http:\/\/127\.0\.0\.1:8787\/u\/[\w-]+\.[\w-]+"/);
      const lines = m.headerLines.map((h) => h.line.replace(/\r?\n\s+/g, ' '));
      expect(lines).toContain('List-Unsubscribe-Post: List-Unsubscribe=One-Click');
      expect(lines.find((l) => l.startsWith('List-Unsubscribe:'))).toMatch(
        // No unsubscribeMailbox in the example workspace: the HTTPS link alone, no mailto to a mailbox nobody reads.
        /^List-Unsubscribe: <http:\/\/127\.0\.0\.1:8787\/u\/[\w.-]+>$/,
      );
    }
  });

  it('sent exactly what the calendar forecast on day 0', () => {
    expect(sent.map(key).sort()).toEqual(forecastItems.map(key).sort());
  });
});
