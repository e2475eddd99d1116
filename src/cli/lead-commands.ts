import { type Command, Option } from 'commander';
import { leadsListCommand, type LeadsListOptions } from './commands/leads-list.js';
import { leadsPauseCommand, leadsResumeCommand } from './commands/leads-pause.js';
import { leadsShowCommand } from './commands/leads-show.js';
import type { GlobalOptions } from './context.js';
import type { CliIo } from './io.js';

type Act = (fn: (...args: never[]) => Promise<number> | number) => (...args: unknown[]) => Promise<void>;

/** `leads list | show | pause | resume`, under the program's `leads` command. */
export function registerLeadCommands(leads: Command, io: CliIo, globals: (cmd: Command) => GlobalOptions, act: Act): void {
  leads
    .command('list')
    .description('the leads, filtered; streamed, so it works on a million')
    .option('--stage <stage>', 'only leads at this stage (as last scored)')
    .option('--sequence <id>', 'only leads with an active enrolment in this sequence')
    .option('--where <field=value>', 'only leads whose field (or attributes.<column>) equals value, case-insensitive; repeatable', collect, [])
    .option('--limit <n>', 'at most this many leads')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']))
    .action(act((o: LeadsListOptions, cmd: Command) => leadsListCommand(io, globals(cmd), o)));
  leads
    .command('show')
    .argument('<email>', 'the lead')
    .description('profile, attributes, consent, zone (and where it came from), score and stage, enrolments, and why no mail')
    .action(act((email: string, _o: unknown, cmd: Command) => leadsShowCommand(io, globals(cmd), email)));
  leads
    .command('pause')
    .argument('<email>', 'the lead')
    .option('--until <date>', "resume on this date (ISO; a bare date is midnight in the lead's zone); default: until resumed")
    .description('no mail to this lead until the date or until resumed (runs and the forecast honour it)')
    .action(act((email: string, o: { until?: string }, cmd: Command) => leadsPauseCommand(io, globals(cmd), email, o)));
  leads
    .command('resume')
    .argument('<email>', 'the lead')
    .description('lift a pause: held touches go out one per run, under the caps')
    .action(act((email: string, _o: unknown, cmd: Command) => leadsResumeCommand(io, globals(cmd), email)));
}

const collect = (value: string, previous: string[]) => [...previous, value];
