import { generateKeyPairSync } from 'node:crypto';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cliIn, TestClock, tempWorkspace } from '../helpers/workspace.js';
import { LATER, serveFixture, startServe } from './support.js';

const cleanups: (() => void | Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) await c();
});

function workspaceWith(yaml: string) {
  const ws = tempWorkspace();
  cleanups.push(ws.cleanup);
  appendFileSync(join(ws.dir, 'nurture.yaml'), `\n${yaml}\n`);
  return ws;
}

describe('webhooks: in nurture.yaml', () => {
  it('stops serve with exit 1 when a secret it names cannot be read', async () => {
    const ws = workspaceWith('webhooks:\n  mailgun: { signingKey: env:MAILGUN_SIGNING_KEY }\n  postmark: { secret: file:.postmark-secret }');
    const result = await cliIn(ws.dir, new TestClock(LATER))('serve', '--port', '0');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain('nurture.yaml: webhooks.mailgun.signingKey: environment variable MAILGUN_SIGNING_KEY is not set');
  });

  it('names the file that is missing', async () => {
    const ws = workspaceWith('webhooks:\n  postmark: { secret: file:.postmark-secret }');
    const result = await cliIn(ws.dir, new TestClock(LATER))('serve', '--port', '0');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`nurture.yaml: webhooks.postmark.secret: cannot read ${join(ws.dir, '.postmark-secret')} (ENOENT)`);
  });

  it('refuses a SendGrid key that is not ECDSA P-256', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'der', type: 'spki' }).toString('base64');
    const ws = workspaceWith('webhooks:\n  sendgrid: { publicKey: env:SENDGRID_KEY }');
    const result = await cliIn(ws.dir, new TestClock(LATER), { SENDGRID_KEY: rsa })('serve', '--port', '0');
    expect(result.status).toBe(1);
    expect(result.stderr).toContain(`nurture.yaml: webhooks.sendgrid.publicKey: expected an ECDSA P-256 key (SendGrid's "Verification Key"), got rsa`);
  });

  it('reports a misspelt key and a provider with nothing to verify with, by line', async () => {
    const ws = workspaceWith('webhooks:\n  sendgrid: { secrte: env:X }\n  ses: { autoConfirm: true }');
    const result = await cliIn(ws.dir, new TestClock(LATER))('lint');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(/nurture\.yaml:\d+: webhooks\.sendgrid\.secrte: unknown key "secrte" \(allowed: publicKey, secret, maxAge\)/);
    expect(result.stderr).toMatch(/nurture\.yaml:\d+: webhooks\.ses: give certificate \(SNS signature\) or secret/);
  });

  it('lint warns about a secret written into nurture.yaml, and not about env: or file: references', async () => {
    const ws = workspaceWith('webhooks:\n  postmark: { secret: hunter2 }\n  mailgun: { signingKey: env:MAILGUN_SIGNING_KEY }');
    const result = await cliIn(ws.dir, new TestClock(LATER))('lint', '--json');
    const warnings = (JSON.parse(result.stdout) as { warnings: { file: string; message: string }[] }).warnings;
    expect(warnings.filter((w) => w.message.includes('webhooks.'))).toEqual([
      { file: 'nurture.yaml', message: 'webhooks.postmark.secret is written in the file (it lives in git): use env:NAME or file:PATH' },
    ]);
  });

  it('says which ESP endpoints serve answers', async () => {
    const ws = workspaceWith('webhooks:\n  postmark: { secret: env:PM }\n  sendgrid: { secret: env:SG }');
    const server = await startServe(ws.dir, new TestClock(LATER), { PM: 'a', SG: 'b' });
    cleanups.unshift(() => server.stop());
    expect(server.stdout).toContain('ESP webhooks: /webhooks/sendgrid, /webhooks/postmark');
  });
});

describe('SendGrid without a signed webhook: a secret in the URL', () => {
  it('takes a batch only with the secret', async () => {
    const A = 'ari@acme-analytics.com';
    const f = await serveFixture([A], 'webhooks:\n  sendgrid: { secret: env:SENDGRID_SECRET }', { SENDGRID_SECRET: 'sg-url-secret' });
    cleanups.push(() => f.stop());
    const batch = JSON.stringify([{ email: A, timestamp: LATER / 1000 - 60, event: 'bounce', type: 'bounce', status: '5.1.1', sg_event_id: 'sg-1', 'smtp-id': f.messageIdOf(A) }]);
    expect((await f.post('/webhooks/sendgrid/wrong', batch)).status).toBe(401);
    expect(f.lead(A).suppressed).toBeNull();
    const response = await f.post('/webhooks/sendgrid/sg-url-secret', batch);
    expect(await response.json()).toMatchObject({ stored: 1, matched: 1 });
    expect(f.lead(A).suppressed).toBe('bounced');
  });
});
