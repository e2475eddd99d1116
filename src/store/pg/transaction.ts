import type pg from 'pg';

/**
 * Runs `fn` in a transaction on a pooled connection: committed when it resolves, rolled back when
 * it throws. `begin` opens it (another isolation level, or BEGIN with a lock in the same round trip).
 */
export async function inTransaction<T>(pool: pg.Pool, fn: (client: pg.PoolClient) => Promise<T>, begin: string | ((client: pg.PoolClient) => string) = 'BEGIN'): Promise<T> {
  const client = await pool.connect();
  try {
    await client.query(typeof begin === 'string' ? begin : begin(client));
    const value = await fn(client);
    await client.query('COMMIT');
    client.release();
    return value;
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    client.release(error as Error);
    throw error;
  }
}
