import type Database from 'better-sqlite3';
import type pg from 'pg';
import { syncIdentities } from './identity.js';

/** PostgreSQL binds at most 65,535 parameters a statement: rows per INSERT follow from the column count. */
const MAX_PARAMETERS = 60_000;

export interface CopiedTable {
  table: string;
  rows: number;
}

export class CopyRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CopyRefusedError';
  }
}

/**
 * Copies every table of a (migrated) SQLite database into an empty, migrated PostgreSQL one,
 * table by table in keyset batches (bounded memory whatever the size), parents before children,
 * ids kept; then moves the identity sequences past them and checks that every count matches.
 * One transaction: a copy that fails leaves the target as it was.
 */
export async function copySqliteToPostgres(
  sqlite: Database.Database,
  client: pg.PoolClient,
  onTable: (done: CopiedTable) => void = () => {},
  batchRows = 5000,
): Promise<CopiedTable[]> {
  const tables = (
    sqlite.prepare(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name <> '__drizzle_migrations'`).all() as {
      name: string;
    }[]
  ).map((t) => t.name);
  const target = await targetColumns(client);
  const columnsOf = (table: string) => (sqlite.prepare('SELECT name FROM pragma_table_info(?) ORDER BY cid').all(table) as { name: string }[]).map((c) => c.name);
  for (const table of tables) {
    if (!target.has(table)) throw new CopyRefusedError(`table ${table} has no counterpart in PostgreSQL: run nurture db migrate with this version`);
    const missing = columnsOf(table).filter((c) => !target.get(table)!.has(c));
    if (missing.length > 0)
      throw new CopyRefusedError(
        `${missing.map((c) => `column ${table}.${c}`).join(', ')} ha${missing.length === 1 ? 's' : 've'} no counterpart in PostgreSQL: run nurture db migrate with this version`,
      );
  }
  for (const table of tables) {
    const { rows } = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`);
    if (rows[0]!.n > 0) throw new CopyRefusedError(`the target is not empty: ${table} has ${rows[0]!.n} row(s); copy into a new database`);
  }
  const order = await parentsFirst(client, tables);
  const copied: CopiedTable[] = [];
  await client.query('BEGIN');
  try {
    // The rows arrive as they were: the input triggers (migrations/pg 0002) would wake every copied
    // lead and count an input per event. Disabled inside this transaction only (the tables' owner may).
    for (const table of order) await client.query(`ALTER TABLE ${quote(table)} DISABLE TRIGGER USER`);
    for (const table of order) {
      const columns = columnsOf(table);
      const booleans = columns.map((c) => target.get(table)!.get(c) === 'boolean');
      const perStatement = Math.max(1, Math.min(batchRows, Math.floor(MAX_PARAMETERS / columns.length)));
      const read = sqlite.prepare(`SELECT rowid AS __rowid, ${columns.map(quote).join(', ')} FROM ${quote(table)} WHERE rowid > ? ORDER BY rowid LIMIT ?`).raw();
      let after = Number.MIN_SAFE_INTEGER;
      let count = 0;
      for (;;) {
        const batch = read.all(after, perStatement) as unknown[][];
        if (batch.length === 0) break;
        after = batch[batch.length - 1]![0] as number;
        const values: unknown[] = [];
        const tuples = batch.map((row) => {
          const slots = columns.map((_, k) => {
            const v = row[k + 1];
            values.push(booleans[k] && v !== null ? v !== 0 : v);
            return `$${values.length}`;
          });
          return `(${slots.join(', ')})`;
        });
        await client.query(`INSERT INTO ${quote(table)} (${columns.map(quote).join(', ')}) VALUES ${tuples.join(', ')}`, values);
        count += batch.length;
      }
      const expected = (sqlite.prepare(`SELECT count(*) AS n FROM ${quote(table)}`).get() as { n: number }).n;
      const { rows } = await client.query<{ n: number }>(`SELECT count(*) AS n FROM ${quote(table)}`);
      if (rows[0]!.n !== expected || count !== expected)
        throw new Error(`copy of ${table} does not add up: ${expected} row(s) in SQLite, ${rows[0]!.n} in PostgreSQL`);
      copied.push({ table, rows: expected });
      onTable({ table, rows: expected });
    }
    await syncIdentities(client);
    for (const table of order) await client.query(`ALTER TABLE ${quote(table)} ENABLE TRIGGER USER`);
    await client.query('COMMIT');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
  return copied;
}

const quote = (name: string) => `"${name.replace(/"/g, '""')}"`;

/** Each table's columns and their PostgreSQL types. */
async function targetColumns(client: pg.PoolClient): Promise<Map<string, Map<string, string>>> {
  const { rows } = await client.query<{ t: string; c: string; type: string }>(
    `SELECT table_name AS t, column_name AS c, data_type AS type FROM information_schema.columns WHERE table_schema = current_schema()`,
  );
  const out = new Map<string, Map<string, string>>();
  for (const r of rows) {
    if (!out.has(r.t)) out.set(r.t, new Map());
    out.get(r.t)!.set(r.c, r.type);
  }
  return out;
}

/** The tables ordered so that every foreign key's target is copied before the rows that refer to it. */
async function parentsFirst(client: pg.PoolClient, tables: readonly string[]): Promise<string[]> {
  const { rows } = await client.query<{ child: string; parent: string }>(
    `SELECT c.relname AS child, p.relname AS parent FROM pg_constraint k
       JOIN pg_class c ON c.oid = k.conrelid JOIN pg_class p ON p.oid = k.confrelid
      WHERE k.contype = 'f' AND c.relnamespace = (SELECT oid FROM pg_namespace WHERE nspname = current_schema())`,
  );
  const order: string[] = [];
  const visiting = new Set<string>();
  const visit = (table: string) => {
    if (order.includes(table) || visiting.has(table)) return;
    visiting.add(table);
    for (const r of rows) if (r.child === table && r.parent !== table && tables.includes(r.parent)) visit(r.parent);
    order.push(table);
  };
  for (const t of [...tables].sort()) visit(t);
  return order;
}
