import { Command, CommanderError, Option } from 'commander';
import { WorkspaceError } from '../workspace/errors.js';
import { calendarCommand } from './commands/calendar.js';
import { demoCommand } from './commands/demo.js';
import { diffCommand, type DiffOptions } from './commands/diff.js';
import { reclassifyCommand } from './commands/events-reclassify.js';
import { explainCommand } from './commands/explain.js';
import { handoffCommand } from './commands/handoff.js';
import { type ResolveOptions, resolveCommand, uncertainCommand } from './commands/outbox.js';
import { outboxListCommand } from './commands/outbox-list.js';
import { type ImportFlags, importCommand } from './commands/imports.js';
import { PRESET_IDS } from '../io/types.js';
import { initCommand } from './commands/init.js';
import { lintCommand } from './commands/lint.js';
import { previewCommand } from './commands/preview.js';
import { type ReportOptions, reportCommand } from './commands/report.js';
import { runCommand } from './commands/run.js';
import { scoreCommand } from './commands/score.js';
import { serveCommand } from './commands/serve.js';
import { workerCommand } from './commands/worker.js';
import { registerLeadCommands } from './lead-commands.js';
import { registerExperimentCommands } from './experiment-commands.js';
import { registerDbCommands } from './db-commands.js';
import type { GlobalOptions } from './context.js';
import { type CliIo, UserError } from './io.js';

export const EXIT_OK = 0;
export const EXIT_USER_ERROR = 1;
export const EXIT_USAGE = 2;

/**
 * Runs the CLI in process: parses argv, runs one command, returns the exit status. Global
 * options (--workspace, --db, --json) work before or after the command.
 */
