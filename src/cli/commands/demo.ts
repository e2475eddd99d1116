import { join } from 'node:path';
import { isPgApp } from '../../app.js';
import { importEvents, importLeads } from '../../io/import.js';
import { type GlobalOptions, withApp } from '../context.js';
import type { CliIo } from '../io.js';
import { calendarFor, toTable } from './calendar.js';
import { importStoreFor } from './imports.js';
import { runOnPostgres } from './run-pg.js';
import { printRun, runWithApp } from './run.js';

/**
 * `npm start`: the main job on the example workspace — import the example leads and events
 * (idempotent), run once as of now, and show the next two weeks of the calendar.
 */
export async function demoCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const now = app.clock.now();
    const store = importStoreFor(app);
    const leads = await importLeads(store, join(app.workspace.dir, 'examples', 'leads.csv'), now);
    const events = await importEvents(store, join(app.workspace.dir, 'examples', 'events.csv'), now);
    io.stdout(
      `Imported examples: ${leads.stored} leads (${leads.rejected.length} rejected), ${events.inserted} new events (${events.rejected.length} rejected)`,
    );
    const report = isPgApp(app) ? await runOnPostgres(io, app, globals, {}) : await runWithApp(io, app, globals, {});
    printRun(io, report);
    io.stdout(`\nMail went to ${app.mailer().describe()}\n\nThe next two weeks:\n`);
    io.stdout(toTable(await calendarFor(app, { days: '14' })));
    return 0;
  });
}
