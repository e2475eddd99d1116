import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace } from './support.js';

// Monday 13:00 in Berlin: inside the send window, so a valid workspace would enrol and send at once.
const LEADS_CSV = [
  'email,first_name,company,job_title,industry,timezone,country,consent,consent_at',
  'greta@nordwerk.example,Greta,Nordwerk GmbH,Head of RevOps,SaaS,Europe/Berlin,DE,confirmed,2026-11-01T09:00:00Z',
  'jonas@suedwerk.example,Jonas,Suedwerk AG,VP Sales,Software,Europe/Berlin,DE,confirmed,2026-11-01T09:00:00Z',
].join('\n');

interface Breakage {
  name: string;
  file: string;
  from: string | RegExp;
  to: string;
  /** Lines the CLI must print, each naming the file, line and field. */
  expected: string[];
}

const BREAKAGES: Breakage[] = [
  {
    name: 'a misspelt key in a sequence step',
    file: 'sequences/new-signups.yaml',
    from: 'template: pull-synced-data,          wait: P3D',
    to: 'template: pull-synced-data,          wiat: P3D',
    expected: [
      'sequences/new-signups.yaml:9: steps[1].wiat: unknown key "wiat" (did you mean "wait"?) (allowed: id, force, template, wait, when, unless, else, goto, content)',
      'sequences/new-signups.yaml:9: steps[1].wait: required, but missing (expected an ISO 8601 duration, e.g. P3D, PT36H)',
    ],
  },
  {
    name: 'a wait that is not a duration',
    file: 'sequences/new-signups.yaml',
    from: 'template: pull-synced-data,          wait: P3D',
    to: 'template: pull-synced-data,          wait: 3x',
    expected: [
      'sequences/new-signups.yaml:9: steps[1].wait: "3x" is not a duration (expected e.g. P3D, PT36H)',
    ],
  },
  {
    name: 'a template using an unknown variable',
    file: 'templates/push-messy-data.hbs',
    from: '<p>{{> greeting}}</p>\n',
    to: '<p>{{> greeting}}</p>\n<p>Your colour: {{lead.favouriteColour}}</p>\n',
    expected: [
      'templates/push-messy-data.hbs:6: unknown template variable "lead.favouriteColour" (known: lead.firstName, lead.company, sender.name, links.unsubscribe, … see README)',
    ],
  },
  {
    name: 'a YAML list that is never closed in nurture.yaml',
    file: 'nurture.yaml',
    from: 'minGap: PT36H',
    to: 'minGap: [PT36H',
    expected: ['nurture.yaml:20: YAML syntax: this "[" is never closed with "]"'],
  },
  {
    name: 'a key given twice in nurture.yaml',
    file: 'nurture.yaml',
    from: 'minGap: PT36H',
    to: 'minGap: PT36H\nminGap: PT12H',
    expected: ['nurture.yaml:21: YAML syntax: Map keys must be unique'],
  },
  {
    name: 'an unknown time zone in nurture.yaml',
    file: 'nurture.yaml',
    from: 'timezone: America/New_York',
    to: 'timezone: Mars/Olympus',
    expected: [
      'nurture.yaml:9: timezone: "Mars/Olympus" is not an IANA time zone (expected e.g. America/New_York)',
    ],
  },
  {
    name: 'a layout that lost its footer (and with it the unsubscribe link)',
    file: 'templates/layouts/default.hbs',
    from: '{{> footer}}',
    to: '',
    expected: [
      'templates/layouts/default.hbs: no unsubscribe link: neither this layout nor the 15 email(s) using it include {{links.unsubscribe}}, e.g. with {{> footer}}',
      "templates/layouts/default.hbs: no sender's postal address: neither this layout nor the 15 email(s) using it include {{sender.postalAddress}}, e.g. with {{> footer}}",
    ],
  },
  {
    name: 'delivery, DKIM and unsubscribe-mailbox settings that are not what they should be',
    file: 'nurture.yaml',
    from: 'minGap: PT36H',
    to: 'minGap: PT36H\ndelivery: { softBounceAfter: 3 days, requireTls: true }\ndkim: { domain: tidewater, selector: "s 1", privateKey: "" }\nunsubscribeMailbox: nobody',
    expected: [
      'nurture.yaml:21: delivery.softBounceAfter: "3 days" is not a duration (expected e.g. P3D, PT36H)',
      'nurture.yaml:21: delivery.requireTls: unknown key "requireTls" (did you mean "requireTLS"?) (allowed: softBounceAfter, requireTLS, tlsCa)',
      'nurture.yaml:22: dkim.domain: expected the signing domain, e.g. tidewater.example',
      'nurture.yaml:22: dkim.selector: expected a DNS label, e.g. s1 (the key is published at s1._domainkey.<domain>)',
      'nurture.yaml:22: dkim.privateKey: expected the path of a PEM private key file, e.g. .nurture/dkim.pem',
      'nurture.yaml:23: unsubscribeMailbox: expected an email address that someone reads, e.g. unsubscribe@tidewater.example',
    ],
  },
];

describe('an invalid workspace', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  async function importedWorkspace() {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS_CSV);
    expect((await ws.cli('leads', 'import', 'leads.csv')).status).toBe(0);
    return ws;
  }

  const activity = (ws: ReturnType<typeof badInputWorkspace>) =>
    ws.query<{ enrollments: number; sends: number; runs: number }>(
      `SELECT (SELECT count(*) FROM enrollments) AS enrollments, (SELECT count(*) FROM sends) AS sends,
              (SELECT count(*) FROM runs) AS runs`,
    )[0];

  it('(the same leads in a valid workspace are enrolled and sent to, so "nothing happened" below means something)', async () => {
    const ws = await importedWorkspace();
    const result = await ws.cli('run', '--json');
    expect(result.status).toBe(0);
    expect((JSON.parse(result.stdout) as { sent: unknown[] }).sent).toHaveLength(2);
    const after = activity(ws)!;
    expect(after).toMatchObject({ enrollments: 2, runs: 1 });
    expect(after.sends).toBeGreaterThanOrEqual(2); // sent now, plus the next touches planned
  });

  it.each(BREAKAGES)(
    '$name: run refuses with file:line and field, exit 1, and changes nothing',
    async (b) => {
      const ws = await importedWorkspace();
      ws.edit(b.file, b.from, b.to);

      const result = await ws.cli('run');

      expect(result.status).toBe(1);
      expect(result.stdout).toBe('');
      expect(result.stderr).toMatch(/^nurture: invalid workspace:\n/);
      for (const line of b.expected) expect(result.stderr.split('\n')).toContain(line);
      expect(activity(ws)).toEqual({ enrollments: 0, sends: 0, runs: 0 });
      expect(ws.query('SELECT count(*) AS n FROM leads')).toEqual([{ n: 2 }]);
    },
  );

  it.each(BREAKAGES)('$name: lint reports it too, exit 1', async (b) => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.edit(b.file, b.from, b.to);

    const result = await ws.cli('lint');

    expect(result.status).toBe(1);
    for (const line of b.expected) expect(result.stderr.split('\n')).toContain(line);
  });
});
