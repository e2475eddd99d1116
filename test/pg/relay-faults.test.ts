import { afterAll, beforeAll, expect, it } from 'vitest';
import { openPool } from '../../src/db/pg/connection.js';
import { acmeLeads, AT, type DeliveryWorkspace, deliveryWorkspace } from '../delivery/fixture.js';
import { PG_TESTS, type PgCluster, startPgCluster } from '../helpers/pg-cluster.js';
import { type SmtpSink, startSmtpSink } from '../helpers/smtp-sink.js';

const HOUR = 3_600_000;
const at = (hours: number) => new Date(Date.parse(AT) + hours * HOUR).toISOString();

let cluster: PgCluster | undefined;
let sink: SmtpSink | undefined;
let ws: DeliveryWorkspace | undefined;
beforeAll(async () => {
  if (PG_TESTS) cluster = await startPgCluster();
});
afterAll(async () => {
  await sink?.close();
  ws?.cleanup();
  cluster?.stop();
});

it.runIf(PG_TESTS)(
  'on PostgreSQL, a relay refusing our login stops the tick: every touch waits planned, no attempt counted (invariant 10); after the fix each goes once',
  async () => {
    let loginRefused = true;
    sink = await startSmtpSink({ auth: () => (loginRefused ? { code: 535, message: '5.7.8 Authentication credentials invalid' } : undefined) });
    ws = await deliveryWorkspace(acmeLeads(['ann', 'bob', 'cyd', 'dee']));
    const url = await cluster!.createDatabase('relay_faults');
    const cli = ws.cli(sink.url.replace('smtp://', 'smtp://nurture:rotated-key@'));
    expect((await cli('db', 'copy', '--to', url)).status).toBe(0);
    const pool = openPool(url, 1);
    try {
      const first = await cli('--db', url, 'run', '--at', at(0));
      expect(first.status).toBe(1);
      expect(first.stderr).toContain('nurture run: stopped sending: relay refused our login: 535 5.7.8 Authentication credentials invalid');
      expect(first.stderr).toContain('4 touches due now wait planned');
      const waiting = await pool.query(`SELECT status, attempts, ref FROM sends ORDER BY id`);
      expect(waiting.rows).toEqual(Array.from({ length: 4 }, () => ({ status: 'planned', attempts: 0, ref: '' })));
      expect((await pool.query('SELECT count(*)::int AS n FROM delivery_attempts')).rows).toEqual([{ n: 0 }]);
      expect(sink.messages).toHaveLength(0);

      loginRefused = false;
      const fixed = await cli('--db', url, 'run', '--at', at(1));
      expect(fixed.status, fixed.stderr).toBe(0);
      await sink.settled();
      expect(sink.messages.map((m) => m.to).flat().map((a) => (a as { text: string }).text).sort()).toEqual(
        ['ann', 'bob', 'cyd', 'dee'].map((n) => `${n}@acme-analytics.com`),
      );
      const sent = await pool.query(`SELECT s.status, s.attempts, a.ok FROM sends s JOIN delivery_attempts a ON a.send_id = s.id ORDER BY s.id`);
      expect(sent.rows).toEqual(Array.from({ length: 4 }, () => ({ status: 'sent', attempts: 1, ok: true })));
      const again = await cli('--db', url, 'run', '--at', at(2));
      expect(again.status).toBe(0);
      expect(sink.messages).toHaveLength(4);
    } finally {
      await pool.end();
    }
  },
  120_000,
);
