import { leadWhere } from '../../domain/lead-plan.js';
import { isoWithOffset } from '../../time/zone.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { json } from '../output.js';
import { parseAt } from '../time-options.js';

/**
 * `nurture leads pause EMAIL [--until DATE]`: no mail to the lead until DATE (a bare date is
 * midnight in the lead's own zone), or until `leads resume`. Runs and the forecast honour it.
 */
export async function leadsPauseCommand(io: CliIo, globals: GlobalOptions, email: string, options: { until?: string }): Promise<number> {
  return withApp(io, globals, async (app) => {
    const source = leadSourceOf(app);
    const lead = await source.findByEmail(email);
    if (!lead) throw new UserError(`no lead with address ${email}`);
    const zone = leadWhere(lead, app.workspace.policy).zone;
    const now = app.clock.now();
    const until = options.until === undefined ? null : parseAt(options.until, zone, now, '--until');
    if (until !== null && until <= now)
      throw new UserError(`--until: ${isoWithOffset(until, zone)} is not in the future (now ${isoWithOffset(now, zone)})`);
    await source.pause(lead.id, now, until);
    const untilText = until === null ? null : isoWithOffset(until, zone);
    if (globals.json) io.stdout(json({ lead: lead.email, paused: true, since: isoWithOffset(now, zone), until: untilText }));
    else
      io.stdout(
        untilText === null
          ? `${lead.email} paused until resumed (nurture leads resume ${lead.email})`
          : `${lead.email} paused until ${untilText}: no mail before then; what waits goes out afterwards, one touch per run under the caps`,
      );
    return 0;
  });
}

/** `nurture leads resume EMAIL`: lifts a pause; the held touches go out one per run under the caps. */
export async function leadsResumeCommand(io: CliIo, globals: GlobalOptions, email: string): Promise<number> {
  return withApp(io, globals, async (app) => {
    const source = leadSourceOf(app);
    const lead = await source.findByEmail(email);
    if (!lead) throw new UserError(`no lead with address ${email}`);
    const resumed = await source.resume(lead.id, app.clock.now());
    if (globals.json) io.stdout(json({ lead: lead.email, paused: false, wasPaused: resumed }));
    else
      io.stdout(
        resumed
          ? `${lead.email} resumed: the next run plans it again (one overdue touch per run, under the caps)`
          : `${lead.email} was not paused`,
      );
    return 0;
  });
}
