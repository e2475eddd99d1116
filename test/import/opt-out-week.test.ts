import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { badInputWorkspace } from '../bad-input/support.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { TestClock, cliIn } from '../helpers/workspace.js';
import { bytesOf, HUBSPOT, MARKETO, MAUTIC, PIPEDRIVE, SALESFORCE_CONTACTS, SALESFORCE_LEADS } from './exports.js';

const DAY0 = Date.parse('2026-11-23T00:00:00Z');
const HOUR = 3_600_000;

/** Leads whose CRM said no (opt-out, do-not-contact, non-marketing, blocklisted, bounced) or who already bought. */
const NEVER = [
  'olu@northgate.example',
  'mia.brandt@kiefer-werke.example',
  'noah@alpenhaus.example',
  'ben.carter@lonestar-cloud.example',
  'ravi@ghat-systems.example',
  'pierre@seine-data.example',
  'alan@enigma.example',
  'linus@archived.example',
  'eva@vltava.example',
  'omar@cedar-cloud.example',
];

/**
 * The CRM exports imported as a new user would, then a week of hourly runs against a real SMTP
 * server on 127.0.0.1; on day 3 a "cleaned" HubSpot export says every opted-out contact is
 * confirmed again. Nothing may reach anyone the CRM opted out.
 */
describe('a week of hourly runs after importing CRM exports', () => {
  const ws = badInputWorkspace();
  const clock = new TestClock(DAY0);
  let sink: SmtpSink;
  const sent: { lead: string; sequence: string }[] = [];
  let reimport = '';

  beforeAll(async () => {
    sink = await startSmtpSink();
    const cli = cliIn(ws.dir, clock, { NURTURE_SMTP_URL: sink.url });
    const load = async (file: typeof HUBSPOT, ...flags: string[]) => {
      ws.write(file.name, bytesOf(file));
      const r = await cli('leads', 'import', file.name, ...flags);
      expect(r.status, r.stderr).toBe(0);
    };
    await load(HUBSPOT, '--map', 'Double opt-in=consent');
    await load(SALESFORCE_LEADS, '--map', 'Consent_Status__c=consent');
    await load(SALESFORCE_CONTACTS);
    await load(MAUTIC);
    await load(PIPEDRIVE);
    await load(MARKETO);
    for (let h = 0; h < 7 * 24; h++) {
      clock.set(DAY0 + h * HOUR);
      if (h === 72) {
        const cleaned = { ...HUBSPOT, name: 'hubspot-cleaned.csv', lines: HUBSPOT.lines.map((l) => l.replace(',true,confirmed,', ',false,confirmed,').replace('Non-marketing contact', 'Marketing contact')) };
        ws.write(cleaned.name, bytesOf(cleaned));
        const r = await cli('leads', 'import', cleaned.name, '--map', 'Double opt-in=consent');
        expect(r.status).toBe(0);
        reimport = r.stderr;
      }
      const run = await cli('run', '--json');
      expect(run.status, run.stderr).toBe(0);
      sent.push(...(JSON.parse(run.stdout) as RunReport).sent);
    }
    await sink.settled();
  }, 600_000);

  afterAll(async () => {
    await sink.close();
    ws.cleanup();
  });

  it('mails the confirmed leads (so "nothing" below means something)', () => {
    const nurture = sent.filter((s) => s.sequence !== 'double-opt-in');
    expect(nurture.length).toBeGreaterThan(5);
    expect(new Set(nurture.map((s) => s.lead))).toContain('hannah.okafor@quartzcloud.example');
    expect(sink.messages.length).toBe(sent.length);
  });

  it('never sends to a lead the CRM opted out, bounced or marked as a customer, even after a re-import says confirmed', () => {
    for (const email of NEVER) {
      expect(sent.filter((s) => s.lead === email), email).toEqual([]);
      expect(sink.countTo(email), email).toBe(0);
    }
    expect(reimport.split('\n')).toEqual([
      'hubspot-cleaned.csv:6: refused: consent: olu@northgate.example is unsubscribed: the file\'s "confirmed" was refused, consent stays unsubscribed (only a new opt-in through the confirmation link re-subscribes)',
      'hubspot-cleaned.csv:7: refused: consent: mia.brandt@kiefer-werke.example is unsubscribed: the file\'s "confirmed" was refused, consent stays unsubscribed (only a new opt-in through the confirmation link re-subscribes)',
    ]);
  });

  it('delivers to an internationalised domain, punycoded in the headers it writes', () => {
    expect(sent.some((s) => s.lead === 'jose@ñandú.example')).toBe(true);
    // smtp-server hands the envelope over with the domain decoded back to Unicode.
    expect(sink.transfers.some((t) => t.to.includes('jose@ñandú.example'))).toBe(true);
    const toJose = sink.messages.filter((m) => m.headerLines.some((h) => h.key === 'to' && h.line.includes('jose@xn--and-6ma2c.example')));
    expect(toJose.length).toBeGreaterThan(0);
    expect(toJose[0]!.headerLines.find((h) => h.key === 'to')!.line).toBe('To: jose@xn--and-6ma2c.example');
  });
});
