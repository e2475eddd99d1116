import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase } from '../../src/db/connection.js';
import { importLeads } from '../../src/io/import.js';
import { storesFor } from '../../src/run/context.js';

const NOW = Date.parse('2026-11-23T12:00:00Z');
const RANK: Record<string, number> = { unsubscribed: 0, none: 1, pending: 2, confirmed: 3 };

/** Addresses the database already holds, each in a state no import may lift. */
const SUPPRESSED = [
  { email: 'unsub@example.com', consent: 'unsubscribed', suppress: null },
  { email: 'bounced@example.com', consent: 'confirmed', suppress: 'bounced' },
  { email: 'complained@example.com', consent: 'pending', suppress: 'complained' },
  { email: 'bounced.none@ñandú.example', consent: 'none', suppress: 'bounced' },
] as const;

/** The ways a file can write one of those addresses: as stored, upper case, its domain in punycode. */
const spellings = (email: string) => [email, email.toUpperCase(), email.replace('ñandú.example', 'xn--and-6ma2c.example')];

const row = fc.record({
  who: fc.integer({ min: 0, max: SUPPRESSED.length - 1 }),
  spelling: fc.integer({ min: 0, max: 2 }),
  consent: fc.constantFrom('', 'none', 'pending', 'confirmed', 'unsubscribed', 'CONFIRMED'),
  optOut: fc.constantFrom('', 'false', 'no', '0', 'true'),
  status: fc.constantFrom('', 'Marketing contact', 'Subscribed', 'Non-marketing contact'),
});

const csvCell = (s: string) => `"${s.replace(/"/g, '""')}"`;

describe('invariant 11: an import never raises the consent of an unsubscribed, bounced or complained address', () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  });

  it('holds whatever the file says, in any order, with any columns', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(row, { minLength: 1, maxLength: 12 }),
        fc.boolean(),
        async (rows, crm) => {
          const dir = mkdtempSync(join(tmpdir(), 'nurture-consent-'));
          dirs.push(dir);
          const conn = openDatabase(join(dir, 'nurture.db'));
          try {
            const stores = storesFor(conn);
            stores.leads.upsertBatch(
              SUPPRESSED.map((s) => ({ lead: { email: s.email, consent: s.consent, attributes: {} }, evidence: 'seed' })),
              NOW - 1000,
            );
            const ids = stores.leads.idsByEmail(SUPPRESSED.map((s) => s.email));
            for (const s of SUPPRESSED) if (s.suppress) stores.leads.suppress(ids.get(s.email)!, s.suppress, NOW - 500, 'seed', NOW - 500);

            const header = crm
              ? 'Email,Consent,Unsubscribed from all email,Marketing contact status'
              : 'email,consent,email_opt_out,marketing_status';
            const lines = rows.map((r) => [spellings(SUPPRESSED[r.who]!.email)[r.spelling]!, r.consent, r.optOut, r.status].map(csvCell).join(','));
            const file = join(dir, 'leads.csv');
            writeFileSync(file, `${header}\r\n${lines.join('\r\n')}\r\n`);
            const report = await importLeads(stores, file, NOW);

            expect(report.rejected).toEqual([]);
            for (const s of SUPPRESSED) {
              const after = stores.leads.findByEmail(s.email)!;
              expect(RANK[after.consent]!, `${s.email}: ${s.consent} → ${after.consent}`).toBeLessThanOrEqual(RANK[s.consent]!);
              expect(after.suppressedReason, s.email).not.toBeNull();
              // Every attempt to raise it is in the consent log as refused, with the line it came from.
              const log = stores.leads.consentLog(after.id).filter((c) => c.refused !== null);
              expect(log.every((c) => RANK[c.refused!]! > RANK[c.consent]! && c.consent === c.previous)).toBe(true);
            }
            expect(report.refused.length).toBe(
              SUPPRESSED.reduce((n, s) => n + stores.leads.consentLog(stores.leads.findByEmail(s.email)!.id).filter((c) => c.refused).length, 0),
            );
          } finally {
            conn.close();
          }
        },
      ),
      { numRuns: 40 },
    );
  }, 120_000);
});
