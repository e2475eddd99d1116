import { describe, expect, it } from 'vitest';
import { advanceLead } from '../../src/domain/lead-plan.js';
import { hourOfWeek } from '../../src/domain/send-time/hour-of-week.js';
import { emptyCounts, SendTimeModel } from '../../src/domain/send-time/model.js';
import { segmentKey, segmentsOf } from '../../src/domain/send-time/segments.js';
import type { SegmentGroupCounts, SendTimeSettings } from '../../src/domain/send-time/types.js';
import { liftInterval, wilson } from '../../src/report/stats.js';
import { localDayAndMinute } from '../../src/time/wall-clock.js';
import { segmentsSchema } from '../../src/workspace/conditions/schema.js';
import { sendTimeSettings } from '../../src/workspace/send-time-schema.js';
import { HOUR, leadState, planContext, policy, sequence, STEADY } from '../domain/fixtures.js';
import { mulberry32, openAt, START } from './simulation.js';

/**
 * A known truth, written here: people in Japan and India (segment `apac`, by country) read their
 * mail at 15:00 local, everyone else at 10:00 (80% of each at their group's hour, the rest at any
 * hour 9–16); a message is opened as simulation.ts's `openAt` says. Every lead is the only one of
 * its company, so no domain pools anybody: what a new lead can borrow is its segment's hours or
 * the workspace's. A second segment, `openers`, is behavioural (any open) and must be left out.
 *
 * 60 leads have a history from before send-time was on: 2 to 6 human opens each, on weekdays of
 * the four weeks before, at their reading hour (:20). Their counts are the workspace's and the
 * segment's, as readSendTimeCounts would read them. Then 42 new leads (a third apac), with no
 * history of their own and no domain history, get their first touch placed.
 */
const SEGMENTS = segmentsSchema.parse({
  apac: { where: [{ field: 'country', in: ['JP', 'IN'] }] },
  openers: { did: [{ event: 'email_opened' }] },
});
const PEOPLE = [
  { country: 'JP', timezone: 'Asia/Tokyo', hour: 15 },
  { country: 'US', timezone: 'America/New_York', hour: 10 },
  { country: 'DE', timezone: 'Europe/Berlin', hour: 10 },
  { country: 'IN', timezone: 'Asia/Kolkata', hour: 15 },
  { country: 'GB', timezone: 'Europe/London', hour: 10 },
  { country: 'US', timezone: 'America/Chicago', hour: 10 },
];
const LEARNERS = 60;
const NEW_LEADS = 42;
const SEEDS = 10;

interface NewLead {
  apac: boolean;
  localHour: number;
  detail: string;
  opened: boolean;
}

function settingsWith(segments: boolean): SendTimeSettings {
  // Exploration and holdout off: every new lead is placed at its best slot.
  return sendTimeSettings({ optimize: true, maxDelay: 'P1D', explore: 0, holdout: 0 }, segments ? SEGMENTS : {});
}

function simulate(seed: number, segments: boolean): NewLead[] {
  const random = mulberry32(seed);
  const settings = settingsWith(segments);
  const p = policy({ holidays: false, cadence: STEADY, sendTime: settings });
  const ctx = planContext(p, [sequence('nurture', ['P0D', 'P2D'])]);
  const { zoneDays } = ctx.windows;
  const lead = (i: number) => {
    const person = PEOPLE[i % PEOPLE.length]!;
    const readingHour = random() < 0.8 ? person.hour : 9 + Math.floor(random() * 8);
    const state = leadState({ id: i + 1, email: `lead${i}@c${i}.example`, country: person.country, timezone: person.timezone, jobTitle: 'Director' });
    return { state, readingHour, apac: person.hour === 15, monday: zoneDays.dayOf(person.timezone, START + 12 * HOUR) };
  };
  const workspace = emptyCounts();
  const groups = new Map<string, SegmentGroupCounts>();
  for (let i = 0; i < LEARNERS; i++) {
    const { state, readingHour, monday } = lead(i);
    const zone = state.profile.timezone;
    const opens = Array.from({ length: 2 + Math.floor(random() * 5) }, () => {
      const day = monday.dayNumber - 28 + 7 * Math.floor(random() * 4) + Math.floor(random() * 5);
      return zoneDays.wallTime(zone, day, readingHour * 60 + 20);
    });
    // As readSendTimeCounts counts them: by the lead's local hour of the week, in its group.
    const names = settings.segments ? segmentsOf(settings.segments, state.profile) : [];
    let group = names.length > 0 ? groups.get(segmentKey(names)) : undefined;
    if (names.length > 0 && !group) groups.set(segmentKey(names), (group = { segments: names, leads: 0, counts: emptyCounts() }));
    if (group) group.leads++;
    for (const at of opens) {
      const bin = hourOfWeek(zoneDays, zone, at);
      workspace.bins[bin]!++;
      workspace.total++;
      if (group) {
        group.counts.bins[bin]!++;
        group.counts.total++;
      }
    }
  }
  ctx.sendTime = new SendTimeModel(settings, { workspace, domains: new Map(), segmentGroups: [...groups.values()] });
  const out: NewLead[] = [];
  for (let i = LEARNERS; i < LEARNERS + NEW_LEADS; i++) {
    const { state, readingHour, apac, monday } = lead(i);
    const zone = state.profile.timezone;
    const { outcome } = advanceLead(ctx, state, monday.startMs);
    if (outcome.kind !== 'wait') throw new Error(`a new lead's first touch should wait for the window, got ${outcome.kind}`);
    const detail = outcome.reasons.find((r) => r.rule === 'send-time')?.detail ?? '';
    const localHour = Math.floor(localDayAndMinute(zone, outcome.at).minute / 60);
    out.push({ apac, localHour, detail, opened: openAt(zone, outcome.at, readingHour, random) !== undefined });
  }
  return out;
}

describe('send-time: the segment level against a known truth (apac reads at 15:00, the rest at 10:00)', () => {
  const seeds = Array.from({ length: SEEDS }, (_, s) => 500 + s);
  const withSegments = seeds.flatMap((seed) => simulate(seed, true));
  const without = seeds.flatMap((seed) => simulate(seed, false));

  it("places a new apac lead (no history, no domain) at its segment's hour, and says the segment decided", () => {
    const apac = withSegments.filter((l) => l.apac);
    expect(apac.length).toBe((SEEDS * NEW_LEADS) / 3);
    for (const lead of apac) {
      expect(lead.localHour).toBe(15);
      expect(lead.detail).toMatch(/^Mon 15:00–16:00: \d+ of \d+ human opens and clicks in segment apac$/);
    }
    // Everyone else has no segment: the workspace's hour, which the majority sets.
    for (const lead of withSegments.filter((l) => !l.apac)) {
      expect(lead.localHour).toBe(10);
      expect(lead.detail).toMatch(/^workspace prior: Mon 10:00–11:00: \d+ of \d+ human opens and clicks$/);
    }
  });

  it('without the segment level the same new apac leads get the workspace hour, and are opened less', () => {
    const apac = without.filter((l) => l.apac);
    for (const lead of apac) expect(lead.localHour).toBe(10);
    const rate = (leads: NewLead[]) => wilson(leads.filter((l) => l.opened).length, leads.length);
    const lift = liftInterval(rate(withSegments.filter((l) => l.apac)), rate(apac));
    // By the truth: 15:00 is read within the hour by 80% (0.6) where 10:00 sank in the inbox (0.3).
    expect(lift.low!).toBeGreaterThan(0.05);
  });
});
