import { isPgApp } from '../../app.js';
import { SignalStore } from '../../db/signal-store.js';
import { reclassifyAllPg } from '../../store/pg/reclassify.js';
import { type GlobalOptions, withApp } from '../context.js';
import type { CliIo } from '../io.js';
import { json } from '../output.js';

/** `nurture events reclassify`: every open and click classified again from what was kept. */
export async function reclassifyCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const counts = isPgApp(app) ? await reclassifyAllPg(app.store.pool) : new SignalStore(app.conn.sqlite).reclassifyAll();
    if (globals.json) io.stdout(json(counts));
    else
      io.stdout(
        `Reclassified ${counts.examined} opens and clicks: ${counts.human} human, ${counts.machine} machine; ${counts.changed} changed class or reason. Scores follow at the next run.`,
      );
    return 0;
  });
}
