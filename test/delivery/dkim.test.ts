import { generateKeyPairSync, type KeyObject } from 'node:crypto';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { dkimVerify } from 'mailauth/lib/dkim/verify.js';
import { describe, expect, it } from 'vitest';
import type { RunReport } from '../../src/run/run.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';
import { AT, acmeLeads, cleanUpAfterEach, type DeliveryWorkspace, deliveryWorkspace } from './fixture.js';

/**
 * DKIM: every message is signed over the exact bytes that go out, and checked by an independent
 * verifier (mailauth's dkimVerify). The only stand-in is its DNS resolver, which answers the
 * selector's TXT record with the test's public key; the signature check itself is real.
 */
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const ed = generateKeyPairSync('ed25519');

function txtRecord(publicKey: KeyObject): string {
  const der = publicKey.export({ type: 'spki', format: 'der' });
  return `v=DKIM1; k=rsa; p=${der.toString('base64')}`;
}

async function verify(raw: Buffer, publicKey: KeyObject) {
  const resolver = async (name: string, type: string) => {
    if (type === 'TXT' && name === 's1._domainkey.tidewater.example') return [[txtRecord(publicKey)]];
    throw Object.assign(new Error(`no ${type} record for ${name}`), { code: 'ENOTFOUND' });
  };
  const { results } = await dkimVerify(raw, { resolver });
  return results.map((r) => `${r.status.result} d=${r.signingDomain ?? ''} s=${r.selector ?? ''} ${r.algo ?? ''}`.trim());
}

/** Writes the private key into the workspace (.nurture/dkim.pem) and names it in nurture.yaml. */
function signWith(ws: DeliveryWorkspace, privateKey: KeyObject): void {
  mkdirSync(join(ws.dir, '.nurture'), { recursive: true });
  writeFileSync(join(ws.dir, '.nurture', 'dkim.pem'), privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  appendFileSync(join(ws.dir, 'nurture.yaml'), '\ndkim: { domain: tidewater.example, selector: s1, privateKey: .nurture/dkim.pem }\n');
}

describe('DKIM', () => {
  let sink: SmtpSink | undefined;
  let ws: DeliveryWorkspace | undefined;
  cleanUpAfterEach(() => ({ sink, ws }));

  it('signs every message (RSA), and each verifies after passing through a real SMTP server; a changed byte fails', async () => {
    sink = await startSmtpSink();
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd']));
    signWith(ws, rsa.privateKey);
    const run = await ws.cli(sink.url)('run', '--at', AT, '--json');
    expect(run.status, run.stderr).toBe(0);
    expect((JSON.parse(run.stdout) as RunReport).sent).toHaveLength(3);
    await sink.settled();
    expect(sink.raw).toHaveLength(3);
    for (const raw of sink.raw) {
      expect(raw.toString().startsWith('DKIM-Signature: v=1; a=rsa-sha256; c=relaxed/relaxed; d=tidewater.example;')).toBe(true);
      expect(raw.toString()).toMatch(/h=[^;]*List-Unsubscribe-Post/i);
      expect(await verify(raw, rsa.publicKey)).toEqual(['pass d=tidewater.example s=s1 rsa-sha256']);
      const tampered = Buffer.from(raw.toString().replace('Tidewater', 'Tidewatet'));
      expect((await verify(tampered, rsa.publicKey))[0]).toMatch(/^(fail|neutral)/);
    }
    // No t= tag: a message signed again (a retry) is the same bytes, whatever the wall clock says.
    expect(sink.raw[0]!.toString().split('\r\n\r\n')[0]).not.toMatch(/[;\s]t=\d/);
  });

  it('signs what the file mailer writes too, verified from the .eml files', async () => {
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob']));
    signWith(ws, rsa.privateKey);
    const run = await ws.cli('file:./outbox')('run', '--at', AT);
    expect(run.status, run.stderr).toBe(0);
    const files = readdirSync(join(ws.dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    expect(files).toHaveLength(2);
    for (const f of files) {
      const raw = readFileSync(join(ws.dir, 'outbox', f));
      expect(await verify(raw, rsa.publicKey)).toEqual(['pass d=tidewater.example s=s1 rsa-sha256']);
    }
  });

  it('lint loads the key: a missing or broken key is an error naming the field; a domain the sender does not align with, a warning', async () => {
    ws = await deliveryWorkspace(acmeLeads(['ann']));
    const cli = ws.cli('file:./outbox');
    appendFileSync(join(ws.dir, 'nurture.yaml'), '\ndkim: { domain: tidewater.example, selector: s1, privateKey: .nurture/dkim.pem }\n');
    const missing = await cli('lint');
    expect(missing.status).toBe(1);
    expect(missing.stderr).toContain('nurture.yaml: dkim.privateKey: ".nurture/dkim.pem" cannot be read (no such file)');
    writeFileSync(join(ws.dir, '.nurture', 'dkim.pem'), 'not a key');
    const broken = await cli('lint');
    expect(broken.status).toBe(1);
    expect(broken.stderr).toContain('nurture.yaml: dkim.privateKey: ".nurture/dkim.pem": not a PEM private key');
    const run = await cli('run', '--at', AT);
    expect(run.status, 'a run refuses to start with a key that does not load').toBe(1);
    writeFileSync(join(ws.dir, '.nurture', 'dkim.pem'), ed.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    expect((await cli('lint')).stderr).toContain('nurture.yaml: dkim.privateKey: ".nurture/dkim.pem": a ed25519 key: DKIM signs with an RSA key (2048 bits)');
    writeFileSync(join(ws.dir, '.nurture', 'dkim.pem'), rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }));
    writeFileSync(join(ws.dir, 'nurture.yaml'), readFileSync(join(ws.dir, 'nurture.yaml'), 'utf8').replace('domain: tidewater.example', 'domain: other.example'));
    const misaligned = await cli('lint');
    expect(misaligned.status, misaligned.stderr).toBe(0);
    expect(misaligned.stdout).toContain(
      'nurture.yaml: dkim.domain other.example does not match the sender\'s domain tidewater.example: DMARC needs the signing domain to be the From domain or a parent of it',
    );
  });
});