/** `leads import` for the command `nurture leads import`. */
function commandPath(cmd: Command): string {
  const names: string[] = [];
  for (let c: Command | null = cmd; c?.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export async function runCli(argv: string[], io: CliIo): Promise<number> {
  let status = EXIT_OK;
  const program = new Command('nurture')
    .description('Nurture: plan and send B2B nurture sequences that respect consent, caps and time zones.')
    .option('--workspace <dir>', 'workspace directory (default: current directory)')
    .option('--db <path|url>', 'SQLite file or postgres:// URL (default: NURTURE_DATABASE_URL, else nurture.yaml, else .nurture/nurture.db)')
    .option('--json', 'machine-readable output on stdout')
    .exitOverride()
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.stdout(s.trimEnd()), writeErr: (s) => io.stderr(s.trimEnd()) });
  const globals = (cmd: Command): GlobalOptions => ({ ...(cmd.optsWithGlobals() as GlobalOptions), command: commandPath(cmd) });
  const act =
    (fn: (...args: never[]) => Promise<number> | number) =>
    async (...args: unknown[]) => {
      status = await fn(...(args as never[]));
    };

  program
    .command('init')
    .argument('[dir]', 'directory to create the workspace in', '.')
    .description('scaffold a working workspace (nurture.yaml, sequences, templates, examples)')
    .action(act((dir: string) => initCommand(io, dir)));

  const leads = program.command('leads').description('lead data');
  const presetOption = () =>
    new Option('--preset <name>', 'read the headers as this CRM exports them (default: detected)').choices(PRESET_IDS);
  const mapOption = () =>
    new Option('--map <header=field>', 'read a column as one of our fields (repeatable)').argParser(
      (v: string, previous: string[] = []) => [...previous, v],
    );
  leads
    .command('import')
    .argument('<file>', 'CSV or JSONL file (exports of HubSpot, Salesforce, Mautic, Pipedrive, Marketo, ActiveCampaign understood)')
    .description('upsert leads by email (case-insensitive); rejected rows are reported with their line')
    .addOption(presetOption())
    .addOption(mapOption())
    .option('--check', 'show how the file would be read and the first rows as stored; store nothing')
    .action(
      act((file: string, o: ImportFlags, cmd: Command) => importCommand(io, globals(cmd), 'leads', file, o)),
    );
  registerLeadCommands(leads, io, globals, act);
  registerExperimentCommands(program, io, globals, act);
  registerDbCommands(program, io, globals, act);

  const events = program.command('events').description('engagement and lifecycle events');
  events
    .command('import')
    .argument('<file>', 'CSV or JSONL file: email, type, occurred_at, id?, url?, … (or Event, Timestamp, …)')
    .description('import events; the same event imported twice is counted once')
    .addOption(presetOption())
    .addOption(mapOption())
    .option('--check', 'read and report; store nothing')
    .option('--at <iso>', 'the "now" against which future-dated events are refused (default: now)')
    .option('--date-format <format>', 'also read times in this form, e.g. "MM/dd/yyyy HH:mm" (workspace zone)')
    .action(
      act((file: string, o: ImportFlags, cmd: Command) => importCommand(io, globals(cmd), 'events', file, o)),
    );
  events
    .command('reclassify')
    .description('classify every open and click again (human, machine open, scanner click) from what was kept')
    .action(act((_o: unknown, cmd: Command) => reclassifyCommand(io, globals(cmd))));

  program
    .command('lint')
    .description('validate the workspace; print force coverage and warnings')
    .action(act((_o: unknown, cmd: Command) => lintCommand(io, globals(cmd))));

  program
    .command('score')
    .description('score leads (fit + engagement) and show stages')
    .option('--lead <email>', 'one lead')
    .option('--explain', 'list every rule that fired')
    .option('--at <iso>', 'score as of this moment (default: now)')
    .action(
      act((o: { lead?: string; explain?: boolean; at?: string }, cmd: Command) =>
        scoreCommand(io, globals(cmd), o),
      ),
    );

  program
    .command('run')
    .description('one run: score, enrol, plan and send what is due now (idempotent; schedule hourly)')
    .option('--at <iso>', 'run as of this moment (default: now)')
    .option('--dry-run', 'decide everything, send and store nothing')
    .option('--full', 'replan every lead, not only those due or with new input since they were planned')
    .action(act((o: { at?: string; dryRun?: boolean; full?: boolean }, cmd: Command) => runCommand(io, globals(cmd), o)));

  program
    .command('calendar')
    .description('the forecast of upcoming touches, from the same planner as the run')
    .option('--from <date>', 'start (default: now)')
    .option('--days <n>', 'how many days (default: 14)')
    .option('--to <date>', 'end, instead of --days')
    .option('--lead <email>', 'one lead')
    .option('--sequence <id>', 'one sequence')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv', 'ics']))
    .addOption(new Option('--by <what>', 'aggregate: counts per day, sequence or force').choices(['day', 'sequence', 'force']))
    .action(act((o: Record<string, string>, cmd: Command) => calendarCommand(io, globals(cmd), o)));

  program
    .command('diff')
    .description('what a workspace change does to the forecast: leads, touches added/removed/moved, daily volume')
    .requiredOption('--base <dir|git-ref>', 'the workspace to compare against: a directory or a git ref')
    .option('--from <date>', 'start (default: now)')
    .option('--days <n>', 'how many days (default: 14)')
    .option('--to <date>', 'end, instead of --days')
    .option('--limit <n>', 'changed touches to list (default: 20)')
    .action(act((o: DiffOptions, cmd: Command) => diffCommand(io, globals(cmd), o)));

  program
    .command('handoff')
    .description('leads handed to sales (sales-ready: score at action or a meeting booked), with the reason')
    .option('--since <date>', 'only leads handed over at or after this date')
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']))
    .action(
      act((o: { since?: string; format?: string }, cmd: Command) => handoffCommand(io, globals(cmd), o)),
    );

  program
    .command('report')
    .description('what works: sent, delivered, opened, clicked (human and machine apart), unsubscribed, goals and lift over holdouts')
    .option('--from <date>', 'start (default: 30 days before --to)')
    .option('--to <date>', 'end; a bare date includes that day (default: now)')
    .addOption(new Option('--by <what>', 'rows per').choices(['sequence', 'step', 'force', 'week', 'segment', 'variant']))
    .addOption(new Option('--format <format>', 'output format').choices(['table', 'json', 'csv']))
    .action(act((o: ReportOptions, cmd: Command) => reportCommand(io, globals(cmd), o)));

  program
    .command('explain')
    .argument('<email>', 'the lead')
    .option('--at <iso>', 'as of this moment (default: now)')
    .description(
      'score breakdown, stage, enrolments, history, consent proof, and the next touch with its reason',
    )
    .action(
      act((email: string, o: { at?: string }, cmd: Command) => explainCommand(io, globals(cmd), email, o)),
    );

  program
    .command('preview')
    .argument('<sequence>', 'sequence id')
    .argument('<step>', 'step id')
    .requiredOption('--lead <email>', 'render for this lead')
    .option('--html', 'print the HTML part instead of the text part')
    .description('render one step for one lead, exactly as it would be sent')
    .action(
      act((sequence: string, step: string, o: { lead: string; html?: boolean }, cmd: Command) =>
        previewCommand(io, globals(cmd), sequence, step, o),
      ),
    );

  const outbox = program.command('outbox').description('what waits on the mail side: touches backing off, and those a crashed run left uncertain');
  outbox
    .command('list', { isDefault: true })
    .description('touches backing off after temporary refusals, and why (the default)')
    .action(act((_o: unknown, cmd: Command) => outboxListCommand(io, globals(cmd))));
  outbox
    .command('uncertain')
    .description('touches claimed for sending that no run confirmed: check each Message-ID at the relay')
    .action(act((_o: unknown, cmd: Command) => uncertainCommand(io, globals(cmd))));
  outbox
    .command('resolve')
    .argument('<id>', 'the send id, from nurture outbox uncertain')
    .option('--sent', 'the relay has it: keep it as sent')
    .option('--retry', 'it never left: the next run sends it')
    .option('--skip', 'never send it')
    .description('settle one uncertain touch (refused while a run holds the database)')
    .action(act((id: string, o: ResolveOptions, cmd: Command) => resolveCommand(io, globals(cmd), id, o)));

  program
    .command('serve')
    .description('serve the unsubscribe, click, open and confirmation links, the events webhook and the review pages')
    .option('--host <host>', 'address to bind (default: 127.0.0.1)')
    .option('--port <n>', 'port (default: 8787)')
    .action(act((o: { host?: string; port?: string }, cmd: Command) => serveCommand(io, globals(cmd), o)));

  program
    .command('worker')
    .description('run on the schedule (hourly by default) without cron; SIGTERM stops after the message in flight')
    .option('--every <duration>', 'how often, e.g. PT1H (default: schedule.every in nurture.yaml)')
    .option('--once', 'one run, then exit')
    .action(act((o: { every?: string; once?: boolean }, cmd: Command) => workerCommand(io, globals(cmd), o)));

  program
    .command('demo')
    .description('import the example leads and events, run once, and show the next two weeks (npm start)')
    .action(act((_o: unknown, cmd: Command) => demoCommand(io, globals(cmd))));

  try {
    await program.parseAsync(argv, { from: 'user' });
    return status;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (
        error.code === 'commander.helpDisplayed' ||
        error.code === 'commander.version' ||
        error.code === 'commander.help'
      )
        return EXIT_OK;
      return EXIT_USAGE;
    }
    if (error instanceof UserError || error instanceof WorkspaceError) {
      io.stderr(`nurture: ${error.message}`);
      return EXIT_USER_ERROR;
    }
    throw error;
  }
}
