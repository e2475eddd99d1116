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
    const report =
      kind === 'leads'
        ? await importLeads(app.stores, path, app.clock.now(), onProgress)
        : await importEvents(app.stores, path, app.clock.now(), onProgress);
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
    io.stdout(
      `${file}: ${report.rows} rows read, ${report.stored} stored (${kept}), ${report.rejected.length} rejected`,
    );
    for (const n of report.notices) io.stdout(`${file}:${n.line}: note: ${n.reason}`);
  }
  for (const r of report.rejected) io.stderr(`${file}:${r.line}: rejected: ${r.reason}`);
}
