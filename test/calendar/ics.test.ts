import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Forecast } from '../../src/run/forecast.js';
import type { TouchItem } from '../../src/run/items.js';
import { DAY0, seededWorkspace } from './seeded.js';

type Seeded = Awaited<ReturnType<typeof seededWorkspace>>;

function parseIcs(text: string) {
  const calendar = new ICAL.Component(ICAL.parse(text));
  for (const tz of calendar.getAllSubcomponents('vtimezone')) ICAL.TimezoneService.register(tz);
  return calendar;
}

describe('calendar --format ics', () => {
  let seeded: Seeded;
  let forecast: Forecast;
  let ics: string;
  const window = ['--from', new Date(DAY0).toISOString(), '--days', '14'];

  beforeAll(async () => {
    seeded = await seededWorkspace();
    forecast = JSON.parse((await seeded.cli('calendar', ...window, '--json')).stdout) as Forecast;
    const result = await seeded.cli('calendar', ...window, '--format', 'ics');
    expect(result.status, result.stderr).toBe(0);
    ics = result.stdout;
  });
  afterAll(() => seeded.cleanup());

  it('has one event per touch, at the touch instant, in the lead’s own zone', () => {
    expect(forecast.items.length).toBeGreaterThan(100);
    const events = parseIcs(ics).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    expect(events).toHaveLength(forecast.items.length);
    const bySummary = new Map<string, TouchItem>(
      forecast.items.map((i) => [`${i.sequence}/${i.step} (${i.force}) to ${i.lead}`, i]),
    );
    for (const event of events) {
      const item = bySummary.get(event.summary);
      expect(item, event.summary).toBeDefined();
      expect(event.startDate.zone?.tzid).toBe(item!.zone);
      expect(event.startDate.toUnixTime() * 1000).toBe(Date.parse(item!.at));
      // The wall-clock time in the lead's zone is the one the forecast shows.
      const local = DateTime.fromISO(item!.at, { setZone: true });
      expect([event.startDate.hour, event.startDate.minute]).toEqual([local.hour, local.minute]);
      expect(event.uid).not.toContain(item!.lead);
    }
    expect(new Set(events.map((e) => e.uid)).size).toBe(events.length);
  });

  it('keeps UIDs stable between runs, even when made at another moment', async () => {
    seeded.clock.advance(60_000);
    const again = (await seeded.cli('calendar', ...window, '--format', 'ics')).stdout;
    const uids = (text: string) => parseIcs(text).getAllSubcomponents('vevent').map((c) => c.getFirstPropertyValue('uid'));
    expect(uids(again)).toEqual(uids(ics));
  });

  it('with --by day makes one all-day event per day carrying the counts', async () => {
    const result = await seeded.cli('calendar', ...window, '--by', 'day', '--format', 'ics');
    expect(result.status, result.stderr).toBe(0);
    const events = parseIcs(result.stdout).getAllSubcomponents('vevent').map((c) => new ICAL.Event(c));
    const days = new Set(forecast.items.map((i) => i.at.slice(0, 10)));
    expect(events).toHaveLength(days.size);
    let total = 0;
    for (const event of events) {
      expect(event.startDate.isDate).toBe(true);
      total += Number(/^(\d+) touch/.exec(event.summary)![1]);
    }
    expect(total).toBe(forecast.items.length);
  });

  it('refuses an aggregate calendar that is not per day', async () => {
    const result = await seeded.cli('calendar', '--by', 'force', '--format', 'ics');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatchInlineSnapshot(
      `"nurture: --format ics: only --by day makes a calendar (one event per day), not --by force"`,
    );
  });
});
