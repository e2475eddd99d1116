import { describe, expect, it } from 'vitest';
import { addBusinessDays } from '../../src/domain/next-touch.js';
import { at, DAY, leadState, local, planContext, policy, STEADY, sequence, simulateHourly } from './fixtures.js';

/** Waits in business days: send days that are not public holidays of the lead's country, same wall time. */

const windows = planContext(policy(), []).windows;
const plus = (iso: string, days: number, zone: string, country: string) =>
  local(addBusinessDays(windows, { zone, country }, at(iso), days), zone);

describe('business-day waits', () => {
  it('skip the weekend', () => {
    expect(plus('2026-11-20T10:00:00-05:00', 2, 'America/New_York', 'US')).toBe('2026-11-24T10:00:00-05:00');
  });

  it('skip public holidays of the lead country only', () => {
    // Thanksgiving (Thursday 26 November) is closed in the US, open in Germany.
    expect(plus('2026-11-25T10:00:00-05:00', 1, 'America/New_York', 'US')).toBe('2026-11-27T10:00:00-05:00');
    expect(plus('2026-11-25T10:00:00+01:00', 1, 'Europe/Berlin', 'DE')).toBe('2026-11-26T10:00:00+01:00');
    // Christmas and Boxing Day in Germany: Thursday 24th + 1 business day = Monday 28th.
    expect(plus('2026-12-24T10:00:00+01:00', 1, 'Europe/Berlin', 'DE')).toBe('2026-12-28T10:00:00+01:00');
  });

  it('keep the wall time across DST changes and odd offsets', () => {
    expect(plus('2026-03-06T10:00:00-05:00', 2, 'America/New_York', 'US')).toBe('2026-03-10T10:00:00-04:00');
    expect(plus('2026-04-03T09:45:00+13:45', 1, 'Pacific/Chatham', 'NZ')).toBe('2026-04-07T09:45:00+12:45');
    expect(plus('2026-10-02T09:00:00+10:30', 1, 'Australia/Lord_Howe', 'AU')).toBe('2026-10-05T09:00:00+11:00');
  });

  it('cross the leap day and the year end', () => {
    expect(plus('2028-02-28T10:00:00+05:45', 1, 'Asia/Kathmandu', '')).toBe('2028-02-29T10:00:00+05:45');
    // Thursday 31 December 2026, New Year's Day a holiday: Monday 4 January.
    expect(plus('2026-12-31T10:00:00-03:30', 1, 'America/St_Johns', 'CA')).toBe('2027-01-04T10:00:00-03:30');
  });

  it('drive a sequence from its YAML form', () => {
    const ctx = planContext(policy({ cadence: STEADY }), [sequence('intro', ['P0D', '2 business days', '1 business day'])]);
    const start = at('2026-11-20T10:00:00-05:00');
    const sends = simulateHourly(ctx, leadState(), [], start, start + 10 * DAY);
    expect(sends.map((s) => local(s.at, 'America/New_York'))).toEqual([
      '2026-11-20T10:00:00-05:00',
      '2026-11-24T10:00:00-05:00',
      '2026-11-25T10:00:00-05:00',
    ]);
  });
});
