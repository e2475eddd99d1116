/**
 * `nurture leads import` on PostgreSQL against SQLite, in the same run: BENCH_IMPORT_LEADS
 * generated leads (100,000) imported into an empty database (every lead new, rescored), then the
 * same file again (every lead found, merged, nothing changed). The same import code on both
 * (io/lead-import.ts); only the writer differs. PostgreSQL is a throwaway cluster
 * (test/helpers/pg-cluster.ts: fsync off).
 */
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openApp, openRunApp, isPgApp } from '../src/app.js';
import { importLeads } from '../src/io/import.js';
import { sqliteImportStore } from '../src/io/sqlite-import-store.js';
import type { ImportStore } from '../src/io/import-store.js';
import { pgImportStore } from '../src/store/pg/import-store.js';
import { TestClock } from '../src/time/clock.js';
import { startPgCluster } from '../test/helpers/pg-cluster.js';
import { benchWorkspace } from './workspace.js';

const AT = Date.parse('2026-11-24T15:00:00Z');
const TITLES = ['Head of Marketing', 'VP Sales', 'Marketing Manager', 'Director of Growth', 'Associate', 'Student', 'CMO'];
const COUNTRIES: [string, string][] = [['US', 'America/New_York'], ['DE', 'Europe/Berlin'], ['IN', ''], ['BR', 'America/Sao_Paulo'], ['GB', '']];
const CONSENTS = ['confirmed', 'confirmed', 'pending', 'none', 'unsubscribed'];

function leadsFile(dir: string, n: number): string {
  const lines = ['email,first_name,last_name,company,job_title,industry,country,timezone,consent,consent_at,lead_source'];
  for (let i = 0; i < n; i++) {
    const [country, zone] = COUNTRIES[i % COUNTRIES.length]!;
    lines.push(
      `lead${i}@company${i % 997}.example,First${i},Last${i},Company ${i % 997},${TITLES[i % TITLES.length]},SaaS,${country},${zone},${CONSENTS[i % CONSENTS.length]},2026-10-01T10:00:00Z,source-${i % 5}`,
    );
  }
  const path = join(dir, 'bench-leads.csv');
  writeFileSync(path, `${lines.join('\n')}\n`);
  return path;
}

const seconds = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e9;

async function timedImport(store: ImportStore, path: string, scoring: Parameters<typeof importLeads>[3]): Promise<{ s: number; inserted: number; updated: number }> {
  const start = process.hrtime.bigint();
  const r = await importLeads(store, path, AT, scoring);
  return { s: seconds(start), inserted: r.inserted, updated: r.updated };
}

export async function benchPgImport(leads: number): Promise<void> {
  const dir = benchWorkspace('nurture-bench-import');
  const path = leadsFile(dir, leads);
  const cluster = await startPgCluster();
  try {
    const clock = new TestClock(AT);
    const sqlite = openApp({ workspaceDir: dir, env: {}, clock });
    const url = await cluster.createDatabase('import');
    const pgApp = await openRunApp({ workspaceDir: dir, dbPath: url, env: {}, clock });
    if (!isPgApp(pgApp)) throw new Error('expected PostgreSQL');
    try {
      const options = { scoring: sqlite.workspace.scoring };
      const sqliteStore = sqliteImportStore(sqlite.stores);
      const pgStore = pgImportStore(pgApp.store.pool);
      const rows: string[] = [];
      for (const label of [
        'first import (all new)',
        're-import (all known, unchanged)',
      ]) {
        const a = await timedImport(sqliteStore, path, options);
        const b = await timedImport(pgStore, path, options);
        if (a.inserted !== b.inserted || a.updated !== b.updated) throw new Error(`the stores disagree: ${JSON.stringify({ a, b })}`);
        rows.push(`| ${label} | ${a.s.toFixed(2)} s | ${b.s.toFixed(2)} s | ${(b.s / a.s).toFixed(2)}× |`);
      }
      console.log(`${leads.toLocaleString('en-US')} leads, leads import (rescoring included):`);
      console.log('| | SQLite | PostgreSQL | ratio |\n| --- | --- | --- | --- |');
      for (const r of rows) console.log(r);
    } finally {
      sqlite.close();
      await pgApp.close();
    }
  } finally {
    cluster.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}
