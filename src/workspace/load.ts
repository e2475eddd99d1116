import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { basename, isAbsolute, join, resolve } from 'node:path';
import type { ScoringModel } from '../domain/scoring.js';
import type { Policy, Sequence } from '../domain/types.js';
import { HolidayCalendar } from '../time/holidays.js';
import { WorkspaceError, type WorkspaceProblem } from './errors.js';
import { orderSequences, policyFrom, scoringFrom } from './policy.js';
import { type ConfigFile, configSchema, type SequenceFile, sequenceSchema } from './schema.js';
import { loadTemplates, type TemplateSet } from './templates.js';
import { formatPath, YamlSource } from './yaml-source.js';
import { checkSegments, checkSequenceConditions } from './conditions/check.js';

export interface Workspace {
  dir: string;
  config: ConfigFile;
  policy: Policy;
  scoring: ScoringModel;
  /** Highest priority first. */
  sequences: Sequence[];
  templates: TemplateSet;
  /** Where each sequence came from, for messages. */
  sequenceFiles: Map<string, string>;
  /** The sequence files as validated (plain data): what a planner thread rebuilds `sequences` from. */
  sequenceDefinitions: SequenceFile[];
}

export const CONFIG_FILE = 'nurture.yaml';

function readYaml<T>(
  dir: string,
  file: string,
  schema: {
    safeParse(v: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError };
  },
  problems: WorkspaceProblem[],
): { data: T; source: YamlSource } | undefined {
  const text = readFileSync(join(dir, file), 'utf8').replace(/^\uFEFF/, '');
  const { source, problems: syntax } = YamlSource.parse(file, text);
  if (syntax.length > 0) {
    problems.push(...syntax);
    return undefined;
  }
  const parsed = schema.safeParse(source.value() ?? {});
  if (!parsed.success) {
    problems.push(...source.problemsFrom(parsed.error));
    return undefined;
  }
  return { data: parsed.data, source };
}

/** Loads and validates a workspace; throws a WorkspaceError listing every problem found. */
export function loadWorkspace(dirInput: string): Workspace {
  const dir = resolve(dirInput);
  if (!existsSync(join(dir, CONFIG_FILE))) {
    throw new WorkspaceError([
      {
        file: join(dir, CONFIG_FILE),
        message: 'not found: is this a Nurture workspace? (nurture init creates one)',
      },
    ]);
  }
  const problems: WorkspaceProblem[] = [];
  const config = readYaml(dir, CONFIG_FILE, configSchema, problems);
  if (config) checkConfig(config.data, config.source, problems);

  const sequenceFiles = new Map<string, string>();
  const sequences: SequenceFile[] = [];
  const seqDir = join(dir, 'sequences');
  const files = existsSync(seqDir)
    ? readdirSync(seqDir)
        .filter((f) => /\.ya?ml$/.test(f))
        .sort()
    : [];
  if (files.length === 0) problems.push({ file: 'sequences/', message: 'no sequence files (*.yaml) found' });
  const sources = new Map<string, YamlSource>();
  for (const f of files) {
    const rel = `sequences/${f}`;
    const loaded = readYaml(dir, rel, sequenceSchema, problems);
    if (!loaded) continue;
    const expectedId = basename(f).replace(/\.ya?ml$/, '');
    if (loaded.data.id !== expectedId) {
      problems.push({
        file: rel,
        line: loaded.source.lineOf(['id']),
        field: 'id',
        message: `"${loaded.data.id}" must match the file name "${expectedId}"`,
      });
      continue;
    }
    sequences.push(loaded.data);
    sequenceFiles.set(loaded.data.id, rel);
    sources.set(loaded.data.id, loaded.source);
  }

  const { templates, problems: templateProblems } = loadTemplates(dir);
  problems.push(...templateProblems);
  for (const s of sequences) {
    checkSequence(s, sources.get(s.id)!, sequences, templates, problems);
    checkSequenceConditions(s, config?.data.segments ?? {}, locate(sources.get(s.id)!, problems), templates.emails);
  }
  if (config?.data.consent === 'confirmed' && !templates.emails.has(config.data.confirmationTemplate)) {
    problems.push({
      file: CONFIG_FILE,
      line: config.source.lineOf(['confirmationTemplate']),
      field: 'confirmationTemplate',
      message: `template "${config.data.confirmationTemplate}" not found: double opt-in (consent: confirmed) needs templates/${config.data.confirmationTemplate}.hbs`,
    });
  }

  if (problems.length > 0 || !config) throw new WorkspaceError(problems);
  return {
    dir,
    config: config.data,
    policy: policyFrom(config.data),
    scoring: scoringFrom(config.data),
    sequences: orderSequences(sequences, config.data.segments),
    templates,
    sequenceFiles,
    sequenceDefinitions: sequences,
  };
}

function checkConfig(config: ConfigFile, source: YamlSource, problems: WorkspaceProblem[]): void {
  const at = (path: (string | number)[], message: string) =>
    problems.push({
      file: source.file,
      line: source.lineOf(path),
      field: path.join('.').replace(/\.(\d+)/g, '[$1]'),
      message,
    });
  if (config.sendWindow.from >= config.sendWindow.to)
    at(['sendWindow', 'to'], `must be later than from (${config.sendWindow.from})`);
  if (config.holidays.public && !HolidayCalendar.isKnownCountry(config.country))
    at(['country'], `"${config.country}" has no public-holiday calendar`);
  // Scoring rules and stage thresholds are checked in the schema (workspace/scoring-checks.ts).
  checkSegments(config.segments, at);
}

/** Reports a problem at a field path of a file, with its line. */
function locate(source: YamlSource, problems: WorkspaceProblem[]) {
  return (path: (string | number)[], message: string) =>
    problems.push({ file: source.file, line: source.lineOf(path), field: formatPath(path), message });
}

function checkSequence(
  s: SequenceFile,
  source: YamlSource,
  all: SequenceFile[],
  templates: TemplateSet,
  problems: WorkspaceProblem[],
): void {
  const at = (path: (string | number)[], message: string) =>
    problems.push({
      file: source.file,
      line: source.lineOf(path),
      field: path.join('.').replace(/\.(\d+)/g, '[$1]'),
      message,
    });
  const seen = new Set<string>();
  s.steps.forEach((step, i) => {
    if (seen.has(step.id)) at(['steps', i, 'id'], `duplicate step id "${step.id}"`);
    seen.add(step.id);
    if (!templates.emails.has(step.template))
      at(
        ['steps', i, 'template'],
        `template "${step.template}" not found (expected templates/${step.template}.hbs)`,
      );
  });
  if (s.then !== undefined && !all.some((o) => o.id === s.then))
    at(['then'], `sequence "${s.then}" not found`);
  if (s.then === s.id) at(['then'], 'a sequence cannot follow itself');
}

export function databasePath(workspace: Workspace, override?: string): string {
  const p = override ?? workspace.config.database;
  return isAbsolute(p) ? p : join(workspace.dir, p);
}
