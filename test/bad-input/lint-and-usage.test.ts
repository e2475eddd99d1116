import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace } from './support.js';

describe('nurture lint on a workspace with many problems', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  function brokenEverywhere() {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.edit('nurture.yaml', 'timezone: America/New_York', 'timezone: Mars/Olympus');
    ws.edit(
      'sequences/new-signups.yaml',
      'pull-synced-data,          wait: P3D',
      'pull-synced-data,          wiat: P3D',
    );
    ws.edit(
      'sequences/evaluators.yaml',
      'evaluators-security-review,    wait: P2D',
      'evaluators-security-review,    wait: 3x',
    );
    ws.edit(
      'templates/push-messy-data.hbs',
      '<p>{{> greeting}}</p>\n',
      '<p>{{> greeting}}</p>\n<p>{{lead.favouriteColour}}</p>\n',
    );
    return ws;
  }

  it('lists every problem, not just the first, and exits 1', async () => {
    const ws = brokenEverywhere();

    const result = await ws.cli('lint');

    expect(result.status).toBe(1);
    expect(result.stderr).toMatchInlineSnapshot(`
      "nurture: invalid workspace:
      nurture.yaml:9: timezone: "Mars/Olympus" is not an IANA time zone (expected e.g. America/New_York)
      sequences/evaluators.yaml:9: steps[1].wait: "3x" is not a duration (expected e.g. P3D, PT36H)
      sequences/new-signups.yaml:9: steps[1].wait: required, but missing (expected an ISO 8601 duration, e.g. P3D, PT36H)
      sequences/new-signups.yaml:9: steps[1].wiat: unknown key "wiat" (did you mean "wait"?) (allowed: id, force, template, wait, when, unless, else, goto, content)
      templates/push-messy-data.hbs:6: unknown template variable "lead.favouriteColour" (known: lead.firstName, lead.company, sender.name, links.unsubscribe, … see README)"
    `);
  });

  it('gives each problem its file, line and field in --json', async () => {
    const ws = brokenEverywhere();

    const result = await ws.cli('lint', '--json');

    expect(result.status).toBe(1);
    const body = JSON.parse(result.stdout) as { valid: boolean; errors: Record<string, unknown>[] };
    expect(body.valid).toBe(false);
    expect(body.errors.map(({ file, line, field }) => ({ file, line, field }))).toEqual([
      { file: 'nurture.yaml', line: 9, field: 'timezone' },
      { file: 'sequences/evaluators.yaml', line: 9, field: 'steps[1].wait' },
      { file: 'sequences/new-signups.yaml', line: 9, field: 'steps[1].wait' },
      { file: 'sequences/new-signups.yaml', line: 9, field: 'steps[1].wiat' },
      { file: 'templates/push-messy-data.hbs', line: 6, field: undefined },
    ]);
  });

  it('still lists the sequence and template problems when nurture.yaml does not parse', async () => {
    const ws = brokenEverywhere();
    ws.edit('nurture.yaml', 'minGap: PT36H', 'minGap: [PT36H');

    const result = await ws.cli('lint');

    expect(result.status).toBe(1);
    const lines = result.stderr.split('\n');
    expect(lines).toContain('nurture.yaml:20: YAML syntax: this "[" is never closed with "]"');
    expect(lines.filter((l) => /^(sequences|templates)\//.test(l))).toHaveLength(4);
  });
});

describe('usage errors exit 2, bad input exits 1', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it.each([
    { argv: ['frobnicate'], message: "error: unknown command 'frobnicate'" },
    { argv: ['leads', 'import'], message: "error: missing required argument 'file'" },
    {
      argv: ['preview', 'new-signups', 'pain'],
      message: "error: required option '--lead <email>' not specified",
    },
    { argv: ['run', '--bogus'], message: "error: unknown option '--bogus'" },
    {
      argv: ['calendar', '--format', 'xml'],
      message: "error: option '--format <format>' argument 'xml' is invalid",
    },
  ])('nurture $argv → 2', async ({ argv, message }) => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;

    const result = await ws.cli(...argv);

    expect(result.status).toBe(2);
    expect(result.stderr).toContain(message);
  });

  it('a file that does not exist is a user error (1), named in the message', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;

    const result = await ws.cli('leads', 'import', 'no-such-file.csv');

    expect(result.status).toBe(1);
    expect(result.stderr).toBe('nurture: no-such-file.csv: file not found');
  });
});
