import { describeLocation } from './location.js';
import type { ResolvedDatabase } from './types.js';

/** What to do instead, by the setting that chose PostgreSQL. */
const REMEDY: Record<ResolvedDatabase['source'], string> = {
  '--db': 'pass --db with a SQLite file path instead',
  NURTURE_DATABASE_URL: 'unset NURTURE_DATABASE_URL (or set it to a SQLite file path)',
  NURTURE_DB: 'set NURTURE_DB to a SQLite file path',
  'nurture.yaml database': 'set database: in nurture.yaml to a SQLite path such as .nurture/nurture.db',
  default: 'use a SQLite database',
};

/**
 * A command that cannot run on PostgreSQL yet (the forecast, calendar, report, serve, imports and
 * outbox commands read SQLite only so far; `run` and `worker` have a PostgreSQL app). It is refused (exit 1) rather than run on a
 * SQLite file of the same name, which is what a postgres:// value used to create.
 */
export class PostgresNotYetError extends Error {
  constructor(
    readonly database: ResolvedDatabase,
    readonly command = 'this command',
  ) {
    super(
      `${command} cannot run on PostgreSQL yet (database ${describeLocation(database.location)} from ${database.source}); ` +
        `${REMEDY[database.source]}. On PostgreSQL, only nurture run, nurture worker and nurture db migrate, db status and db copy --to ` +
        `work so far (import into SQLite, then move the database with nurture db copy --to).`,
    );
    this.name = 'PostgresNotYetError';
  }

  /** The same refusal naming the command (the app is opened before the command is known to it). */
  forCommand(command: string): PostgresNotYetError {
    return new PostgresNotYetError(this.database, `nurture ${command}`);
  }
}
