import { BaseWorkspaceError, loadBaseWorkspace, planDiff } from '../../run/base-workspace.js';
import type { PlanDiff } from '../../run/diff.js';
import { forecastReader } from '../../run/forecast-reader.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parsePositiveInt } from '../time-options.js';
import { windowFor } from './calendar.js';

export interface DiffOptions {
  base: string;
  from?: string;
  days?: string;
  to?: string;
  limit?: string;
}

/** `nurture diff --base DIR|GIT-REF`: what a workspace change does to the forecast, before it is applied. */
export async function diffCommand(io: CliIo, globals: GlobalOptions, options: DiffOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const window = windowFor(app, options);
    let base;
    try {
      base = loadBaseWorkspace(app.workspace.dir, options.base);
    } catch (error) {
      if (error instanceof BaseWorkspaceError) throw new UserError(error.message);
      throw error;
    }
    const diff = await planDiff(forecastReader(app), app.workspace, base, window);
    io.stdout(globals.json ? json(diff) : diffText(diff, parsePositiveInt(options.limit ?? '20', '--limit')));
    return 0;
  });
}

export function diffText(diff: PlanDiff, limit: number): string {
  const out = [
    `Plan diff from ${diff.from} to ${diff.to}`,
    `${diff.leadsChanged.length} lead${diff.leadsChanged.length === 1 ? '' : 's'} with a changed calendar: ` +
      `${diff.added.length} touches added, ${diff.removed.length} removed, ${diff.moved.length} moved, ${diff.unchanged} unchanged`,
  ];
  if (diff.leadsChanged.length === 0) return out.join('\n');
  const rows = [
    ...diff.added.map((i) => ['added', i.lead, `${i.sequence}/${i.step}`, '', i.at]),
    ...diff.removed.map((i) => ['removed', i.lead, `${i.sequence}/${i.step}`, i.at, '']),
    ...diff.moved.map((m) => ['moved', m.lead, `${m.sequence}/${m.step}`, m.before, m.after]),
  ];
  out.push('', table(['change', 'lead', 'touch', 'before', 'after'], rows.slice(0, limit)));
  if (rows.length > limit) out.push(`… and ${rows.length - limit} more (--limit N, or --json for all)`);
  const days = diff.volume.filter((d) => d.before !== d.after);
  out.push(
    '',
    'Daily volume (days that change):',
    table(['day', 'before', 'after', 'change'], days.map((d) => [d.day, String(d.before), String(d.after), signed(d.after - d.before)])),
  );
  return out.join('\n');
}

const signed = (n: number) => (n > 0 ? `+${n}` : String(n));
