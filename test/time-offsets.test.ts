import { DateTime } from 'luxon';
import { describe, expect, it } from 'vitest';
import { formatWithOffset } from '../src/time/offsets.js';

describe('formatWithOffset (the cached quarter-hour offset)', () => {
  it.each([
    'America/New_York',
    'America/St_Johns',
    'Pacific/Chatham',
    'Australia/Lord_Howe',
    'Asia/Kathmandu',
    'Asia/Kolkata',
    'Europe/London',
    'UTC',
  ])('agrees with luxon every 7m13s through 2026 in %s', (zone) => {
    const mismatches: string[] = [];
    const end = Date.parse('2027-01-01T00:00:00Z');
    for (let t = Date.parse('2026-01-01T00:00:00Z'); t < end; t += 7 * 60_000 + 13_000) {
      // luxon writes UTC as Z; we always write the numeric offset.
      const expected = DateTime.fromMillis(t, { zone })
        .toISO({ suppressMilliseconds: true })
        ?.replace(/Z$/, '+00:00');
      const actual = formatWithOffset(t, zone);
      if (actual !== expected) mismatches.push(`${actual} != ${expected}`);
    }
    expect(mismatches.slice(0, 3)).toEqual([]);
  });

  it('names the offsets either side of the St Johns and Chatham changes', () => {
    expect(formatWithOffset(Date.parse('2026-03-08T05:29:00Z'), 'America/St_Johns')).toBe(
      '2026-03-08T01:59:00-03:30',
    );
    expect(formatWithOffset(Date.parse('2026-03-08T05:30:00Z'), 'America/St_Johns')).toBe(
      '2026-03-08T03:00:00-02:30',
    );
    expect(formatWithOffset(Date.parse('2026-09-26T14:00:00Z'), 'Pacific/Chatham')).toBe(
      '2026-09-27T03:45:00+13:45',
    );
  });
});
