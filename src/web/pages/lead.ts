import type { App } from '../../app.js';
import { leadWhere } from '../../domain/lead-plan.js';
import { scoreLead } from '../../domain/scoring.js';
import { forecastLead } from '../../run/forecast.js';
import { leadNoMail } from '../../run/no-mail.js';
import type { TouchItem } from '../../run/items.js';
import { DAY_MS } from '../../time/clock.js';
import { zoneOrigin } from '../../domain/zone-origin.js';
import type { LeadPageData } from '../review-reads.js';
import { escapeHtml } from '../router.js';
import { colourOf, sequenceColours, swatch } from './colours.js';
import { layout, tableHtml } from './layout.js';
import { timeHtml } from './local-time.js';

const e = escapeHtml;

/** Score breakdown, a timeline of sends and events, and the next touches with why each sits there (`data`: review-reads.ts). */
export function leadPage(app: Pick<App, 'workspace'>, data: LeadPageData, now: number, days: number): string {
  const { loaded, ctx, entered } = data;
  const lead = loaded.state.profile;
  const zone = leadWhere(lead, app.workspace.policy).zone;
  const colours = sequenceColours(app.workspace.sequences.map((s) => s.id));
  const seq = (id: string) => `${swatch(colourOf(colours, id))} ${e(id)}`;
  const score = scoreLead(app.workspace.scoring, lead, loaded.state.events, now);
  const skips: TouchItem[] = [];
  const upcoming = forecastLead(ctx, structuredClone(loaded.state), now, now + days * DAY_MS, undefined, skips);
  const next = upcoming[0];
  const noMail = leadNoMail(app.workspace, loaded, now, data.suppression);
  const timeline = [
    ...loaded.sends.map((s) => ({ at: s.at, what: `send ${s.sequenceId}/${s.stepId}${s.variant ? ` (variant ${s.variant})` : ''}`, detail: `${s.status}${s.reason ? `: ${s.reason}` : ''}` })),
    ...loaded.state.events.map((ev) => ({ at: ev.at, what: `event ${ev.type}`, detail: ev.url })),
    ...loaded.enrollments.map((en) => ({
      at: en.enrolledAt,
      what: `enrolled in ${en.sequenceId}`,
      detail: `${en.status}${entered.get(en.sequenceId) ? ` · because ${entered.get(en.sequenceId)}` : ''}`,
    })),
  ].sort((a, b) => b.at - a.at);
  const body = `<p>${e(lead.firstName)} ${e(lead.lastName)} · ${e(lead.jobTitle)} · ${e(lead.company)} · zone ${e(zone)} (<span class="zone-origin">zone ${e(zoneOrigin(lead, data.zoneSource))}</span>) · consent ${e(lead.consent)}${
    data.suppression ? ` · <strong>suppressed: ${e(data.suppression.reason)}</strong>` : ''
  }</p>
${noMail ? `<section id="no-mail"><h2>No mail now</h2><p class="no-mail-reason" data-cause="${e(noMail.cause)}">${e(noMail.text)}</p></section>\n` : ''}<section id="next-touch"><h2>Next touch</h2>${
    next
      ? `<p><strong>${timeHtml(next.at, next.zone, 'next-at')}</strong> · ${seq(next.sequence)}/${e(next.step)}${next.variant ? ` <span class="variant">variant ${e(next.variant)}</span>` : ''} (${e(next.force)})</p><p class="why">Why this time: <span class="next-reason">${e(next.reason ?? '')}</span></p>`
      : `<p>None planned in the next ${days} days.</p>`
  }</section>
<section><h2>Upcoming touches</h2>${tableHtml(
    ['local time', 'sequence', 'step', 'variant', 'force', 'why this time'],
    upcoming.map((i) => [timeHtml(i.at, i.zone), seq(i.sequence), e(i.step), e(i.variant ?? ''), e(i.force), e(i.reason ?? '')]),
  )}</section>${
    skips.length > 0
      ? `<section><h2>Steps that will be skipped</h2>${tableHtml(
          ['local time', 'sequence', 'step', 'why'],
          skips.map((i) => [timeHtml(i.at, i.zone), seq(i.sequence), e(i.step), e(i.reason ?? '')]),
        )}</section>`
      : ''
  }
<section><h2>Score ${score.score} = fit ${score.fit} + engagement ${score.engagement} → ${e(score.stage)}</h2>${tableHtml(
    ['rule', 'kind', 'times', 'points'],
    score.contributions.map((c) => [e(c.rule), c.kind, String(c.occurrences), String(c.points)]),
  )}</section>
<section><h2>Timeline</h2>${tableHtml(
    ['when', 'what', 'detail'],
    timeline.map((t) => [timeHtml(t.at, zone), e(t.what), e(t.detail)]),
  )}</section>`;
  return layout(app, lead.email, body);
}
