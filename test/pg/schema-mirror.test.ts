import { is } from 'drizzle-orm';
import { getTableConfig as pgConfig, PgTable } from 'drizzle-orm/pg-core';
import { getTableConfig as sqliteConfig, SQLiteTable } from 'drizzle-orm/sqlite-core';
import { describe, expect, it } from 'vitest';
import * as pgSchema from '../../src/db/pg/schema.js';
import * as sqliteSchema from '../../src/db/schema.js';

/**
 * The declared schemas side by side, without a server: every table of src/db/schema.ts must have
 * its PostgreSQL twin in src/db/pg/schema.ts with the same columns (name, type family, NOT NULL,
 * default, primary key) and the same indexes (name, uniqueness, columns, partial or not), and
 * PostgreSQL may have no table or column SQLite lacks besides those listed as its own. A column
 * or table added to one schema only fails here first (test/pg/migrate.test.ts then checks the
 * migrated databases themselves).
 */
const PG_ONLY_TABLES = ['workers'];

/** SQLite's storage classes and what stands for each in PostgreSQL (booleans are 0/1 integers in SQLite). */
const TYPE_FAMILY: Record<string, string[]> = {
  integer: ['bigint', 'integer', 'boolean'],
  real: ['double precision'],
  text: ['text'],
};

interface ColumnShape {
  name: string;
  type: string;
  notNull: boolean;
  hasDefault: boolean;
  primary: boolean;
}
interface IndexShape {
  name: string;
  unique: boolean;
  columns: string[];
  partial: boolean;
}
interface TableShape {
  columns: ColumnShape[];
  indexes: IndexShape[];
  primaryKeys: string[][];
  foreignKeys: string[];
}

type AnyConfig = ReturnType<typeof sqliteConfig> | ReturnType<typeof pgConfig>;

function shape(config: AnyConfig): TableShape {
  const columns = config.columns
    .map((c) => ({
      name: c.name,
      type: c.getSQLType(),
      notNull: c.notNull,
      // An identity (PostgreSQL) and an autoincrement key (SQLite) both fill themselves in.
      hasDefault: c.hasDefault && !c.primary,
      primary: c.primary,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const indexes = config.indexes
    .map((i) => ({
      name: i.config.name ?? '<unnamed>',
      unique: i.config.unique,
      columns: i.config.columns.map((c) => ('name' in c ? String(c.name) : '<expression>')),
      partial: i.config.where !== undefined,
    }))
    .sort((a, b) => a.name.localeCompare(b.name));
  const primaryKeys = config.primaryKeys.map((k) => k.columns.map((c) => c.name));
  const foreignKeys = config.foreignKeys
    .map((f) => {
      const r = f.reference();
      return `${r.columns.map((c) => c.name).join(',')} -> ${tableName(r.foreignTable)}(${r.foreignColumns.map((c) => c.name).join(',')})`;
    })
    .sort();
  return { columns, indexes, primaryKeys, foreignKeys };
}

const tableName = (t: unknown) => (is(t, PgTable) ? pgConfig(t).name : sqliteConfig(t as SQLiteTable).name);

const sqliteTables = (schema: Record<string, unknown>) =>
  new Map(Object.values(schema).filter((v): v is SQLiteTable => is(v, SQLiteTable)).map((t) => [sqliteConfig(t).name, shape(sqliteConfig(t))] as const));
const pgTables = (schema: Record<string, unknown>) =>
  new Map(Object.values(schema).filter((v): v is PgTable => is(v, PgTable)).map((t) => [pgConfig(t).name, shape(pgConfig(t))] as const));

describe('src/db/pg/schema.ts mirrors src/db/schema.ts', () => {
  const sqlite = sqliteTables(sqliteSchema);
  const pg = pgTables(pgSchema);

  it('has the same tables, PostgreSQL adding only its own', () => {
    expect(sqlite.size).toBeGreaterThan(10);
    expect([...pg.keys()].filter((t) => !PG_ONLY_TABLES.includes(t)).sort()).toEqual([...sqlite.keys()].sort());
  });

  it('has the same columns in every table, each of a matching type, nullability, default and key', () => {
    for (const [table, s] of sqlite) {
      const p = pg.get(table);
      expect(p, `table ${table} is missing from src/db/pg/schema.ts`).toBeDefined();
      const comparable = (c: ColumnShape, types: (t: string) => string) => ({ ...c, type: types(c.type) });
      const family = (pgType: string) => Object.entries(TYPE_FAMILY).find(([, pgTypes]) => pgTypes.includes(pgType))?.[0] ?? pgType;
      expect({ table, columns: p!.columns.map((c) => comparable(c, family)) }).toEqual({ table, columns: s.columns.map((c) => comparable(c, (t) => t)) });
    }
  });

  it('has the same indexes, primary keys and foreign keys in every table', () => {
    for (const [table, s] of sqlite) {
      const p = pg.get(table)!;
      expect({ table, indexes: p.indexes, primaryKeys: p.primaryKeys, foreignKeys: p.foreignKeys }).toEqual({
        table,
        indexes: s.indexes,
        primaryKeys: s.primaryKeys,
        foreignKeys: s.foreignKeys,
      });
    }
  });
});
