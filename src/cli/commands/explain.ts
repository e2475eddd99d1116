import { leadWhere } from '../../domain/lead-plan.js';
import { forecastLead } from '../../run/forecast.js';
import { leadNoMail } from '../../run/no-mail.js';
import type { TouchItem } from '../../run/items.js';
import { scoreLoaded } from '../../run/rescore.js';
import { DAY_MS } from '../../time/clock.js';
import { zoneOrigin } from '../../domain/zone-origin.js';
import { isoWithOffset } from '../../time/zone.js';
import type { App, PgApp } from '../../app.js';
import type { LeadSource } from '../../store/lead-source-types.js';
import type { LeadRow } from '../../db/leads.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';
import { parseAt } from '../time-options.js';
import { machineSignalsOf, printMachineSignals } from './explain-signals.js';
import { printHistory, scoreHistory } from './score-history.js';
import { printScore, scoreBody } from './score-report.js';

/** Everything about one lead: score, stage, enrolments, history, consent proof, and the next touch with its reasons. */
export async function explainCommand(
  io: CliIo,
  globals: GlobalOptions,
  email: string,
  options: { at?: string },
): Promise<number> {
  return withApp(io, globals, async (app) => {
    const source = leadSourceOf(app);
    const lead = await source.findByEmail(email);
    if (!lead) throw new UserError(`no lead with address ${email}`);
    const now = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
    const explained = await explain(app, source, lead, now);
    if (globals.json) io.stdout(json(explained.body));
    else printExplain(io, explained);
    return 0;
  });
}

type Explained = Awaited<ReturnType<typeof explain>>;

async function explain(app: App | PgApp, source: LeadSource, lead: LeadRow, now: number) {
  const zone = leadWhere(lead, app.workspace.policy).zone;
  const loaded = await source.loaded(lead);
  const score = scoreBody(app.workspace.scoring, loaded, scoreLoaded(app.workspace.scoring, loaded, now), now);
  const upcomingSkips: TouchItem[] = [];
  const upcoming = forecastLead(
    await source.planContext(app.workspace, now),
    structuredClone(loaded.state),
    now,
    now + 120 * DAY_MS,
    undefined,
    upcomingSkips,
  );
  const local = (t: number | null) => (t === null ? null : isoWithOffset(t, zone));
  const noMail = leadNoMail(app.workspace, loaded, now, await source.suppression(lead.id));
  const entered = await source.entryReasons(lead.id);
  const body = {
    lead: lead.email,
    zone,
    zoneOrigin: zoneOrigin(lead, await source.zoneSourceOf(lead.id)),
    consent: lead.consent,
    suppressed: lead.suppressedReason,
    score: score.score,
    fit: score.fit,
    engagement: score.engagement,
    stage: score.stage,
    nextStage: score.nextStage,
    contributions: score.contributions,
    ...(await scoreHistory(source, lead.id, zone)),
    enrollments: loaded.enrollments.map((e) => ({
      sequence: e.sequenceId,
      status: e.status,
      enrolledAt: local(e.enrolledAt),
      endedAt: local(e.endedAt ?? null),
      reason: e.exitReason,
      enrolledBecause: entered.get(e.sequenceId) || undefined,
    })),
    sends: loaded.sends.map((s) => ({
      sequence: s.sequenceId,
      step: s.stepId,
      status: s.status,
      at: local(s.at),
      reason: s.reason,
      ...(s.variant ? { variant: s.variant } : {}),
    })),
    events: loaded.state.events.map((e) => ({ type: e.type, at: local(e.at), url: e.url || undefined })),
    machineSignals: await machineSignalsOf(source, lead.id, local),
    consentLog: (await source.consentLog(lead.id)).map((c) => ({ ...c, at: local(c.at) })),
    /** Why the lead gets no mail now (the planner's first reason), or null when a touch is planned. */
    noMail: noMail ? { cause: noMail.cause, reason: noMail.text, until: local(noMail.until ?? null) } : null,
    next: upcoming[0] ?? null,
    upcoming,
    /** Steps a when/unless or a goto will pass over, as the forecast sees them (with no new events). */
    upcomingSkips,
  };
  return { body, score };
}

function printExplain(io: CliIo, { body, score }: Explained): void {
  io.stdout(
    `${body.lead} (${body.zone}, zone ${body.zoneOrigin}) — consent ${body.consent}${body.suppressed ? `, suppressed: ${body.suppressed}` : ''}`,
  );
  printScore(io, score, true);
  printHistory(io, body);
  io.stdout('\nEnrolments:');
  io.stdout(
    body.enrollments.length
      ? table(
          ['sequence', 'status', 'enrolled', 'ended', 'reason', 'enrolled because'],
          body.enrollments.map((e) => [
            e.sequence,
            e.status,
            e.enrolledAt ?? '',
            e.endedAt ?? '',
            e.reason ?? '',
            e.enrolledBecause ?? '',
          ]),
        )
      : '  none',
  );
  io.stdout('\nSends:');
  io.stdout(
    body.sends.length
      ? table(
          ['sequence', 'step', 'variant', 'status', 'at', 'reason'],
          body.sends.map((s) => [s.sequence, s.step, s.variant ?? '', s.status, s.at ?? '', s.reason]),
        )
      : '  none',
  );
  io.stdout('\nConsent log:');
  io.stdout(
    body.consentLog.length
      ? table(
          ['consent', 'from', 'at', 'source', 'evidence'],
          body.consentLog.map((c) => [c.consent, c.previous ?? '', c.at ?? '', c.source, c.evidence]),
        )
      : '  none',
  );
  io.stdout(`\nEvents: ${body.events.length}`);
  if (body.noMail) io.stdout(`\nNo mail now: ${body.noMail.reason}`);
  printMachineSignals(io, body.machineSignals);
  io.stdout(
    body.next
      ? `\nNext touch: ${body.next.sequence}/${body.next.step}${body.next.variant ? ` variant ${body.next.variant}` : ''} (${body.next.force}) at ${body.next.at} — ${body.next.reason}`
      : '\nNext touch: none planned in the next 120 days',
  );
  for (const s of body.upcomingSkips) io.stdout(`Will skip ${s.sequence}/${s.step} at ${s.at}: ${s.reason}`);
}
