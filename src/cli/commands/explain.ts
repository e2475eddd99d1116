import { leadWhere } from '../../domain/lead-plan.js';
import { leadBatches, planContext } from '../../run/context.js';
import { forecastLead } from '../../run/forecast.js';
import { scoreLoaded } from '../../run/rescore.js';
import { DAY_MS } from '../../time/clock.js';
import { isoWithOffset } from '../../time/zone.js';
import type { App } from '../../app.js';
import type { LeadRow } from '../../db/leads.js';
import { type GlobalOptions, withApp } from '../context.js';
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
  return withApp(io, globals, (app) => {
    const lead = app.stores.leads.findByEmail(email);
    if (!lead) throw new UserError(`no lead with address ${email}`);
    const now = parseAt(options.at, app.workspace.policy.defaultZone, app.clock.now());
    const explained = explain(app, lead, now);
    if (globals.json) io.stdout(json(explained.body));
    else printExplain(io, explained);
    return 0;
  });
}

type Explained = ReturnType<typeof explain>;

function explain(app: App, lead: LeadRow, now: number) {
  const zone = leadWhere(lead, app.workspace.policy).zone;
  const loaded = [...leadBatches(app.stores, 1, lead.id)][0]![0]!;
  const score = scoreBody(app.workspace.scoring, loaded, scoreLoaded(app.workspace.scoring, loaded, now), now);
  const upcoming = forecastLead(
    planContext(app.workspace),
    structuredClone(loaded.state),
    now,
    now + 120 * DAY_MS,
  );
  const local = (t: number | null) => (t === null ? null : isoWithOffset(t, zone));
  const body = {
    lead: lead.email,
    zone,
    consent: lead.consent,
    suppressed: lead.suppressedReason,
    score: score.score,
    fit: score.fit,
    engagement: score.engagement,
    stage: score.stage,
    nextStage: score.nextStage,
    contributions: score.contributions,
    ...scoreHistory(app.stores, lead.id, zone),
    enrollments: loaded.enrollments.map((e) => ({
      sequence: e.sequenceId,
      status: e.status,
      enrolledAt: local(e.enrolledAt),
      endedAt: local(e.endedAt ?? null),
      reason: e.exitReason,
    })),
    sends: loaded.sends.map((s) => ({
      sequence: s.sequenceId,
      step: s.stepId,
      status: s.status,
      at: local(s.at),
      reason: s.reason,
    })),
    events: loaded.state.events.map((e) => ({ type: e.type, at: local(e.at), url: e.url || undefined })),
    machineSignals: machineSignalsOf(app, lead.id, local),
    consentLog: app.stores.leads.consentLog(lead.id).map((c) => ({ ...c, at: local(c.at) })),
    next: upcoming[0] ?? null,
    upcoming,
  };
  return { body, score };
}

function printExplain(io: CliIo, { body, score }: Explained): void {
  io.stdout(
    `${body.lead} (${body.zone}) — consent ${body.consent}${body.suppressed ? `, suppressed: ${body.suppressed}` : ''}`,
  );
  printScore(io, score, true);
  printHistory(io, body);
  io.stdout('\nEnrolments:');
  io.stdout(
    body.enrollments.length
      ? table(
          ['sequence', 'status', 'enrolled', 'ended', 'reason'],
          body.enrollments.map((e) => [
            e.sequence,
            e.status,
            e.enrolledAt ?? '',
            e.endedAt ?? '',
            e.reason ?? '',
          ]),
        )
      : '  none',
  );
  io.stdout('\nSends:');
  io.stdout(
    body.sends.length
      ? table(
          ['sequence', 'step', 'status', 'at', 'reason'],
          body.sends.map((s) => [s.sequence, s.step, s.status, s.at ?? '', s.reason]),
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
  printMachineSignals(io, body.machineSignals);
  io.stdout(
    body.next
      ? `\nNext touch: ${body.next.sequence}/${body.next.step} (${body.next.force}) at ${body.next.at} — ${body.next.reason}`
      : '\nNext touch: none planned in the next 120 days',
  );
}
