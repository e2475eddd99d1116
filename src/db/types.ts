/** Where the database lives: an embedded SQLite file (the default) or a PostgreSQL server. */
export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Which setting chose the database, so that a refusal can say what to change. */
export type DatabaseSource = '--db' | 'NURTURE_DATABASE_URL' | 'NURTURE_DB' | 'nurture.yaml database' | 'default';

export interface ResolvedDatabase {
  location: DatabaseLocation;
  source: DatabaseSource;
}
