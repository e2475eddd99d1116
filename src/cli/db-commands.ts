import type { Command } from 'commander';
import { dbCopyCommand, dbMigrateCommand, dbStatusCommand } from './commands/db.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

type Act = (fn: (...args: never[]) => Promise<number> | number) => (...args: unknown[]) => Promise<void>;

/** `db migrate | status`: the database itself, SQLite or PostgreSQL. */
export function registerDbCommands(program: Command, io: CliIo, globals: (cmd: Command) => GlobalOptions, act: Act): void {
  const db = program.command('db').description('the database itself: schema migrations and status (SQLite or PostgreSQL)');
  db.command('migrate')
    .description('apply pending schema migrations (on PostgreSQL under an advisory lock: workers starting together migrate once)')
    .action(act((_o: unknown, cmd: Command) => dbMigrateCommand(io, globals(cmd))));
  db.command('status')
    .description('database kind, migration level, current tick and its batches, uncertain sends, workers')
    .action(act((_o: unknown, cmd: Command) => dbStatusCommand(io, globals(cmd))));
  db.command('copy')
    .description('copy this SQLite database into an empty PostgreSQL one (migrated first), table by table, and check the counts')
    .requiredOption('--to <url>', 'the PostgreSQL database (postgres://user@host/db)')
    .action(act((o: { to: string }, cmd: Command) => dbCopyCommand(io, globals(cmd), o)));
}
