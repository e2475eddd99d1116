import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { simpleParser } from 'mailparser';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serve } from '../../src/web/server.js';
import { lead, linkFixture, WEBHOOK_SECRET } from './support.js';

const A = 'ari@acme-analytics.com';
const PENDING = 'pat@acme-analytics.com';

describe('the events webhook and the double opt-in, over real HTTP on 127.0.0.1', () => {
  let f: Awaited<ReturnType<typeof linkFixture>>;
  let server: Server;
  let base: string;
  beforeAll(async () => {
    f = await linkFixture([lead(A), lead(PENDING, 'pending')]);
    server = await serve(f.web, { host: '127.0.0.1', port: 0 });
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    f.close();
  });

  const post = (body: unknown, secret?: string) =>
    fetch(`${base}/webhooks/events`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
      body: JSON.stringify(body),
    });
  const bounce = [{ email: A, type: 'bounced', occurred_at: '2026-11-24T14:55:00Z', id: 'esp-1' }];

  it('refuses a webhook call without its secret, or with a wrong one, and stores nothing', async () => {
    expect((await post(bounce)).status).toBe(401);
    expect((await post(bounce, 'wrong')).status).toBe(401);
    expect(f.lead(A).suppressed).toBeNull();
  });

  it('takes a bounce with the secret, suppresses the address, and counts a replay once', async () => {
    const first = await post(bounce, WEBHOOK_SECRET);
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ received: 1, stored: 1, duplicates: 0, rejected: [] });
    expect(f.lead(A).suppressed).toBe('bounced');
    const replay = await post({ events: bounce }, WEBHOOK_SECRET);
    expect(await replay.json()).toMatchObject({ stored: 0, duplicates: 1 });
  });

  it('reports bad items by position and keeps the good ones', async () => {
    const response = await post(
      [
        { email: A, type: 'email_opened', occurred_at: '2026-11-24T14:56:00Z' },
        { email: A, type: 'teleported', occurred_at: '2026-11-24T14:56:00Z' },
        'nonsense',
      ],
      WEBHOOK_SECRET,
    );
    expect(response.status).toBe(422);
    const body = (await response.json()) as { stored: number; rejected: { item: number; reason: string }[] };
    expect(body.stored).toBe(1);
    expect(body.rejected.map((r) => r.item)).toEqual([2, 3]);
    expect(body.rejected[0]!.reason).toContain('type: "teleported" is not one of');
  });

  it('sends a pending lead one confirmation email whose link confirms it', async () => {
    const outbox = join(f.ws.dir, 'outbox');
    const messages = await Promise.all(readdirSync(outbox).map((n) => simpleParser(readFileSync(join(outbox, n)))));
    const confirmations = messages.filter((m) => m.headers.get('x-nurture-sequence') === 'double-opt-in');
    expect(confirmations.map((m) => (m.to && !Array.isArray(m.to) ? m.to.text : ''))).toEqual([PENDING]);
    const link = /href="(http:\/\/127\.0\.0\.1:8787\/k\/[\w.-]+)"/.exec(confirmations[0]!.html || '')![1]!;
    const path = new URL(link).pathname;
    expect((await fetch(`${base}${path}`)).status).toBe(200);
    expect(f.lead(PENDING).consent).toBe('pending');
    const confirmed = await fetch(`${base}${path}`, { method: 'POST' });
    expect(confirmed.status).toBe(200);
    expect(f.lead(PENDING).consent).toBe('confirmed');
    const explain = JSON.parse((await f.cli('explain', PENDING, '--json')).stdout) as { consentLog: { consent: string; source: string }[] };
    expect(explain.consentLog.at(-1)).toMatchObject({ consent: 'confirmed', source: 'double-opt-in' });
  });

  it('then nurtures the confirmed lead, and never sends it a second confirmation', async () => {
    f.clock.set(f.clock.now() + 3_600_000);
    const run = JSON.parse((await f.cli('run', '--json')).stdout) as { sent: { lead: string; sequence: string }[] };
    expect(run.sent.filter((s) => s.lead === PENDING).map((s) => s.sequence)).toEqual(['new-signups']);
  });
});
