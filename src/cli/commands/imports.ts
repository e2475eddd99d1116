import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { importEvents, importLeads } from '../../io/import.js';
import { MappingError } from '../../io/columns.js';
import type { ImportSettings, PresetId } from '../../io/types.js';
import type { App, PgApp } from '../../app.js';
import { isPgApp } from '../../app.js';
import type { ImportStore } from '../../io/import-store.js';
import { sqliteImportStore } from '../../io/sqlite-import-store.js';
import { pgImportStore } from '../../store/pg/import-store.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { progress } from '../progress.js';
import { parseAt } from '../time-options.js';
import { printImport } from './import-output.js';

export interface ImportFlags {
  preset?: PresetId;
  /** `Header=field`, repeatable. */
  map?: string[];
  check?: boolean;
  /** events: the "now" future events are refused against. */
  at?: string;
  /** events: a luxon format for dates such as 11/20/2026 10:02. */
  dateFormat?: string;
}

/** `--map 'Job Function=job_title'` pairs; the header may hold `=` only before the last one. */
export function parseMapFlags(values: readonly string[] = []): Record<string, string> {
  const map: Record<string, string> = {};
  for (const v of values) {
    const at = v.lastIndexOf('=');
    if (at <= 0 || at === v.length - 1)
      throw new UserError(`--map: "${v}" is not Header=field (e.g. --map 'Job Function=job_title')`);
    map[v.slice(0, at).trim()] = v.slice(at + 1).trim();
  }
  return map;
}

/** The import's writer for the workspace's database. */
export const importStoreFor = (app: App | PgApp): ImportStore => (isPgApp(app) ? pgImportStore(app.store.pool) : sqliteImportStore(app.stores));

export async function importCommand(
  io: CliIo,
  globals: GlobalOptions,
  kind: 'leads' | 'events',
  file: string,
  flags: ImportFlags = {},
): Promise<number> {
  const path = resolve(io.cwd, file);
  if (!existsSync(path)) throw new UserError(`${file}: file not found`);
  const cliMap = parseMapFlags(flags.map);
  return withApp(io, globals, async (app) => {
    const yaml = app.workspace.config.import;
    const settings: ImportSettings = {
      preset: flags.preset ?? yaml.preset,
      map: { ...yaml.map, ...cliMap },
      check: flags.check ?? false,
      defaultZone: app.workspace.policy.defaultZone,
      dateFormat: flags.dateFormat,
    };
    const now = parseAt(flags.at, app.workspace.policy.defaultZone, app.clock.now());
    const bar = progress(io, `importing ${kind}`, 0, globals.json ?? false);
    const onProgress = (rows: number) => bar.update(rows, rows);
    // Rescores the leads the import touched (new events, changed fields); the rest keep their score.
    const options = { onProgress, scoring: app.workspace.scoring, settings };
    try {
      const report =
        kind === 'leads'
          ? await importLeads(importStoreFor(app), path, now, options)
          : await importEvents(importStoreFor(app), path, now, options);
      bar.stop();
      printImport(io, globals, kind, file, report, app.workspace.policy.defaultZone);
      return report.rejected.length > 0 ? 1 : 0;
    } catch (error) {
      bar.stop();
      if (error instanceof MappingError) throw new UserError(error.message);
      throw error;
    }
  });
}
