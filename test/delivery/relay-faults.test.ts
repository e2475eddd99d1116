import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { selfSignedCertificate } from '../helpers/self-signed.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, attemptRows, cleanUpAfterEach, type DeliveryWorkspace, deliveryWorkspace, query, sendRows } from './fixture.js';

/**
 * Faults on our side — a relay that refuses our login, TLS that cannot be set up — stop the run's
 * sending and leave every touch planned, with no attempt counted against any lead (invariant 10).
 * Real SMTP servers on 127.0.0.1; STARTTLS with a self-signed certificate made for the test.
 */
const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(AT) + hours * HOUR).toISOString();
const LEADS = ['ann', 'bob', 'cyd', 'dee'];
const DAY = 86_400_000;

describe('faults on our side', () => {
  let sink: SmtpSink | undefined;
  let ws: DeliveryWorkspace | undefined;
  cleanUpAfterEach(() => ({ sink, ws }));

  it('a relay answering 535 for a day of hourly runs: nothing sent, nothing counted; after the fix every touch goes once, no burst, caps held', async () => {
    let loginRefused = true;
    sink = await startSmtpSink({ auth: () => (loginRefused ? { code: 535, message: '5.7.8 Authentication credentials invalid' } : undefined) });
    ws = await deliveryWorkspace(acmeLeads(LEADS));
    const relay = sink.url.replace('smtp://', 'smtp://nurture:rotated-key@');
    const cli = ws.cli(relay);
    const masked = sink.url.replace('smtp://', 'smtp://***@');

    const stopped: number[] = [];
    for (let hours = 0; hours < 24; hours++) {
      const run = await cli('run', '--at', at(hours), '--json');
      const report = JSON.parse(run.stdout) as RunReport;
      expect(report.sent, `${hours}h`).toEqual([]);
      expect(report.failed, `${hours}h`).toEqual([]);
      if (report.halted) {
        stopped.push(hours);
        expect(run.status).toBe(1);
        expect(run.stderr).toContain(
          `nurture run: stopped sending: relay refused our login: 535 5.7.8 Authentication credentials invalid (${masked}); nothing was sent, 4 touches due now wait planned`,
        );
      } else expect(run.status, `${hours}h: outside the window nothing is tried`).toBe(0);
    }
    // Tuesday 10:00–16:00 and Wednesday 09:00 in New York: the runs inside the send window.
    expect(stopped).toEqual([0, 1, 2, 3, 4, 5, 6, 23]);
    expect(sendRows(ws.dbPath).map((r) => [r.status, r.attempts])).toEqual(LEADS.map(() => ['planned', 0]));
    expect(attemptRows(ws.dbPath), 'no attempt counted against any lead').toEqual([]);
    await sink.settled();
    expect(sink.messages).toEqual([]);

    loginRefused = false;
    const fixed = await cli('run', '--at', at(24), '--json');
    expect(fixed.status, fixed.stderr).toBe(0);
    expect((JSON.parse(fixed.stdout) as RunReport).sent.map((s) => `${s.lead} ${s.step}`).sort()).toEqual(
      LEADS.map((l) => `${l}@acme-analytics.com pain`),
    );
    // Then ten days of runs every six hours: each step once, caps (1 a day, 3 a week) and the 36 h gap held.
    for (let hours = 30; hours <= 24 + 10 * 24; hours += 6) {
      const run = await cli('run', '--at', at(hours));
      expect(run.status, `${hours}h: ${run.stderr}`).toBe(0);
    }
    await sink.settled();
    for (const lead of LEADS) {
      const messages = sink.messagesTo(`${lead}@acme-analytics.com`);
      const steps = messages.map((m) => m.headers.get('x-nurture-step'));
      expect(new Set(steps).size, `${lead}: each step once`).toBe(steps.length);
      expect(steps.slice(0, 3)).toEqual(['pain', 'future', 'exports']);
      const times = messages.map((m) => m.date!.getTime()).sort((a, b) => a - b);
      for (let i = 1; i < times.length; i++) expect(times[i]! - times[i - 1]!, `${lead}: minGap`).toBeGreaterThanOrEqual(36 * HOUR);
      for (const t of times) expect(times.filter((u) => u > t - 7 * DAY && u <= t).length, `${lead}: 3 a week`).toBeLessThanOrEqual(3);
    }
    expect(attemptRows(ws.dbPath).every((a) => a.ok === 1)).toBe(true);
  });

  it('a confirmation email (double opt-in) refused at login waits too: no attempt counted, one email once the login works', async () => {
    let loginRefused = true;
    sink = await startSmtpSink({ auth: () => (loginRefused ? { code: 535, message: '5.7.8 Authentication credentials invalid' } : undefined) });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob'], 'pending'));
    const cli = ws.cli(sink.url.replace('smtp://', 'smtp://nurture:key@'));
    const first = await cli('run', '--at', AT, '--json');
    expect(first.status).toBe(1);
    expect((JSON.parse(first.stdout) as RunReport).halted?.cause).toBe('relay refused our login');
    expect(query<{ status: string; attempts: number }>(ws.dbPath, 'SELECT status, attempts FROM confirmations ORDER BY id')).toEqual([
      { status: 'planned', attempts: 0 },
    ]);
    loginRefused = false;
    const fixed = await cli('run', '--at', at(1), '--json');
    expect(fixed.status, fixed.stderr).toBe(0);
    await sink.settled();
    for (const lead of ['ann', 'bob']) expect(sink.messagesTo(`${lead}@acme-analytics.com`).map((m) => m.headers.get('x-nurture-step'))).toEqual(['confirm']);
  });

  describe('STARTTLS', () => {
    let relayCert: { key: string; cert: string };
    /** The relay's certificate, and another one, as PEM files a workspace's delivery.tlsCa can name. */
    let certDir: string;
    let relayCa: string;
    let otherCa: string;
    beforeAll(() => {
      relayCert = selfSignedCertificate();
      certDir = mkdtempSync(join(tmpdir(), 'nurture-ca-'));
      relayCa = join(certDir, 'relay-ca.pem');
      otherCa = join(certDir, 'other-ca.pem');
      writeFileSync(relayCa, relayCert.cert);
      writeFileSync(otherCa, selfSignedCertificate().cert);
    });
    afterAll(() => rmSync(certDir, { recursive: true, force: true }));
    const withTls = (caFile: string | undefined, requireTLS: boolean) => (yaml: string) =>
      `${yaml}\ndelivery: { requireTLS: ${requireTLS}${caFile ? `, tlsCa: ${caFile}` : ''} }\n`;

    it('is used whenever the relay offers it; with requireTLS and the relay certificate trusted (delivery.tlsCa) every message goes encrypted', async () => {
      sink = await startSmtpSink({ tls: { ...relayCert, required: true } });
      ws = await deliveryWorkspace(acmeLeads(['ann', 'bob']), withTls(relayCa, true));
      const run = await ws.cli(sink.url)('run', '--at', AT, '--json');
      expect(run.status, run.stderr).toBe(0);
      expect((JSON.parse(run.stdout) as RunReport).sent).toHaveLength(2);
      await sink.settled();
      expect(sink.messages).toHaveLength(2);
      expect(sink.transfers.map((t) => t.secure)).toEqual([true, true]);
    });

    it('on this machine, without a tlsCa, STARTTLS is still used (the certificate is not checked on loopback)', async () => {
      sink = await startSmtpSink({ tls: { ...relayCert, required: true } });
      ws = await deliveryWorkspace(acmeLeads(['ann']));
      const run = await ws.cli(sink.url)('run', '--at', AT);
      expect(run.status, run.stderr).toBe(0);
      await sink.settled();
      expect(sink.transfers.map((t) => t.secure)).toEqual([true]);
    });

    it('a certificate that tlsCa does not vouch for stops the run: TLS failure named, touches planned', async () => {
      sink = await startSmtpSink({ tls: { ...relayCert, required: true } });
      ws = await deliveryWorkspace(acmeLeads(['ann', 'bob']), withTls(otherCa, false));
      const run = await ws.cli(sink.url)('run', '--at', AT, '--json');
      expect(run.status).toBe(1);
      expect((JSON.parse(run.stdout) as RunReport).halted).toMatchObject({ cause: 'TLS with the relay failed', waiting: 2 });
      expect(run.stderr).toMatch(/stopped sending: TLS with the relay failed: .*certificate.*; nothing was sent, 2 touches due now wait planned/);
      expect(sendRows(ws.dbPath).map((r) => [r.status, r.attempts])).toEqual([
        ['planned', 0],
        ['planned', 0],
      ]);
      expect(sink.transfers).toEqual([]);
    });

    it('requireTLS refuses a relay that does not offer STARTTLS: nothing goes in clear text', async () => {
      sink = await startSmtpSink();
      ws = await deliveryWorkspace(acmeLeads(['ann']), withTls(undefined, true));
      const run = await ws.cli(sink.url)('run', '--at', AT, '--json');
      expect(run.status).toBe(1);
      expect((JSON.parse(run.stdout) as RunReport).halted?.cause).toBe('TLS with the relay failed');
      expect(sink.transfers).toEqual([]);
      expect(sendRows(ws.dbPath).map((r) => r.status)).toEqual(['planned']);
    });
  });
});
