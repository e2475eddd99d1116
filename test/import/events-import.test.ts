import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace, rejections } from '../bad-input/support.js';

const LEADS = 'email,first_name,consent\nkim@example.com,Kim,confirmed\njose@ñandú.example,José,confirmed\n';

// The test clock says 2026-11-23T12:00:00Z; the workspace zone is America/New_York (UTC-5 in November).
const EVENTS = [
  'Event,Email Address,Timestamp,Page URL,Campaign',
  'Page View,kim@example.com,2026-11-20 10:02:00,https://tidewater.example/pricing,q4',
  'pageview,KIM@example.com,2026-11-20T10:03:00+01:00,https://tidewater.example/a,',
  'Open,kim@example.com,1763632920,,q4',
  'Click,kim@example.com,1763632980000,https://tidewater.example/b,q4',
  'Form Submission,jose@xn--and-6ma2c.example,2026-11-21 09:00,https://tidewater.example/demo,',
  'email_opened,kim@example.com,11/20/2026 10:02,,',
].join('\r\n');

describe('events import: exports of real tools', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  async function withLeads() {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS);
    expect((await ws.cli('leads', 'import', 'leads.csv')).status).toBe(0);
    return ws;
  }

  const stored = (ws: ReturnType<typeof badInputWorkspace>) =>
    ws
      .query<{ type: string; occurred_at: number; url: string; properties: string; email: string }>(
        'SELECT e.type, e.occurred_at, e.url, e.properties, l.email FROM events e JOIN leads l ON l.id = e.lead_id ORDER BY e.occurred_at, e.id',
      )
      .map((e) => ({ ...e, occurred_at: new Date(e.occurred_at).toISOString() }));

  it('reads Event/Timestamp headers, tool spellings of types and the common time forms (no offset: workspace zone)', async () => {
    const ws = await withLeads();
    ws.write('events.csv', EVENTS);
    const result = await ws.cli('events', 'import', 'events.csv');
    expect(result.status).toBe(1);
    expect(rejections(result.stderr)).toEqual([
      'events.csv:7: rejected: occurred_at: "11/20/2026 10:02" is not a date-time: expected ISO 8601 (2026-11-20T10:02:00Z or 2026-11-20 10:02:00), epoch seconds or milliseconds; for dates such as 11/20/2026 10:02 pass --date-format "MM/dd/yyyy HH:mm"',
    ]);
    expect(result.stdout).toContain('events.csv: kept as event properties: "Campaign"');
    expect(stored(ws)).toEqual([
      { type: 'email_opened', occurred_at: '2025-11-20T10:02:00.000Z', url: '', properties: '{"Campaign":"q4"}', email: 'kim@example.com' },
      { type: 'email_clicked', occurred_at: '2025-11-20T10:03:00.000Z', url: 'https://tidewater.example/b', properties: '{"Campaign":"q4"}', email: 'kim@example.com' },
      { type: 'page_viewed', occurred_at: '2026-11-20T09:03:00.000Z', url: 'https://tidewater.example/a', properties: '{}', email: 'kim@example.com' },
      { type: 'page_viewed', occurred_at: '2026-11-20T15:02:00.000Z', url: 'https://tidewater.example/pricing', properties: '{"Campaign":"q4"}', email: 'kim@example.com' },
      // The punycode spelling of the domain is the same lead.
      { type: 'form_submitted', occurred_at: '2026-11-21T14:00:00.000Z', url: 'https://tidewater.example/demo', properties: '{}', email: 'jose@ñandú.example' },
    ]);
  });

  it('reads MM/DD/YYYY only with --date-format, in the workspace zone', async () => {
    const ws = await withLeads();
    ws.write('events.csv', 'email,type,occurred_at\nkim@example.com,email_opened,11/20/2026 10:02\n');
    const result = await ws.cli('events', 'import', 'events.csv', '--date-format', 'MM/dd/yyyy HH:mm');
    expect(result.status).toBe(0);
    expect(stored(ws).map((e) => e.occurred_at)).toEqual(['2026-11-20T15:02:00.000Z']);
  });

  it('refuses events after --at (a replay "as of" a moment), and takes them when they are past', async () => {
    const ws = await withLeads();
    ws.write('events.csv', 'email,type,occurred_at\nkim@example.com,email_opened,2026-11-21T10:00:00Z\nkim@example.com,email_clicked,2026-11-22T10:00:00Z\n');
    const early = await ws.cli('events', 'import', 'events.csv', '--at', '2026-11-22T00:00:00Z');
    expect(early.status).toBe(1);
    expect(rejections(early.stderr)).toEqual([
      'events.csv:3: rejected: occurred_at: 2026-11-22T10:00:00Z is in the future (now is 2026-11-22T00:00:00.000Z)',
    ]);
    const later = await ws.cli('events', 'import', 'events.csv');
    expect(later.status).toBe(0);
    expect(stored(ws).map((e) => e.type)).toEqual(['email_opened', 'email_clicked']);
    const bad = await ws.cli('events', 'import', 'events.csv', '--at', 'yesterday');
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('nurture: --at: "yesterday" is not an ISO 8601 date or date-time (e.g. 2026-11-24T09:00:00-05:00)');
  });

  it('reads JSON Lines with nested properties', async () => {
    const ws = await withLeads();
    ws.write(
      'events.jsonl',
      [
        '{"event":"Webinar Attendance","userEmail":"kim@example.com","email":"kim@example.com","timestamp":"2026-11-19T16:00:00Z","properties":{"url":"https://tidewater.example/webinars/q4","webinar":"Q4 roadmap","minutes":42}}',
        '{"type":"content_downloaded","email":"kim@example.com","occurred_at":1763560800000,"properties":{"asset":"guide.pdf"}}',
      ].join('\n'),
    );
    const result = await ws.cli('events', 'import', 'events.jsonl');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(0);
    // Our own name wins over an alias; the alias still fills in where our column is blank.
    expect(result.stdout.split('\n').filter((l) => l.includes('note:'))).toEqual([
      'events.jsonl: note: column "event" also means type, read from "type": used where "type" is blank, else kept as an attribute',
      'events.jsonl: note: column "userEmail" also means email, read from "email": used where "email" is blank, else kept as an attribute',
      'events.jsonl: note: column "timestamp" also means occurred_at, read from "occurred_at": used where "occurred_at" is blank, else kept as an attribute',
    ]);
    expect(stored(ws)).toEqual([
      { type: 'content_downloaded', occurred_at: '2025-11-19T14:00:00.000Z', url: '', properties: '{"asset":"guide.pdf"}', email: 'kim@example.com' },
      {
        type: 'webinar_attended',
        occurred_at: '2026-11-19T16:00:00.000Z',
        url: 'https://tidewater.example/webinars/q4',
        properties: '{"userEmail":"kim@example.com","webinar":"Q4 roadmap","minutes":"42"}',
        email: 'kim@example.com',
      },
    ]);
  });
});
