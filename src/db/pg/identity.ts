import type pg from 'pg';

/**
 * Moves each identity column's sequence past the highest id stored, after rows were inserted with
 * their ids given (a copy from SQLite, a fixture): otherwise the next insert without an id would
 * be given 1 again and collide.
 */
export async function syncIdentities(db: pg.Pool | pg.PoolClient): Promise<void> {
  const { rows } = await db.query<{ table: string; column: string }>(
    `SELECT table_name AS table, column_name AS column FROM information_schema.columns
      WHERE table_schema = current_schema() AND is_identity = 'YES'`,
  );
  for (const { table, column } of rows) {
    const t = `"${table.replace(/"/g, '""')}"`;
    const c = `"${column.replace(/"/g, '""')}"`;
    await db.query(
      `SELECT setval(pg_get_serial_sequence($1, $2), coalesce((SELECT max(${c}) FROM ${t}), 0) + 1, false)`,
      [table, column],
    );
  }
}
