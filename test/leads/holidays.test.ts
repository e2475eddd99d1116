import { afterEach, describe, expect, it } from 'vitest';
import { HolidayCalendar } from '../../src/time/holidays.js';
import { badInputWorkspace } from '../bad-input/support.js';
import { leadsWorkspace } from './support.js';

/** `holidays.extra` in nurture.yaml (closed days of our own) and the lint on thin holiday data. */

const EXTRA = `holidays:
  public: true
  extra:
    - { name: Company offsite, date: 2026-11-24 }
    - { name: Founders day, rrule: "FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=25", countries: [US] }
    - { name: Dashain, date: 2026-10-21, countries: [NP] }`;

describe('holidays.extra', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('closes dates and recurrences, for everyone or per country (a country covers its regions)', () => {
    const calendar = new HolidayCalendar({
      public: false,
      extra: [
        { name: 'Offsite', date: '2026-11-24' },
        { name: 'Founders day', rrule: 'FREQ=YEARLY;BYMONTH=11;BYMONTHDAY=25', countries: ['US'] },
      ],
    });
    expect(calendar.holidayOn('NP', '2026-11-24')).toBe('Offsite');
    expect(calendar.holidayOn('US-CA', '2027-11-25')).toBe('Founders day');
    expect(calendar.holidayOn('DE', '2026-11-25')).toBeUndefined();
    // Public holidays are off here: Thanksgiving does not close the day.
    expect(calendar.holidayOn('US', '2026-11-26')).toBeUndefined();
    expect(new HolidayCalendar().holidayOn('US', '2026-11-26')).toBe('Thanksgiving Day');
  });

  it('moves touches off the closed days, with the reason, in the forecast', async () => {
    const ws = await leadsWorkspace();
    cleanup = ws.cleanup;
    ws.edit('nurture.yaml', /^holidays: true.*$/m, EXTRA);
    const items = (
      JSON.parse((await ws.cli('calendar', '--lead', 'ana@brightstack.example', '--from', '2026-11-24T00:00:00Z', '--days', '1', '--json')).stdout) as {
        items: { at: string; reason: string }[];
      }
    ).items;
    expect(items).toEqual([]);
    const next = JSON.parse((await ws.cli('explain', 'ana@brightstack.example', '--at', '2026-11-24T12:00:00Z', '--json')).stdout) as {
      next: { at: string; reason: string };
    };
    // The 24th is the offsite, the 25th Founders day, the 26th Thanksgiving.
    expect(next.next.at).toBe('2026-11-27T09:00:00-05:00');
    expect(next.next.reason).toContain('Company offsite (US, 2026-11-24)');
  });

  it('rejects a closed day without a date or rrule, or with a bad one, naming line and field', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.edit(
      'nurture.yaml',
      /^holidays: true.*$/m,
      `holidays:
  extra:
    - { name: Offsite }
    - { name: Offsite, date: 2026-02-30 }
    - { name: Diwali, date: 2026-11-08, countries: [India] }
    - { name: Offsite, dates: 2026-11-24 }`,
    );
    const result = await ws.cli('lint');
    expect(result.status).toBe(1);
    expect(result.stderr.split('\n').filter((l) => l.includes('holidays'))).toEqual([
      'nurture.yaml:24: holidays.extra[0]: give either a date (YYYY-MM-DD) or an rrule (e.g. FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=2)',
      'nurture.yaml:25: holidays.extra[1].date: is not a calendar date',
      'nurture.yaml:26: holidays.extra[2].countries[0]: expected an ISO country code, e.g. US',
      'nurture.yaml:27: holidays.extra[3].dates: unknown key "dates" (did you mean "date"?) (allowed: name, date, rrule, countries)',
      'nurture.yaml:27: holidays.extra[3]: give either a date (YYYY-MM-DD) or an rrule (e.g. FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=2)',
    ]);
  });
});

describe('lint on holiday coverage', () => {
  let cleanup = () => {};
  afterEach(() => cleanup());

  it('names the countries of current leads whose holiday data is missing or thin, with lead counts', async () => {
    const ws = badInputWorkspace();
    cleanup = ws.cleanup;
    ws.write(
      'leads.csv',
      [
        'email,country,timezone,consent',
        'a@np.example,NP,Asia/Kathmandu,confirmed',
        'b@np.example,NP,Asia/Kathmandu,confirmed',
        'c@in.example,IN,Asia/Kolkata,confirmed',
        'd@de.example,DE,Europe/Berlin,confirmed',
      ].join('\n'),
    );
    expect((await ws.cli('leads', 'import', 'leads.csv')).status).toBe(0);
    const warnings = (await ws.cli('lint')).stdout.split('\n').filter((l) => l.includes('holidays:'));
    expect(warnings).toEqual([
      '  nurture.yaml: holidays: 2 lead(s) in NP, which has no holiday data: mail can go out on its holidays; add its closed days under holidays.extra (countries: [NP])',
      '  nurture.yaml: holidays: 1 lead(s) in IN, which has only 6 closed day(s) in 2026 (fewer than 7): add its closed days under holidays.extra (countries: [IN])',
    ]);
    // Closed days of our own count: Diwali makes India's seven, and Nepal has data of its own now.
    ws.edit(
      'nurture.yaml',
      /^holidays: true.*$/m,
      `holidays:
  extra:
    - { name: Diwali, date: 2026-11-08, countries: [IN] }
    - { name: Dashain, rrule: "FREQ=YEARLY;BYMONTH=10;BYMONTHDAY=19,20,21,22,23,24,25", countries: [NP] }`,
    );
    const json = JSON.parse((await ws.cli('lint', '--json')).stdout) as { warnings: { message: string }[] };
    expect(json.warnings.filter((w) => w.message.startsWith('holidays:'))).toEqual([]);
  });
});
