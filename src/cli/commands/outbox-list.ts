import { parseDuration } from '../../time/duration.js';
import { formatWithOffset } from '../../time/offsets.js';
import { type GlobalOptions, withApp } from '../context.js';
import { outboxReviewFor } from './outbox.js';
import type { CliIo } from '../io.js';
import { json, table } from '../output.js';

/**
 * `nurture outbox`: what is waiting on the mail side and why — touches backing off after a
 * temporary refusal (their first failure, next retry, when they will be given up as a soft
 * bounce, and the server's last reply), and touches left uncertain by a run that stopped.
 */
export async function outboxListCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const review = outboxReviewFor(app);
    const { delivery } = app.workspace.config;
    const softMs = parseDuration(delivery.softBounceAfter)?.approxMs ?? 0;
    const zoneOf = (tz: string) => tz || app.workspace.policy.defaultZone;
    const backingOff = (await review.backingOff()).map((b) => ({
      id: b.id,
      lead: b.email,
      sequence: b.sequenceId,
      step: b.stepId,
      attempts: b.attempts,
      firstFailedAt: b.firstFailedAt === null ? null : formatWithOffset(b.firstFailedAt, zoneOf(b.timezone)),
      nextRetryAt: formatWithOffset(b.retryAt, zoneOf(b.timezone)),
      givesUpAt: b.firstFailedAt === null ? null : formatWithOffset(b.firstFailedAt + softMs, zoneOf(b.timezone)),
      lastReply: b.lastResponse ?? '',
    }));
    const uncertain = (await review.uncertain()).length;
    if (globals.json) {
      io.stdout(json({ softBounceAfter: delivery.softBounceAfter, backingOff, uncertain }));
      return 0;
    }
    if (backingOff.length === 0) io.stdout('Nothing is backing off: no touch is waiting on a temporary refusal.');
    else {
      io.stdout(`${backingOff.length} touch(es) backing off after temporary refusals (given up as a soft bounce after ${delivery.softBounceAfter}):`);
      io.stdout(
        table(
          ['id', 'lead', 'sequence/step', 'attempts', 'next retry', 'gives up at', 'last reply'],
          backingOff.map((b) => [String(b.id), b.lead, `${b.sequence}/${b.step}`, String(b.attempts), b.nextRetryAt, b.givesUpAt ?? '', b.lastReply]),
        ),
      );
    }
    if (uncertain > 0) io.stdout(`${uncertain} uncertain touch(es) from a run that stopped mid-send: nurture outbox uncertain`);
    return 0;
  });
}
