import { afterEach, describe, expect, it } from 'vitest';
import { badInputWorkspace, rejections } from './support.js';

const LEADS_CSV = 'email,first_name,company,consent\r\nkim@example.com,Kim,Lee Ltd,confirmed\r\n';

// The test clock says 2026-11-23T12:00:00Z, so line 7 is in the future.
const EVENTS_CSV = `${[
  'id,email,type,occurred_at,url',
  'evt-1,kim@example.com,page_viewed,2026-11-20T10:00:00Z,https://tidewater.example/pricing',
  'evt-2,ghost@example.com,email_opened,2026-11-20T10:00:00Z,',
  'evt-3,kim@example.com,,2026-11-20T10:00:00Z,',
  'evt-4,kim@example.com,telepathy,2026-11-20T10:00:00Z,',
  'evt-5,kim@example.com,email_opened,last tuesday,',
  'evt-6,kim@example.com,email_opened,2026-12-01T09:00:00Z,',
  ',kim@example.com,email_clicked,2026-11-21T10:00:00Z,https://tidewater.example/a',
  // The same event as line 8: no id, same address (other case), type, instant (other offset) and url.
  ',Kim@Example.com,email_clicked,2026-11-21T05:00:00-05:00,https://tidewater.example/a',
].join('\r\n')}\r\n`;

interface Report {
  rows: number;
  stored: number;
  inserted: number;
  duplicates: number;
  rejected: { line: number; reason: string }[];
}

describe('events import: bad rows and duplicates', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  async function withLeadAndEvents() {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write('leads.csv', LEADS_CSV);
    ws.write('events.csv', EVENTS_CSV);
    expect((await ws.cli('leads', 'import', 'leads.csv')).status).toBe(0);
    return ws;
  }

  it('rejects each bad event with its line and reason, quarantines unknown leads, keeps the valid ones, and exits 1', async () => {
    const ws = await withLeadAndEvents();

    const result = await ws.cli('events', 'import', 'events.csv');

    expect(result.status).toBe(1);
    expect(rejections(result.stderr)).toMatchInlineSnapshot(`
      [
        "events.csv:4: rejected: type: missing",
        "events.csv:5: rejected: type: "telepathy" is not one of email_opened, email_clicked, page_viewed, form_submitted, webinar_attended, content_downloaded, meeting_booked, replied, unsubscribed, bounced, soft_bounced, complained, closed_lost, became_customer",
        "events.csv:6: rejected: occurred_at: "last tuesday" is not a date-time: expected ISO 8601 (2026-11-20T10:02:00Z or 2026-11-20 10:02:00), epoch seconds or milliseconds; for dates such as 11/20/2026 10:02 pass --date-format "MM/dd/yyyy HH:mm"",
        "events.csv:7: rejected: occurred_at: 2026-12-01T09:00:00Z is in the future (now is 2026-11-23T12:00:00.000Z)",
      ]
    `);
    expect(result.stdout).toContain('events.csv: 8 rows read, 2 stored (2 new, 1 already known), 4 rejected, 1 quarantined');
    expect(result.stderr).toContain(
      'events.csv:3: quarantined: email: no lead with address ghost@example.com (kept in quarantine until a leads import adds it)',
    );
    expect(
      ws.query<{ type: string; url: string }>('SELECT type, url FROM events ORDER BY occurred_at'),
    ).toEqual([
      { type: 'page_viewed', url: 'https://tidewater.example/pricing' },
      { type: 'email_clicked', url: 'https://tidewater.example/a' },
    ]);
  });

  it('counts an event imported twice once: the second import stores nothing new', async () => {
    const ws = await withLeadAndEvents();
    const first = JSON.parse((await ws.cli('events', 'import', 'events.csv', '--json')).stdout) as Report;
    expect(first).toMatchObject({ rows: 8, stored: 2, inserted: 2, duplicates: 1 });

    const again = await ws.cli('events', 'import', 'events.csv', '--json');

    expect(again.status).toBe(1); // the same four rows are still rejected
    const second = JSON.parse(again.stdout) as Report;
    expect(second).toMatchObject({ rows: 8, stored: 0, inserted: 0, duplicates: 3 });
    expect(second.rejected.map((r) => r.line)).toEqual([4, 5, 6, 7]);
    expect(ws.query<{ n: number }>('SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);

    const human = await ws.cli('events', 'import', 'events.csv');
    expect(human.stdout).toContain('0 stored (0 new, 3 already known)');

    const explain = JSON.parse((await ws.cli('explain', 'kim@example.com', '--json')).stdout) as {
      events: { type: string }[];
    };
    expect(explain.events.map((e) => e.type)).toEqual(['page_viewed', 'email_clicked']);
  });

  it('treats the same id as the same event even when other columns differ', async () => {
    const ws = await withLeadAndEvents();
    await ws.cli('events', 'import', 'events.csv');
    ws.write(
      'events-again.csv',
      'id,email,type,occurred_at,url\nevt-1,kim@example.com,page_viewed,2026-11-20T10:05:00Z,https://tidewater.example/pricing?utm=x\n',
    );

    const result = await ws.cli('events', 'import', 'events-again.csv', '--json');

    expect(result.status).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ inserted: 0, duplicates: 1, rejected: [] });
    expect(ws.query<{ n: number }>('SELECT count(*) AS n FROM events')).toEqual([{ n: 2 }]);
  });
});
