import type { App } from '../../app.js';
import { FORCES, type Sequence } from '../../domain/types.js';
import { dailyVolume } from '../../run/aggregate.js';
import { lintWorkspace } from '../../workspace/lint.js';
import { escapeHtml } from '../router.js';
import type { ReviewData } from '../review-data.js';
import { everyDay, volumeChart } from './chart.js';
import { colourOf, sequenceColours } from './colours.js';
import { layout, tableHtml } from './layout.js';

const e = escapeHtml;

/** Steps, force coverage, leads waiting at each step, and the upcoming volume, per step and per day. */
export function sequencePage(app: Pick<App, 'workspace'>, sequence: Sequence, data: ReviewData): string {
  const coverage = lintWorkspace(app.workspace).coverage.find((c) => c.sequence === sequence.id);
  const items = data.items.filter((i) => i.sequence === sequence.id);
  const perStep = new Map<string, number>();
  for (const i of items) perStep.set(i.step, (perStep.get(i.step) ?? 0) + 1);
  const waiting = data.waitingAt.get(sequence.id) ?? new Map<string, number>();
  const volume = dailyVolume(items);
  const days = everyDay(volume.keys());
  const missing = FORCES.filter((f) => (coverage?.forces[f] ?? 0) === 0);
  const body = `<p>${e(sequence.description)}</p>
<p>Audience: ${sequence.audience.stages.map(e).join(', ')} · priority ${sequence.priority} · exits on ${sequence.exitOn.map(e).join(', ')}${
    sequence.then ? ` · then <a href="/sequences/${encodeURIComponent(sequence.then)}">${e(sequence.then)}</a>` : ''
  }</p>
<h2>Steps</h2>${tableHtml(
    ['step', 'force', 'template', 'wait', 'enrolled leads waiting for it', `touches in ${Math.round((data.to - data.from) / 86_400_000)} days`],
    sequence.steps.map((s) => [e(s.id), e(s.force), e(s.template), e(s.wait), String(waiting.get(s.id) ?? 0), String(perStep.get(s.id) ?? 0)]),
    'steps',
  )}
<h2>Force coverage</h2>${tableHtml(
    [...FORCES],
    [FORCES.map((f) => String(coverage?.forces[f] ?? 0))],
    'coverage',
  )}<p>${missing.length ? `Missing: ${missing.join(', ')}: a sequence should address all four forces.` : 'All four forces covered.'}</p>
<h2>Upcoming volume</h2>${volumeChart(days, [
    { name: sequence.id, className: 'bar-seq', colour: colourOf(sequenceColours(app.workspace.sequences.map((s) => s.id)), sequence.id), values: days.map((d) => volume.get(d) ?? 0) },
  ])}`;
  return layout(app, sequence.name, body);
}
