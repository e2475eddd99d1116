#!/usr/bin/env node
// Generates the example data set for the Tidewater workspace:
//   examples/leads.csv   300 leads (fit: titles, industries, personal vs. business email, consent)
//   examples/events.csv  ~1,500 engagement events between 2026-09-01 and 2026-11-22
//
// Deterministic: a seeded PRNG (mulberry32) drives every choice and no clock is read, so every run
// writes byte-identical files. Plain Node ESM, no dependencies.  Usage: node examples/generate.mjs

import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT_DIR = dirname(fileURLToPath(import.meta.url));
const SEED = 20261122;
const LEAD_COUNT = 300;
const HOT_COUNT = 25;
const COLD_COUNT = 40;

// ---------------------------------------------------------------- randomness

function mulberry32(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(SEED);
const chance = (p) => rand() < p;
const int = (min, max) => min + Math.floor(rand() * (max - min + 1)); // inclusive
const pick = (list) => list[Math.floor(rand() * list.length)];
function weighted(pairs) {
  const total = pairs.reduce((s, [, w]) => s + w, 0);
  let r = rand() * total;
  for (const [value, w] of pairs) {
    r -= w;
    if (r < 0) return value;
  }
  return pairs[pairs.length - 1][0];
}
function shuffle(list) {
  const a = [...list];
  for (let i = a.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [a[i], a[j]] = [a[j], a[i]];
  }
  return a;
}

// ---------------------------------------------------------------- time

const ms = (iso) => Date.parse(iso);
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (t) => new Date(t).toISOString().replace(/\.\d{3}Z$/, 'Z');
const randTime = (from, to) => from + Math.floor(rand() * (to - from));

const CONSENT_FROM = ms('2026-06-01T00:00:00Z');
const CONSENT_TO = ms('2026-11-20T23:59:59Z');
const EVENTS_FROM = ms('2026-09-01T00:00:00Z');
const EVENTS_TO = ms('2026-11-22T23:00:00Z');

// ---------------------------------------------------------------- vocabularies

const COUNTRIES = [
  // code, weight, zones, TLD for business domains, name pool
  ['US', 38, ['America/New_York', 'America/Chicago', 'America/Denver', 'America/Los_Angeles'], 'com', 'en'],
  ['CA', 7, ['America/Toronto', 'America/St_Johns'], 'ca', 'en'],
  ['GB', 10, ['Europe/London'], 'co.uk', 'en'],
  ['DE', 7, ['Europe/Berlin'], 'de', 'de'],
  ['FR', 5, ['Europe/Paris'], 'fr', 'fr'],
  ['IN', 8, ['Asia/Kolkata'], 'in', 'in'],
  ['NP', 3, ['Asia/Kathmandu'], 'com.np', 'np'],
  ['AU', 7, ['Australia/Sydney', 'Australia/Lord_Howe'], 'com.au', 'en'],
  ['NZ', 4, ['Pacific/Auckland', 'Pacific/Chatham'], 'co.nz', 'en'],
  ['JP', 4, ['Asia/Tokyo'], 'co.jp', 'jp'],
  ['BR', 7, ['America/Sao_Paulo'], 'com.br', 'br'],
];
const COUNTRY = Object.fromEntries(
  COUNTRIES.map(([code, w, zones, tld, names]) => [code, { code, w, zones, tld, names }]),
);

const NAMES = {
  en: {
    first: [
      'Ana',
      'James',
      'Priya',
      'Michael',
      'Sarah',
      'David',
      'Emily',
      'Marcus',
      'Olivia',
      'Daniel',
      'Grace',
      'Liam',
      'Chloe',
      'Noah',
      'Hannah',
      'Ethan',
      'Zoe',
      'Aaron',
      'Megan',
      'Tyler',
      'Rachel',
      'Connor',
      'Aisha',
      'Jordan',
      'Nina',
    ],
    last: [
      'Ruiz',
      'Smith',
      'Johnson',
      'Nguyen',
      "O'Neill",
      'Brown',
      'Patel',
      'Walker',
      'Okafor',
      'Murphy',
      'Kim',
      'Taylor',
      'Campbell',
      'Hughes',
      'Reyes',
      'Fraser',
      'Bennett',
      'Mitchell',
      'Chen',
      'Sullivan',
      'Harris',
      'Wright',
      'MacLeod',
    ],
  },
  de: {
    first: ['Jonas', 'Lena', 'Felix', 'Sophie', 'Lukas', 'Marie', 'Jürgen', 'Anja', 'Tobias', 'Katrin'],
    last: [
      'Müller',
      'Schmidt',
      'Weber',
      'Fischer',
      'Becker',
      'Hoffmann',
      'Schäfer',
      'Koch',
      'Richter',
      'Wagner',
    ],
  },
  fr: {
    first: ['Léa', 'Hugo', 'Camille', 'Lucas', 'Chloé', 'Théo', 'Manon', 'Julien', 'Élodie', 'Antoine'],
    last: [
      'Martin',
      'Bernard',
      'Dubois',
      'Lefèvre',
      'Moreau',
      'Laurent',
      'Girard',
      'Roux',
      'Fournier',
      'Mercier',
    ],
  },
  in: {
    first: ['Aarav', 'Ananya', 'Rohan', 'Priya', 'Vikram', 'Kavya', 'Arjun', 'Meera', 'Sanjay', 'Divya'],
    last: ['Sharma', 'Iyer', 'Reddy', 'Gupta', 'Nair', 'Mehta', 'Kulkarni', 'Menon', 'Rao', 'Banerjee'],
  },
  np: {
    first: ['Sujan', 'Anisha', 'Bikash', 'Pooja', 'Roshan', 'Srijana', 'Nabin', 'Asmita'],
    last: ['Shrestha', 'Gurung', 'Thapa', 'Adhikari', 'Karki', 'Tamang', 'Bhattarai', 'Maharjan'],
  },
  jp: {
    first: ['Haruto', 'Yui', 'Sota', 'Aoi', 'Ren', 'Hina', 'Kenji', 'Yuki'],
    last: ['Sato', 'Suzuki', 'Takahashi', 'Tanaka', 'Watanabe', 'Ito', 'Yamamoto', 'Nakamura'],
  },
  br: {
    first: [
      'João',
      'Ana',
      'Lucas',
      'Beatriz',
      'Gabriel',
      'Larissa',
      'Rafael',
      'Camila',
      'Thiago',
      'Fernanda',
    ],
    last: [
      'Silva',
      'Santos',
      'Oliveira',
      'Souza',
      'Lima',
      'Pereira',
      'Costa',
      'Rodrigues',
      'Almeida',
      'Gonçalves',
    ],
  },
};

const HOT_INDUSTRIES = [
  'SaaS',
  'Software',
  'Financial Services',
  'Healthcare Technology',
  'E-commerce',
  'Professional Services',
];
const COLD_INDUSTRIES = ['Education', 'Government', 'Non-profit', 'Retail', 'Hospitality'];

const SENIOR_TITLES = [
  'Director of Marketing',
  'Director of Sales Operations',
  'VP Marketing',
  'VP Sales',
  'Chief Revenue Officer',
];
const OTHER_TITLES = [
  ['Sales Development Representative', 10],
  ['Marketing Coordinator', 10],
  ['Marketing Manager', 16],
  ['Revenue Operations Manager', 10],
  ['Director of Marketing', 7],
  ['Director of Sales Operations', 5],
  ['VP Marketing', 4],
  ['VP Sales', 4],
  ['Chief Revenue Officer', 2],
  ['CEO', 4],
  ['Founder', 5],
  ['Marketing Associate', 5],
  ['Intern', 2],
  ['Student', 2],
];

const PERSONAL_DOMAINS = ['gmail.com', 'hotmail.com', 'yahoo.com', 'outlook.com', 'icloud.com', 'proton.me'];
const SIZES = ['1-10', '11-50', '51-200', '201-1000', '1000+'];
const CONSENT_SOURCES = ['web-form', 'webinar-registration', 'trade-show-scan', 'content-download'];

// Companies: [name, industry]. Some contain commas so the CSV must quote them.
const COMPANY_WORDS_A = [
  'Bright',
  'North',
  'Blue',
  'Silver',
  'Cedar',
  'Harbor',
  'Summit',
  'Clear',
  'Iron',
  'Copper',
  'Maple',
  'River',
  'Stone',
  'Lumen',
  'Atlas',
  'Kestrel',
  'Granite',
  'Meridian',
  'Orchard',
  'Pioneer',
  'Quarry',
  'Vantage',
];
const COMPANY_WORDS_B = [
  'path',
  'wind',
  'field',
  'line',
  'gate',
  'bridge',
  'leaf',
  'point',
  'crest',
  'ridge',
  'well',
  'stack',
];
const COMPANY_SUFFIX = {
  SaaS: ['Analytics', 'Cloud', 'Labs', 'Software', 'HQ', 'Apps'],
  Software: ['Systems', 'Technologies', 'Software', 'Digital'],
  'Financial Services': ['Capital', 'Financial', 'Wealth Partners', 'Payments'],
  'Healthcare Technology': ['Health', 'Medical Systems', 'Care Technologies'],
  'E-commerce': ['Commerce', 'Goods', 'Market', 'Supply Co.'],
  'Professional Services': ['Consulting', 'Advisory', 'Partners', 'Group'],
  Education: ['Academy', 'Learning', 'College', 'School District'],
  Government: ['County Services', 'Municipal Authority', 'Public Works'],
  'Non-profit': ['Foundation', 'Trust', 'Alliance'],
  Retail: ['Outfitters', 'Stores', 'Home & Garden'],
  Hospitality: ['Hotels', 'Inns', 'Hospitality Group'],
};
const COMMA_COMPANIES = [
  ['Smith, Jones & Partners', 'Professional Services'],
  ['Harlow, Reyes & Co.', 'Financial Services'],
  ['Becker, Wolff und Partner', 'Professional Services'],
  ['Tanaka, Ito & Associates', 'Software'],
  ['Green Valley School District, Unit 4', 'Education'],
];

// ---------------------------------------------------------------- helpers

const ascii = (s) =>
  s
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .replace(/ß/g, 'ss');
const slug = (s) =>
  ascii(s)
    .toLowerCase()
    .replace(/&/g, ' ')
    .replace(/\b(inc|co|und|ltd)\b\.?/g, ' ')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
const local = (s) =>
  ascii(s)
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');

function csvField(v) {
  const s = v == null ? '' : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}
const csvLine = (fields) => fields.map(csvField).join(',');

// ---------------------------------------------------------------- companies

const usedCompanyNames = new Set();
function makeCompany(industry, countryCode) {
  for (;;) {
    const name = `${pick(COMPANY_WORDS_A)}${pick(COMPANY_WORDS_B)} ${pick(COMPANY_SUFFIX[industry])}`;
    if (usedCompanyNames.has(name)) continue;
    usedCompanyNames.add(name);
    return newCompany(name, industry, countryCode);
  }
}
function newCompany(name, industry, countryCode) {
  const country = COUNTRY[countryCode];
  const size = HOT_INDUSTRIES.includes(industry)
    ? weighted([
        ['1-10', 1],
        ['11-50', 3],
        ['51-200', 4],
        ['201-1000', 3],
        ['1000+', 1],
      ])
    : pick(SIZES);
  return { name, industry, country: countryCode, domain: `${slug(name)}.${country.tld}`, size };
}
const pickCountry = () => weighted(COUNTRIES.map(([code, w]) => [code, w]));

const companies = [];
for (const [name, industry] of COMMA_COMPANIES) {
  const country = industry === 'Software' ? 'JP' : name.includes('und') ? 'DE' : 'US';
  usedCompanyNames.add(name);
  companies.push(newCompany(name, industry, country));
}
const saasCompanies = [];
for (let i = 0; i < 18; i++) {
  const c = makeCompany('SaaS', pickCountry());
  saasCompanies.push(c);
  companies.push(c);
}
for (let i = 0; i < 110; i++) {
  const industry = chance(0.68) ? pick(HOT_INDUSTRIES) : pick(COLD_INDUSTRIES);
  companies.push(makeCompany(industry, pickCountry()));
}
const coldCompanies = companies.filter((c) => COLD_INDUSTRIES.includes(c.industry));

// ---------------------------------------------------------------- leads

const usedEmails = new Set();
function uniqueEmail(localPart, domain) {
  let candidate = `${localPart}@${domain}`;
  for (let n = 2; usedEmails.has(candidate.toLowerCase()); n++) candidate = `${localPart}${n}@${domain}`;
  usedEmails.add(candidate.toLowerCase());
  return candidate;
}
function personalLocal(first, last) {
  const f = local(first);
  const l = local(last);
  return weighted([
    [`${f}.${l}`, 4],
    [`${f}${l}`, 2],
    [`${f[0]}${l}`, 2],
    [`${f}.${l}${int(1, 99)}`, 2],
    [`${l}.${f}`, 1],
    [`${f}_${int(1980, 2006)}`, 1],
  ]);
}
function businessLocal(first, last) {
  const f = local(first);
  const l = local(last);
  return weighted([
    [`${f}.${l}`, 6],
    [`${f[0]}${l}`, 2],
    [f, 1],
    [`${f}${l[0]}`, 1],
  ]);
}

// Consent is dealt from a fixed deck so the mix is exact: 55% / 15% / 20% / 10%.
const consentDeck = shuffle([
  ...Array(165 - HOT_COUNT).fill('confirmed'),
  ...Array(45).fill('pending'),
  ...Array(60).fill('none'),
  ...Array(30).fill('unsubscribed'),
]);

function makeLead(kind) {
  let company;
  let title;
  let personal;
  if (kind === 'hot') {
    company = pick(saasCompanies);
    title = pick(SENIOR_TITLES);
    personal = false;
  } else if (kind === 'cold') {
    company = chance(0.75) ? pick(coldCompanies) : pick(companies);
    title = weighted([
      ['Intern', 3],
      ['Student', 3],
      ['Marketing Associate', 4],
    ]);
    personal = true;
  } else {
    company = pick(companies);
    title = weighted(OTHER_TITLES);
    personal = chance(0.1);
  }
  const country = COUNTRY[kind === 'cold' && chance(0.3) ? pickCountry() : company.country];
  const pool = NAMES[country.names];
  const first = pick(pool.first);
  const last = pick(pool.last);
  let email = personal
    ? uniqueEmail(personalLocal(first, last), pick(PERSONAL_DOMAINS))
    : uniqueEmail(businessLocal(first, last), company.domain);
  // A few addresses arrive with capitals, as people type them into forms.
  if (chance(0.04)) email = email.replace(/^[a-z]/, (c) => c.toUpperCase());

  const consent = kind === 'hot' ? 'confirmed' : consentDeck.pop();
  let consentAt = '';
  let consentSource = '';
  if (consent !== 'none') {
    // Hot leads opted in over the summer; everyone else any time up to 2026-11-20.
    const to = kind === 'hot' ? ms('2026-08-31T23:59:59Z') : CONSENT_TO;
    consentAt = iso(randTime(CONSENT_FROM, to));
    consentSource =
      kind === 'hot'
        ? weighted([
            ['webinar-registration', 2],
            ['content-download', 2],
            ['web-form', 1],
          ])
        : pick(CONSENT_SOURCES);
  }
  const leadSource =
    consentSource === 'trade-show-scan'
      ? 'event'
      : weighted([
          ['organic', 4],
          ['paid-search', 3],
          ['referral', 2],
          ['event', 1],
        ]);

  return {
    kind,
    email,
    first_name: chance(kind === 'hot' ? 0.02 : 0.07) ? '' : first,
    last_name: last,
    // Students and some personal-address sign-ups leave the company blank.
    company: (title === 'Student' && chance(0.7)) || (personal && chance(0.15)) ? '' : company.name,
    job_title: title,
    industry: title === 'Student' && chance(0.5) ? 'Education' : company.industry,
    country: country.code,
    timezone: chance(0.1) ? '' : pick(country.zones),
    consent,
    consent_at: consentAt,
    consent_source: consentSource,
    company_size: company.size,
    lead_source: leadSource,
  };
}

const kinds = shuffle([
  ...Array(HOT_COUNT).fill('hot'),
  ...Array(COLD_COUNT).fill('cold'),
  ...Array(LEAD_COUNT - HOT_COUNT - COLD_COUNT).fill('warm'),
]);
const leads = kinds.map(makeLead);
for (const l of leads) if (!l.company) l.company_size = ''; // no company given, no size known

// ---------------------------------------------------------------- events

const BLOG = [
  'why-sales-and-marketing-numbers-disagree',
  'lead-status-fields-explained',
  'two-way-sync-vs-one-way',
  'stop-exporting-csvs',
  'hubspot-salesforce-field-mapping',
  'lead-scoring-that-sales-trusts',
  'deduplicating-leads-without-tears',
  'attribution-for-small-teams',
  'pipeline-meeting-agenda',
].map((s) => `https://tidewater.example/blog/${s}`);
const PRODUCT_PAGES = [
  'https://tidewater.example/how-it-works',
  'https://tidewater.example/security',
  'https://tidewater.example/customers',
  'https://tidewater.example/integrations/salesforce',
  'https://tidewater.example/integrations/hubspot',
];
const PRICING = 'https://tidewater.example/pricing';
const JOB_PAGES = [
  'https://tidewater.example/careers',
  'https://tidewater.example/jobs',
  'https://tidewater.example/jobs/marketing-intern',
  'https://tidewater.example/jobs/sales-development-representative',
];
const GUIDES = [
  'where-lead-data-goes-stale',
  'manual-export-audit',
  'field-mapping-checklist',
  'migration-plan',
].map((s) => `https://tidewater.example/guides/${s}.pdf`);
// Links that appear in the example emails (clicks land on these).
const EMAIL_LINKS = [
  'https://tidewater.example/guides/where-lead-data-goes-stale',
  'https://tidewater.example/how-it-works',
  'https://tidewater.example/guides/manual-export-audit',
  'https://tidewater.example/docs/preview-mode',
  'https://tidewater.example/demo',
  'https://tidewater.example/roi',
  'https://tidewater.example/security',
  'https://tidewater.example/guides/migration-plan',
  'https://tidewater.example/pricing',
  'https://tidewater.example/blog/why-sales-and-marketing-numbers-disagree',
];

const events = [];
const add = (lead, type, t, url = '') => events.push({ email: lead.email, type, t, url });
const emailable = (l) => l.consent === 'confirmed';
const windowStart = (l) => Math.max(EVENTS_FROM, l.consent_at ? ms(l.consent_at) + HOUR : EVENTS_FROM);

// Opens happen after consent; a click follows an open by a few minutes.
function opensAndClicks(lead, opens, clicks, from, to) {
  const lo = Math.max(from, windowStart(lead));
  if (lo >= to) return;
  const openTimes = [];
  for (let i = 0; i < opens; i++) {
    const t = randTime(lo, to);
    openTimes.push(t);
    add(lead, 'email_opened', t);
  }
  for (let i = 0; i < Math.min(clicks, openTimes.length); i++) {
    add(lead, 'email_clicked', Math.min(openTimes[i] + int(20, 900) * 1000, to - 1000), pick(EMAIL_LINKS));
  }
}
const views = (lead, n, urls, from = EVENTS_FROM, to = EVENTS_TO) => {
  for (let i = 0; i < n; i++) add(lead, 'page_viewed', randTime(from, to), pick(urls));
};

// Leads that the one-off events below are attached to are chosen first, so their histories fit.
const hot = leads.filter((l) => l.kind === 'hot');
const cold = leads.filter((l) => l.kind === 'cold');
const warmConfirmed = leads.filter(
  (l) => l.kind === 'warm' && emailable(l) && ms(l.consent_at) < ms('2026-09-15T00:00:00Z'),
);
const [customerLead, meetingLead, repliedLead, lostLead] = hot;
const [unsub1, unsub2, complainedLead] = warmConfirmed;
// The bounce is the first send to an address that opted in before the window and never opened anything.
const bouncedLead = warmConfirmed.filter((l) => ms(l.consent_at) < EVENTS_FROM).at(-1);
const cutoff = new Map([
  [lostLead.email, ms('2026-10-06T15:40:00Z')],
  [unsub1.email, ms('2026-10-14T13:05:11Z')],
  [unsub2.email, ms('2026-11-03T09:47:30Z')],
  [bouncedLead.email, ms('2026-09-09T14:00:02Z')],
  [complainedLead.email, ms('2026-10-21T16:12:45Z')],
]);
const endFor = (l) => cutoff.get(l.email) ?? EVENTS_TO;

// Hot: senior people at SaaS companies, active and getting more active into November.
const HOT_LATE = ms('2026-10-15T00:00:00Z');
for (const l of hot) {
  const end = endFor(l);
  const late = Math.min(HOT_LATE, end - 14 * DAY);
  opensAndClicks(l, int(8, 14), int(3, 7), EVENTS_FROM, end);
  views(l, int(2, 5), [PRICING], late, end);
  views(l, int(1, 4), BLOG, EVENTS_FROM, end);
  views(l, int(1, 3), PRODUCT_PAGES, late, end);
  add(l, 'webinar_attended', randTime(EVENTS_FROM, end));
  for (let i = int(1, 2); i > 0; i--) add(l, 'content_downloaded', randTime(EVENTS_FROM, end), pick(GUIDES));
  if (chance(0.5)) add(l, 'form_submitted', randTime(late, end));
}

// Cold: juniors and students with personal addresses; many of them are looking for a job.
cold.forEach((l, i) => {
  if (i < 18) views(l, int(1, 3), JOB_PAGES); // job seekers
  if (chance(0.5)) views(l, int(1, 2), BLOG);
  if (emailable(l)) opensAndClicks(l, int(0, 2), 0, EVENTS_FROM, EVENTS_TO);
  if (chance(0.15)) add(l, 'content_downloaded', randTime(EVENTS_FROM, EVENTS_TO), pick(GUIDES));
});

// Everyone else: a long tail of light, mixed engagement.
for (const l of leads.filter((x) => x.kind === 'warm')) {
  const end = endFor(l);
  if (emailable(l) && l !== bouncedLead) {
    const engaged = chance(0.7);
    opensAndClicks(l, engaged ? int(2, 9) : 0, engaged && chance(0.5) ? int(1, 2) : 0, EVENTS_FROM, end);
  }
  if (l.consent !== 'unsubscribed' || chance(0.3)) {
    if (chance(0.4)) views(l, int(1, 2), BLOG, EVENTS_FROM, end);
    if (chance(0.2)) views(l, 1, PRODUCT_PAGES, EVENTS_FROM, end);
    if (chance(0.12)) views(l, 1, [PRICING], EVENTS_FROM, end);
    if (chance(0.1)) add(l, 'webinar_attended', randTime(EVENTS_FROM, end));
    if (chance(0.18)) add(l, 'content_downloaded', randTime(EVENTS_FROM, end), pick(GUIDES));
    if (chance(0.12)) add(l, 'form_submitted', randTime(EVENTS_FROM, end));
  }
}

// The one-off outcomes, each exactly once (meeting_booked twice).
add(customerLead, 'meeting_booked', ms('2026-09-24T15:30:00Z'));
add(customerLead, 'became_customer', ms('2026-11-10T18:02:41Z'));
add(meetingLead, 'meeting_booked', ms('2026-11-18T14:15:09Z'));
add(repliedLead, 'replied', ms('2026-11-12T10:21:37Z'));
add(lostLead, 'closed_lost', cutoff.get(lostLead.email));
add(unsub1, 'unsubscribed', cutoff.get(unsub1.email));
add(unsub2, 'unsubscribed', cutoff.get(unsub2.email));
add(bouncedLead, 'bounced', cutoff.get(bouncedLead.email));
add(complainedLead, 'complained', cutoff.get(complainedLead.email));

// Keep everything inside the window, order by time, then number.
const inWindow = events
  .map((e) => ({ ...e, t: Math.min(Math.max(e.t, EVENTS_FROM), EVENTS_TO) }))
  .sort(
    (a, b) =>
      a.t - b.t ||
      a.email.localeCompare(b.email) ||
      a.type.localeCompare(b.type) ||
      a.url.localeCompare(b.url),
  );

// ---------------------------------------------------------------- write

const LEAD_COLUMNS = [
  'email',
  'first_name',
  'last_name',
  'company',
  'job_title',
  'industry',
  'country',
  'timezone',
  'consent',
  'consent_at',
  'consent_source',
  'company_size',
  'lead_source',
];
const leadsCsv = `${[LEAD_COLUMNS.join(','), ...leads.map((l) => csvLine(LEAD_COLUMNS.map((c) => l[c])))].join('\n')}\n`;
const eventLines = inWindow.map((e, i) =>
  csvLine([`evt-${String(i + 1).padStart(6, '0')}`, e.email, e.type, iso(e.t), e.url]),
);
const eventsCsv = `${['id,email,type,occurred_at,url', ...eventLines].join('\n')}\n`;

writeFileSync(join(OUT_DIR, 'leads.csv'), leadsCsv);
writeFileSync(join(OUT_DIR, 'events.csv'), eventsCsv);

const count = (list, key) => list.reduce((m, x) => m.set(x[key], (m.get(x[key]) ?? 0) + 1), new Map());
console.log(`leads.csv: ${leads.length} leads`, Object.fromEntries(count(leads, 'consent')));
console.log(`events.csv: ${inWindow.length} events`, Object.fromEntries(count(inWindow, 'type')));
