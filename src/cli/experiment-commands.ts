import type { Command } from 'commander';
import { concludeCommand, experimentsCommand } from './commands/experiments.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

type Act = (fn: (...args: never[]) => Promise<number> | number) => (...args: unknown[]) => Promise<void>;

/** `experiments` (the list, the default) and `experiments conclude SEQ STEP VARIANT`. */
export function registerExperimentCommands(program: Command, io: CliIo, globals: (cmd: Command) => GlobalOptions, act: Act): void {
  const experiments = program.command('experiments').description('A/B tests and bandits on steps: arms, decisions, and when a test can decide');
  experiments
    .command('list', { isDefault: true })
    .description('every experiment: sends, conversions, rates, probability of being best, the decision and a power forecast (the default)')
    .option('--at <iso>', 'as of this moment (default: now)')
    .action(act((o: { at?: string }, cmd: Command) => experimentsCommand(io, globals(cmd), o)));
  experiments
    .command('conclude')
    .argument('<sequence>', 'sequence id')
    .argument('<step>', 'step id')
    .argument('<variant>', 'the variant that becomes the step’s content')
    .option('--why <text>', 'the reason for the audit log (default: the decision)')
    .option('--by <name>', 'who concludes, for the audit log (default: $USER)')
    .description('make a variant the step’s content in its sequence file (comments kept) and log who, when and why')
    .action(
      act((sequence: string, step: string, variant: string, o: { why?: string; by?: string }, cmd: Command) =>
        concludeCommand(io, globals(cmd), sequence, step, variant, o),
      ),
    );
}
