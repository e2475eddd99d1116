import type { Database, Statement } from 'better-sqlite3';

/** Prepares each SQL text once per connection: preparing costs more than running. */
export class StatementCache {
  private readonly statements = new Map<string, Statement>();

  constructor(private readonly sqlite: Database) {}

  get(sql: string): Statement {
    let stmt = this.statements.get(sql);
    if (!stmt) {
      stmt = this.sqlite.prepare(sql);
      this.statements.set(sql, stmt);
    }
    return stmt;
  }
}
