import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cliIn, TestClock } from '../helpers/workspace.js';
import { AT, acmeLeads, cleanUpAfterEach, type DeliveryWorkspace, deliveryWorkspace } from './fixture.js';

/** The small trust settings: who gets mailto unsubscribes, what init keeps out of git, what lint warns about. */
describe('trust settings', () => {
  let ws: DeliveryWorkspace | undefined;
  cleanUpAfterEach(() => ({ ws }));

  const listUnsubscribe = (dir: string) => {
    const [file] = readdirSync(join(dir, 'outbox')).filter((f) => f.endsWith('.eml'));
    const eml = readFileSync(join(dir, 'outbox', file!), 'utf8');
    // Unfolded (a long value is folded right after the colon).
    return /^List-Unsubscribe:(.*(?:\r\n[ \t].*)*)/m.exec(eml)![1]!.replace(/\r\n[ \t]+/g, ' ').trim();
  };

  it('List-Unsubscribe carries the HTTPS link alone, and a mailto only to a configured unsubscribeMailbox', async () => {
    ws = await deliveryWorkspace(acmeLeads(['ann']));
    expect((await ws.cli('file:./outbox')('run', '--at', AT)).status).toBe(0);
    expect(listUnsubscribe(ws.dir)).toMatch(/^<http:\/\/127\.0\.0\.1:8787\/u\/[\w.-]+>$/);
    ws.cleanup();

    ws = await deliveryWorkspace(acmeLeads(['ann']), (yaml) => `${yaml}\nunsubscribeMailbox: optout@tidewater.example\n`);
    expect((await ws.cli('file:./outbox')('run', '--at', AT)).status).toBe(0);
    expect(listUnsubscribe(ws.dir)).toMatch(/^<http:\/\/127\.0\.0\.1:8787\/u\/[\w.-]+>, <mailto:optout@tidewater\.example\?subject=unsubscribe-[0-9a-f]+>$/);
  });

  it('lint warns on a password in an smtp URL and on a loopback baseUrl with a real relay', async () => {
    ws = await deliveryWorkspace(acmeLeads(['ann']));
    const yaml = join(ws.dir, 'nurture.yaml');
    writeFileSync(yaml, readFileSync(yaml, 'utf8').replace('smtp: file:./outbox', 'smtp: smtp://maya:hunter2@relay.tidewater.example:587'));
    const lint = await ws.cli('file:./outbox')('lint');
    expect(lint.status, lint.stderr).toBe(0);
    expect(lint.stdout).toContain(
      'nurture.yaml: smtp: the URL carries a password; nurture.yaml is meant for git: set NURTURE_SMTP_URL in the environment instead',
    );
    // The relay the run would use is the environment's when set: a file mailer there silences the baseUrl warning.
    expect(lint.stdout).not.toContain('baseUrl');
    const cli = cliIn(ws.dir, new TestClock(Date.parse(AT)), { NURTURE_SECRET: 'x' });
    const real = await cli('lint');
    expect(real.stdout).toContain(
      'nurture.yaml: baseUrl http://127.0.0.1:8787 is this machine\'s loopback, but mail goes out through smtp://***@relay.tidewater.example:587: every unsubscribe and tracking link will be dead for recipients (set baseUrl to the public address of nurture serve)',
    );
    expect(real.stdout).not.toContain('hunter2');
  });

  it('init writes a .gitignore that keeps the secrets, the database and the outbox out of git', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'nurture-init-'));
    try {
      const init = await cliIn(dir, new TestClock(Date.parse(AT)), {})('init', 'ws');
      expect(init.status, init.stderr).toBe(0);
      const ignore = readFileSync(join(dir, 'ws', '.gitignore'), 'utf8').split('\n');
      for (const entry of ['.nurture/', 'outbox/', 'node_modules/']) expect(ignore).toContain(entry);
      expect(init.stdout).toContain('.nurture/secret     the key that signs unsubscribe and tracking links (kept out of git by .gitignore)');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
