import type { App, PgApp } from '../../app.js';
import type { LeadRow } from '../../db/leads.js';
import { leadWhere } from '../../domain/lead-plan.js';
import { pauseAt } from '../../domain/pause.js';
import type { LeadSource } from '../../store/lead-source-types.js';
import { leadNoMail } from '../../run/no-mail.js';
import { scoreLoaded } from '../../run/rescore.js';
import { isoWithOffset } from '../../time/zone.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';

/** `nurture leads show EMAIL`: who the lead is, where and when it is mailed, where it stands, and why no mail if none. */
export async function leadsShowCommand(io: CliIo, globals: GlobalOptions, email: string): Promise<number> {
  return withApp(io, globals, async (app) => {
    const source = leadSourceOf(app);
    const lead = await source.findByEmail(email);
    if (!lead) throw new UserError(`no lead with address ${email}`);
    const body = await leadProfile(app, source, lead, app.clock.now());
    if (globals.json) io.stdout(json(body));
    else printProfile(io, body);
    return 0;
  });
}

type Profile = Awaited<ReturnType<typeof leadProfile>>;

/** One lead as `leads show` prints it (also the `--json` body). */
export async function leadProfile(app: App | PgApp, source: LeadSource, lead: LeadRow, now: number) {
  const loaded = await source.loaded(lead);
  const where = leadWhere(lead, app.workspace.policy);
  const local = (t: number | null | undefined) => (t === null || t === undefined ? null : isoWithOffset(t, where.zone));
  const score = scoreLoaded(app.workspace.scoring, loaded, now);
  const suppression = await source.suppression(lead.id);
  const pause = pauseAt(lead, now);
  const noMail = leadNoMail(app.workspace, loaded, now, suppression);
  return {
    lead: lead.email,
    firstName: lead.firstName,
    lastName: lead.lastName,
    company: lead.company,
    jobTitle: lead.jobTitle,
    industry: lead.industry,
    country: lead.country,
    attributes: lead.attributes,
    zone: where.zone,
    /** Where the zone comes from: the lead's own timezone, or the workspace default for leads without one. */
    zoneFrom: lead.timezone ? 'lead' : 'workspace',
    holidays: where.country || null,
    consent: lead.consent,
    score: score.score,
    fit: score.fit,
    engagement: score.engagement,
    stage: score.stage,
    suppressed: suppression ? { reason: suppression.reason, at: local(suppression.at) } : null,
    paused: pause ? { since: local(pause.since), until: local(pause.until) } : null,
    enrollments: loaded.enrollments.map((e) => ({
      sequence: e.sequenceId,
      status: e.status,
      enrolledAt: local(e.enrolledAt),
      endedAt: local(e.endedAt),
      reason: e.exitReason ?? null,
    })),
    noMail: noMail ? { cause: noMail.cause, reason: noMail.text, until: local(noMail.until) } : null,
  };
}

function printProfile(io: CliIo, p: Profile): void {
  const name = `${p.firstName} ${p.lastName}`.trim();
  const role = [p.jobTitle, p.company].filter(Boolean).join(' at ');
  io.stdout(`${p.lead}${name || role ? ` — ${[name, role].filter(Boolean).join(', ')}` : ''}`);
  const attributes = Object.entries(p.attributes).map(([k, v]) => `${k}=${v}`);
  const rows: [string, string][] = [
    ['industry', p.industry],
    ['country', `${p.country || '(none)'}${p.holidays ? ` (public holidays: ${p.holidays})` : ''}`],
    ['zone', `${p.zone} (${p.zoneFrom === 'lead' ? "the lead's own" : 'the workspace default: the lead has no timezone'})`],
    ['consent', p.consent],
    ['score', `${p.score} (fit ${p.fit} + engagement ${p.engagement}) → ${p.stage}`],
    ['attributes', attributes.join(', ') || '(none)'],
  ];
  if (p.suppressed) rows.push(['suppressed', `${p.suppressed.reason}${p.suppressed.at ? ` ${p.suppressed.at}` : ''}`]);
  if (p.paused) rows.push(['paused', `since ${p.paused.since}, until ${p.paused.until ?? 'resumed'}`]);
  const width = Math.max(...rows.map(([k]) => k.length));
  for (const [k, v] of rows) io.stdout(`  ${k.padEnd(width)}  ${v}`);
  io.stdout('\nEnrolments:');
  io.stdout(
    p.enrollments.length
      ? table(
          ['sequence', 'status', 'enrolled', 'ended', 'reason'],
          p.enrollments.map((e) => [e.sequence, e.status, e.enrolledAt ?? '', e.endedAt ?? '', e.reason ?? '']),
        )
      : '  none',
  );
  io.stdout(p.noMail ? `\nNo mail: ${p.noMail.reason}` : '\nMail: a touch is planned (nurture explain shows when and why)');
}
