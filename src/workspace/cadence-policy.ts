import type { CadenceRules, CapRule, Policy, SalesCycleTier, SeasonRule } from '../domain/types.js';
import { parseDuration } from '../time/duration.js';
import { SeasonCalendar } from '../time/recurrence.js';
import type { ConfigFile } from './schema.js';

const ms = (iso: string) => parseDuration(iso)!.approxMs;
const caps = (list: { max: number; per: string }[]): CapRule[] =>
  list.map((c) => ({ max: c.max, per: c.per, perMs: ms(c.per) }));

/** The pacing half of the policy: sales-cycle tiers, seasons and adaptive cadence, normalised. */
export function cadencePolicy(config: ConfigFile): Pick<Policy, 'salesCycles' | 'seasons' | 'cadence'> {
  const salesCycles: SalesCycleTier[] = config.salesCycles.map((t) => ({
    upTo: t.upTo ?? null,
    upToMs: t.upTo === undefined ? Number.POSITIVE_INFINITY : ms(t.upTo),
    waitScale: t.waitScale,
    caps: caps(t.caps),
    minGapMs: ms(t.minGap),
  }));
  const seasons: SeasonRule[] = config.seasons.map((s) => ({
    id: s.id,
    pace: s.pace,
    pause: s.pause,
    days: new SeasonCalendar(s.rrule, parseDuration(s.duration)!),
  }));
  const c = config.cadence;
  const cadence: CadenceRules = {
    hot: {
      stages: c.hot.stages,
      withinMs: ms(c.hot.within),
      urlContains: c.hot.urlContains.map((u) => u.toLowerCase()),
      waitScale: c.hot.waitScale,
    },
    unopened: { ...c.unopened },
    recycle: { sequence: c.recycle.sequence, coolDownMs: ms(c.recycle.coolDown) },
  };
  return { salesCycles, seasons, cadence };
}
