import { type App, isPgApp, type PgApp } from '../../app.js';
import type { UncertainOutcome } from '../../db/outbox.js';
import { messageIdFor } from '../../mail/message.js';
import { formatWithOffset } from '../../time/offsets.js';
import { type OutboxReview, sqliteOutboxReview } from '../../store/outbox-review.js';
import { pgOutboxReview } from '../../store/pg/outbox-review.js';
import { type GlobalOptions, withApp } from '../context.js';
import { type CliIo, UserError } from '../io.js';
import { json, table } from '../output.js';

/** The outbox's reads and the resolution by hand, on the workspace's database. */
export const outboxReviewFor = (app: App | PgApp): OutboxReview => (isPgApp(app) ? pgOutboxReview(app.store.pool) : sqliteOutboxReview(app));

/**
 * Touches left `sending` by a run that stopped between SMTP and the database (kill -9, a power
 * cut): runs report them and never resend them blindly. The Message-ID is what to look for in
 * the relay's logs before resolving each one.
 */
export async function uncertainCommand(io: CliIo, globals: GlobalOptions): Promise<number> {
  return withApp(io, globals, async (app) => {
    const { sender } = app.workspace.config;
    const rows = (await outboxReviewFor(app).uncertain()).map((u) => ({
      id: u.id,
      lead: u.email,
      sequence: u.sequenceId,
      step: u.stepId,
      claimedAt: formatWithOffset(u.claimedAt, u.timezone || app.workspace.policy.defaultZone),
      run: u.runId,
      attempts: u.attempts,
      messageId: messageIdFor(u.ref, sender),
    }));
    if (globals.json) io.stdout(json({ uncertain: rows }));
    else if (rows.length === 0) io.stdout('No uncertain sends: every claimed touch was confirmed.');
    else {
      io.stdout(
        table(
          ['id', 'lead', 'sequence/step', 'claimed at', 'run', 'Message-ID'],
          rows.map((r) => [String(r.id), r.lead, `${r.sequence}/${r.step}`, r.claimedAt, String(r.run ?? ''), r.messageId]),
        ),
      );
      io.stdout('Check the relay for each Message-ID, then: nurture outbox resolve ID --sent | --retry | --skip');
    }
    return 0;
  });
}

export interface ResolveOptions {
  sent?: boolean;
  retry?: boolean;
  skip?: boolean;
}

/** Settles one uncertain touch by hand; refused while a run holds the database (it may be sending it). */
export async function resolveCommand(io: CliIo, globals: GlobalOptions, idText: string, options: ResolveOptions): Promise<number> {
  const chosen = (['sent', 'retry', 'skip'] as const).filter((o) => options[o]);
  if (chosen.length !== 1) throw new UserError('say what happened to it: exactly one of --sent, --retry, --skip');
  const outcome: UncertainOutcome = chosen[0]!;
  const id = Number(idText);
  if (!Number.isInteger(id) || id <= 0) throw new UserError(`"${idText}" is not a send id (see nurture outbox uncertain)`);
  return withApp(io, globals, async (app) => {
    const now = app.clock.now();
    const review = outboxReviewFor(app);
    const row = (await review.uncertain()).find((u) => u.id === id);
    if (!row) throw new UserError(`send ${id} is not uncertain (see nurture outbox uncertain)`);
    const messageId = messageIdFor(row.ref, app.workspace.config.sender);
    const result = await review.resolve(id, outcome, messageId, now);
    if (typeof result === 'object') throw new UserError(`${result.live}: it may be sending this very touch`);
    if (result === 'not-uncertain') throw new UserError(`send ${id} is no longer uncertain`);
    if (result === 'moved-on')
      throw new UserError(
        `send ${id}: its enrolment has moved on since (a later step went out, or it ended), so a retry would never be sent; use --sent or --skip`,
      );
    const done = { sent: 'marked sent', retry: 'due again: the next run sends it', skip: 'skipped: it will not be sent' }[outcome];
    io.stdout(`send ${id} (${row.email}, ${row.sequenceId}/${row.stepId}, ${messageId}): ${done}`);
    return 0;
  });
}
