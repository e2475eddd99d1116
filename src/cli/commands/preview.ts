import { messageRef } from '../../mail/links.js';
import { buildMessage } from '../../mail/message.js';
import { type GlobalOptions, withApp } from '../context.js';
import { leadSourceOf } from '../lead-source.js';
import { type CliIo, UserError } from '../io.js';
import { json } from '../output.js';

export async function previewCommand(
  io: CliIo,
  globals: GlobalOptions,
  sequenceId: string,
  stepId: string,
  options: { lead: string; html?: boolean },
): Promise<number> {
  return withApp(io, globals, async (app) => {
    const sequence = app.workspace.sequences.find((s) => s.id === sequenceId);
    if (!sequence)
      throw new UserError(
        `no sequence "${sequenceId}" (have: ${app.workspace.sequences.map((s) => s.id).join(', ')})`,
      );
    const step = sequence.steps.find((s) => s.id === stepId);
    if (!step)
      throw new UserError(
        `sequence ${sequenceId} has no step "${stepId}" (have: ${sequence.steps.map((s) => s.id).join(', ')})`,
      );
    const lead = await leadSourceOf(app).findByEmail(options.lead);
    if (!lead) throw new UserError(`--lead: no lead with address ${options.lead}`);
    const message = buildMessage(app.renderer, {
      lead,
      sequence,
      step,
      ref: messageRef(app.secret, lead.id, sequence.id, step.id),
      sender: app.workspace.config.sender,
      baseUrl: app.workspace.config.baseUrl,
      secret: app.secret,
      at: app.clock.now(),
    });
    if (globals.json) {
      io.stdout(json(message));
      return 0;
    }
    io.stdout(`From: ${message.from}\nTo: ${message.to}\nSubject: ${message.subject}`);
    for (const [k, v] of Object.entries(message.headers)) io.stdout(`${k}: ${v}`);
    io.stdout('');
    io.stdout(options.html ? message.html : message.text);
    return 0;
  });
}
