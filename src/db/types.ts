/** Where the database lives: an embedded SQLite file (the default) or a PostgreSQL server. */
export type DatabaseLocation = { kind: 'sqlite'; path: string } | { kind: 'postgres'; url: string };

/** Which setting chose the database, so that a refusal can say what to change. */
export type DatabaseSource = '--db' | 'NURTURE_DATABASE_URL' | 'NURTURE_DB' | 'nurture.yaml database' | 'default';

export interface ResolvedDatabase {
  location: DatabaseLocation;
  source: DatabaseSource;
}

/** How far a database's schema is: migrations applied of those shipped, the last one's tag, what is pending. */
export interface MigrationLevel {
  applied: number;
  available: number;
  latest: string | null;
  pending: string[];
}

/** What `nurture db status` reports; a part is null where its table does not exist (yet). */
export interface DbStatus {
  kind: DatabaseLocation['kind'];
  database: string;
  exists: boolean;
  migrations: MigrationLevel;
  lastRun: { id: number; at: number; status: string } | null;
  /** The newest tick a batch store elected a run for, and its batches by state. */
  currentTick: { runId: number; tickAt: number; status: string; batches: { pending: number; planned: number } } | null;
  uncertainSends: number | null;
  /** PostgreSQL only: the workers that announced themselves; alive = holding their session advisory lock now. */
  workers: { id: number; host: string; pid: number; startedAt: number; seenAt: number; alive: boolean }[] | null;
}

/** One query, the same portable SQL on either database (no parameters), rows as objects. */
export type StatusQuery = (sql: string) => Promise<Record<string, unknown>[]>;
