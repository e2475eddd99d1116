import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { badInputWorkspace } from '../bad-input/support.js';
import {
  ACTIVECAMPAIGN,
  bytesOf,
  type ExportFile,
  HUBSPOT,
  MARKETO,
  MAUTIC,
  PIPEDRIVE,
  SALESFORCE_CONTACTS,
  SALESFORCE_LEADS,
} from './exports.js';

interface StoredLead {
  email: string;
  first_name: string;
  last_name: string;
  company: string;
  job_title: string;
  country: string;
  timezone: string;
  zone_source: string;
  consent: string;
  suppressed_reason: string | null;
  attributes: string;
}

/** Each CRM's export imported into one workspace, as a new user would. */
describe('leads import: real CRM exports', () => {
  const ws = badInputWorkspace();
  const results = new Map<string, Awaited<ReturnType<typeof ws.cli>>>();
  const lead = (email: string) =>
    ws.query<StoredLead>('SELECT * FROM leads WHERE email = ?', email)[0] ?? ({} as StoredLead);

  async function importFile(file: ExportFile, ...flags: string[]) {
    ws.write(file.name, bytesOf(file));
    const result = await ws.cli('leads', 'import', file.name, ...flags);
    results.set(file.name, result);
    return result;
  }

  beforeAll(async () => {
    await importFile(HUBSPOT, '--map', 'Double opt-in=consent');
    await importFile(SALESFORCE_LEADS, '--map', 'Consent_Status__c=consent');
    await importFile(SALESFORCE_CONTACTS);
    await importFile(MAUTIC);
    await importFile(PIPEDRIVE);
    await importFile(MARKETO);
    await importFile(ACTIVECAMPAIGN);
  }, 120_000);
  afterAll(() => ws.cleanup());

  it.each([
    [HUBSPOT, 'HubSpot'],
    [SALESFORCE_LEADS, 'Salesforce'],
    [SALESFORCE_CONTACTS, 'Salesforce'],
    [MAUTIC, 'Mautic'],
    [PIPEDRIVE, 'Pipedrive'],
    [MARKETO, 'Marketo'],
    [ACTIVECAMPAIGN, 'ActiveCampaign'],
  ])('imports %# (%s) with no rejected row and says which preset it used', (file, label) => {
    const result = results.get(file.name)!;
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    const rows = file.lines.length - 1;
    expect(result.stdout).toContain(`${file.name}: ${rows} rows read, ${rows} stored (${rows} new, 0 updated), 0 rejected`);
    expect(result.stdout).toContain(`${file.name}: read as ${label === 'ActiveCampaign' ? 'an' : 'a'} ${label} export (detected from its headers)`);
  });

  it('lists the columns it kept as attributes, once per import, and nothing it understood', () => {
    const kept = (name: string) => results.get(name)!.stdout.split('\n').filter((l) => l.includes('kept as attributes'));
    expect(kept(HUBSPOT.name)).toEqual([
      'hubspot-contacts.csv: kept as attributes: "Record ID", "Contact owner", "Phone Number"',
    ]);
    expect(kept(SALESFORCE_LEADS.name)).toEqual(['salesforce-leads.csv: kept as attributes: "Id", "LeadSource"']);
    expect(kept(PIPEDRIVE.name)).toEqual([
      'pipedrive-people.csv: kept as attributes: "Person - Phone - Work", "Person - Owner"',
    ]);
  });

  it('reads names, companies and titles from each tool’s own headers', () => {
    expect(lead('hannah.okafor@quartzcloud.example')).toMatchObject({
      first_name: 'Hannah',
      last_name: 'Okafor',
      company: 'Quartz Cloud',
      job_title: 'Head of Marketing Operations',
    });
    expect(lead('priya@himalaya-soft.example')).toMatchObject({ first_name: 'Priya', company: 'Himalaya Soft', job_title: 'Head of Marketing' });
    expect(lead('sara@fjord-labs.example')).toMatchObject({ company: 'Fjord Labs', job_title: 'Head of Marketing' });
    expect(lead('anna@wisla-software.example')).toMatchObject({ first_name: 'Anna', company: 'Wisła Software', job_title: 'Head of Marketing' });
    // Pipedrive's single Name column is split into first and last name.
    expect(lead('grace@compiler.example')).toMatchObject({ first_name: 'Grace', last_name: 'Hopper', company: 'Compiler Co' });
    expect(lead('kim.park@hanriver.example')).toMatchObject({ first_name: 'Kim', company: 'Han River Soft' });
    expect(JSON.parse(lead('hannah.okafor@quartzcloud.example').attributes)).toEqual({
      record_id: '101',
      contact_owner: 'Sam Rep',
      phone_number: '+49 30 1234567',
      city: 'Berlin',
      lifecycle_stage: 'Lead',
    });
  });

  it('understands country names, aliases and codes, stored as ISO alpha-2', () => {
    const countries = Object.fromEntries(
      ws.query<{ email: string; country: string }>('SELECT email, country FROM leads').map((r) => [r.email, r.country]),
    );
    expect(countries).toMatchObject({
      'hannah.okafor@quartzcloud.example': 'DE', // Germany
      'mia.brandt@kiefer-werke.example': 'DE', // Deutschland
      'lucas@verdant-data.example': 'BR', // Brasil
      'olu@northgate.example': 'GB', // UK
      'ava.turner@bluepeak.example': 'US', // USA
      'jose@ñandú.example': 'ES', // España
      'lena.vogel@nordlicht.example': 'DE', // DEU
      'ravi@ghat-systems.example': 'IN', // IND
      'kim.park@hanriver.example': 'KR', // South Korea
      'eva@vltava.example': 'CZ', // Czechia
    });
  });

  it('gives a lead without a zone its country’s zone, or its region’s or city’s in a country with several, and counts the rest', () => {
    const zone = (email: string) => {
      const l = lead(email);
      return `${l.timezone} ${l.zone_source}`;
    };
    expect(zone('hannah.okafor@quartzcloud.example')).toBe('Europe/Berlin country');
    expect(zone('raj@lumen-analytics.example')).toBe('Asia/Kolkata country');
    expect(zone('priya@himalaya-soft.example')).toBe('Asia/Kathmandu country');
    expect(zone('lucas@verdant-data.example')).toBe('America/Sao_Paulo region');
    expect(zone('jack.wilson@coral-metrics.example')).toBe('Australia/Sydney region');
    expect(zone('ben.carter@lonestar-cloud.example')).toBe('America/Chicago region'); // TX
    expect(zone('tom.baker@denver-data.example')).toBe('America/Denver city');
    expect(zone('jose@ñandú.example')).toBe('Europe/Madrid region');
    // HubSpot's own spelling of a zone is read as the IANA name it stands for.
    expect(zone('emma.clarke@harborline.example')).toBe('America/Los_Angeles given');
    expect(zone('pierre@seine-data.example')).toBe('Europe/Paris given');
    // The US has several zones and the row says neither state nor city: the workspace zone applies.
    expect(zone('ava.turner@bluepeak.example')).toBe(' workspace');
    expect(results.get(HUBSPOT.name)!.stdout).toContain(
      'hubspot-contacts.csv: zones: 1 given, 6 from their country, 2 from their state or region, 1 on the workspace zone (America/New_York)',
    );
  });

  it('turns every CRM opt-out into unsubscribed, and keeps the evidence in the consent log', () => {
    const optedOut = [
      'olu@northgate.example', // HubSpot: Unsubscribed from all email = true
      'mia.brandt@kiefer-werke.example', // HubSpot: Non-marketing contact
      'ben.carter@lonestar-cloud.example', // Salesforce: HasOptedOutOfEmail
      'ravi@ghat-systems.example', // Salesforce contact
      'pierre@seine-data.example', // Mautic: dnc = 1
      'alan@enigma.example', // Pipedrive: Unsubscribed
      'linus@archived.example', // Pipedrive: Archived
      'eva@vltava.example', // Marketo: Black Listed
      'tom.berg@fjord-bi.example', // ActiveCampaign: List Status Unsubscribed
    ];
    for (const email of optedOut) expect(lead(email), email).toMatchObject({ consent: 'unsubscribed', suppressed_reason: 'unsubscribed' });
    expect(lead('omar@cedar-cloud.example').suppressed_reason).toBe('bounced'); // Marketo: Email Invalid
    // ActiveCampaign's "Bounced" list status is a dead address, not an opt-out: suppressed as bounced, consent untouched.
    expect(lead('lena@bounce-works.example')).toMatchObject({ consent: 'none', suppressed_reason: 'bounced' });
    expect(lead('sofia.russo@laguna-data.example')).toMatchObject({ first_name: 'Sofia', company: 'Laguna Data', job_title: 'Head of Demand Generation', country: 'IT', timezone: 'Europe/Rome', suppressed_reason: null });
    expect(JSON.parse(lead('sofia.russo@laguna-data.example').attributes)).toMatchObject({ contact_id: '1201', tags: 'webinar-2026, trial' });
    expect(lead('raj@lumen-analytics.example')).toMatchObject({ consent: 'confirmed', suppressed_reason: null });
    expect(
      ws.query(
        `SELECT c.consent, c.previous, c.source, c.evidence FROM consent_log c JOIN leads l ON l.id = c.lead_id WHERE l.email = ?`,
        'olu@northgate.example',
      ),
    ).toEqual([{ consent: 'unsubscribed', previous: null, source: 'crm-opt-out', evidence: 'hubspot-contacts.csv line 6' }]);
    expect(results.get(HUBSPOT.name)!.stdout).toContain(
      'hubspot-contacts.csv: from the CRM: 2 opted out (stored as unsubscribed), 1 customer(s) (nurture stops)',
    );
  });

  it('keeps lifecycle stages as attributes, and a customer stops nurture as became_customer does', async () => {
    expect(JSON.parse(lead('lucas@verdant-data.example').attributes).lifecycle_stage).toBe('Opportunity');
    const customers = ws.query<{ email: string }>(
      `SELECT l.email FROM events e JOIN leads l ON l.id = e.lead_id WHERE e.type = 'became_customer' ORDER BY l.email`,
    );
    expect(customers.map((c) => c.email)).toEqual(['ada@engine-works.example', 'kenji@sakura-analytics.example', 'noah@alpenhaus.example']);
    const score = JSON.parse((await ws.cli('score', '--lead', 'noah@alpenhaus.example', '--json')).stdout) as { stage: string };
    expect(score.stage).toBe('customer');
  });

  it('accepts an internationalised domain and flags role addresses, which a fit rule scores', async () => {
    expect(lead('jose@ñandú.example')).toMatchObject({ first_name: 'José', company: 'Ñandú Software' });
    expect(JSON.parse(lead('info@tallyhouse.example').attributes)).toMatchObject({ role_address: 'true' });
    expect(JSON.parse(lead('hannah.okafor@quartzcloud.example').attributes).role_address).toBeUndefined();
    const score = JSON.parse((await ws.cli('score', '--lead', 'info@tallyhouse.example', '--json')).stdout) as {
      contributions: { rule: string; points: number }[];
    };
    expect(score.contributions).toContainEqual(expect.objectContaining({ rule: 'role-address', points: -10 }));
  });

  it('scores the titles it now reads, renders the names, and says where the zone came from', async () => {
    const score = JSON.parse((await ws.cli('score', '--lead', 'hannah.okafor@quartzcloud.example', '--json')).stdout) as {
      contributions: { rule: string; points: number }[];
    };
    expect(score.contributions).toContainEqual(expect.objectContaining({ rule: 'senior-title', points: 20 }));
    const preview = await ws.cli('preview', 'new-signups', 'pain', '--lead', 'hannah.okafor@quartzcloud.example');
    expect(preview.status).toBe(0);
    expect(preview.stdout).toContain('Hi Hannah,');
    expect(preview.stdout).toContain('at Quartz Cloud');
    const explain = await ws.cli('explain', 'lucas@verdant-data.example');
    expect(explain.stdout.split('\n')[0]).toBe(
      'lucas@verdant-data.example (America/Sao_Paulo, zone guessed from region São Paulo (BR)) — consent confirmed',
    );
  });
});
