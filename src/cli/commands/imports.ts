import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import type { ImportReport } from '../../io/import.js';
import { importEvents, importLeads } from '../../io/import.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json } from '../output.js';
import { progress } from '../progress.js';

export async function importCommand(
  io: CliIo,
  globals: GlobalOptions,
  kind: 'leads' | 'events',
  file: string,
): Promise<number> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UserError(`${file}: file not found`);
  return withApp(io, globals, async (app) => {
    const bar = progress(io, `importing ${kind}`, 0, globals.json ?? false);
    const onProgress = (rows: number) => bar.update(rows, rows);
    // Rescores the leads the import touched (new events, changed fields); the rest keep their score.
    const options = { onProgress, scoring: app.workspace.scoring };
    const report =
      kind === 'leads'
        ? await importLeads(app.stores, path, app.clock.now(), options)
        : await importEvents(app.stores, path, app.clock.now(), options);
    bar.stop();
    printImport(io, globals, kind, file, report);
    return report.rejected.length > 0 ? 1 : 0;
  });
}

function printImport(
  io: CliIo,
  globals: GlobalOptions,
  kind: string,
  file: string,
  report: ImportReport,
): void {
  if (globals.json) {
    io.stdout(json({ ...report, file }));
  } else {
    const kept =
      kind === 'leads'
        ? `${report.inserted} new, ${report.updated} updated`
        : `${report.inserted} new, ${report.duplicates} already known`;
    const quarantined = kind === 'events' ? `, ${report.quarantined.length} quarantined` : '';
    io.stdout(
      `${file}: ${report.rows} rows read, ${report.stored} stored (${kept}), ${report.rejected.length} rejected${quarantined}`,
    );
    for (const n of report.notices) io.stdout(`${file}:${n.line}: note: ${n.reason}`);
    if (report.resolved > 0)
      io.stdout(`${report.resolved} quarantined event(s) now belong to imported leads and were added`);
    if (report.rescored > 0) io.stdout(`${report.rescored} lead(s) rescored`);
  }
  for (const r of report.rejected) io.stderr(`${file}:${r.line}: rejected: ${r.reason}`);
  // Not rejected (exit status stays 0): the events are kept and the next leads import adds them.
  for (const q of report.quarantined) io.stderr(`${file}:${q.line}: quarantined: ${q.reason}`);
}
