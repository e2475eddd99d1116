import { expect, it } from 'vitest';
import { forecastLead } from '../../src/run/forecast.js';
import { leadFrom } from './arbitraries.js';
import { DAY, planContext, simulateHourly } from './fixtures.js';

const w = JSON.parse(`{"policy":{"defaultZone":"America/New_York","defaultCountry":"","consent":"confirmed","caps":[],"minGapMs":0,"window":{"days":[2,7],"fromMinute":360,"toMinute":480},"holidays":false,"runEveryMs":3600000,"salesCycles":[],"seasons":[],"cadence":{"hot":{"stages":["desire","action"],"withinMs":604800000,"urlContains":["/pricing"],"waitScale":0.5},"unopened":{"slowAfter":3,"waitScale":2,"sunsetAfter":6},"recycle":{"sequence":"recycle","coolDownMs":2592000000}}},"sequences":[{"id":"seq0","name":"seq0","description":"","audience":{"stages":["awareness","desire"]},"priority":7,"exitOn":[],"steps":[{"id":"s1","force":"push","template":"seq0-1","wait":"P0D"},{"id":"s2","force":"pull","template":"seq0-2","wait":"P0D"}]},{"id":"seq1","name":"seq1","description":"","audience":{"stages":["desire"]},"priority":0,"exitOn":[],"steps":[{"id":"s1","force":"push","template":"seq1-1","wait":"P0D"},{"id":"s2","force":"pull","template":"seq1-2","wait":"P0D"}]}],"spec":{"zone":"Pacific/Pago_Pago","country":"US","consent":"confirmed","stage":"awareness","suppressed":false,"history":[{"type":"email_opened","hoursBefore":578,"url":"https://x.test/careers"},{"type":"page_viewed","hoursBefore":751,"url":"https://x.test/careers"}]},"start":1767225600000,"events":[]}`);

/**
 * Found by the invariant-7 property (seed -1971792723): a lead whose negative engagement decays
 * to a qualifying score in the last hours of the horizon (2026-03-31T18:00Z, six hours before the
 * end) is enrolled and mailed by the hourly runs; the forecast used to stop sampling at the last
 * whole day and missed it.
 */
it('forecasts a stage change in the final partial day of the horizon (invariant 7 regression)', () => {
  const ctx = planContext(w.policy, w.sequences);
  const sends = simulateHourly(ctx, leadFrom(w.spec, w.start), [], w.start, w.start + 90 * DAY, () => {});
  const items = forecastLead(ctx, leadFrom(w.spec, w.start), w.start, w.start + 90 * DAY);
  expect(sends.map((s) => new Date(s.at).toISOString())).toEqual(['2026-03-31T18:00:00.000Z', '2026-03-31T18:00:00.000Z']);
  expect(items.map((i) => Date.parse(i.at))).toEqual(sends.map((s) => s.at));
});
