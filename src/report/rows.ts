import { liftInterval, quantile, wilson } from './stats.js';
import type { Credit, GroupCounts, HoldoutCounts, ReportRow } from './types.js';

const HOUR = 3_600_000;
const round = (x: number | null, digits = 1) => (x === null ? null : Math.round(x * 10 ** digits) / 10 ** digits);

export const EMPTY_COUNTS: GroupCounts = {
  sent: 0, leads: 0, delivered: 0, deliveredLeads: 0, bouncedHard: 0, bouncedSoft: 0,
  opened: 0, humanOpened: 0, clicked: 0, humanClicked: 0, unsubscribed: 0, complained: 0,
};

/** Monday 00:00 UTC of an instant's week, as the SQL groups it. */
export function weekOf(ms: number): string {
  const day = Math.floor(ms / 86_400_000);
  const monday = day - ((day + 3) % 7); // 1970-01-01 was a Thursday
  return new Date(monday * 86_400_000).toISOString().slice(0, 10);
}

/**
 * One report row from its counts, the conversions credited to it and, for a sequence, its
 * holdout. Every rate carries its Wilson interval and its denominator: opens, clicks,
 * unsubscribes and complaints are over the unique leads a message reached; click-to-open is
 * human clicks over human opens; conversion is converted leads over leads sent to.
 */
export function reportRow(
  keys: Pick<ReportRow, 'sequence' | 'step' | 'force' | 'week'>,
  c: GroupCounts,
  extra: { enrolled: number | null; sunset: number | null; credits: readonly Credit[]; goalIds: readonly string[]; holdout?: HoldoutCounts },
): ReportRow {
  const converted = new Set(extra.credits.map((x) => x.leadId)).size;
  const goals = Object.fromEntries(extra.goalIds.map((g) => [g, 0]));
  let conversions = 0;
  for (const credit of extra.credits) {
    goals[credit.goal] = (goals[credit.goal] ?? 0) + credit.weight;
    conversions += credit.weight;
  }
  // Time to conversion once per conversion (a linear credit splits the conversion, not its time).
  const times = new Map<string, number>();
  for (const credit of extra.credits) times.set(`${credit.goal}:${credit.eventId}`, credit.timeToConversionMs);
  const hours = [...times.values()].map((t) => t / HOUR);
  const bounced = c.bouncedHard + c.bouncedSoft;
  const row: ReportRow = {
    ...keys,
    enrolled: extra.enrolled,
    sent: c.sent,
    leads: c.leads,
    delivered: c.delivered,
    bounced,
    bouncedHard: c.bouncedHard,
    bouncedSoft: c.bouncedSoft,
    opened: c.opened,
    humanOpened: c.humanOpened,
    machineOnlyOpened: c.opened - c.humanOpened,
    clicked: c.clicked,
    humanClicked: c.humanClicked,
    unsubscribed: c.unsubscribed,
    complained: c.complained,
    sunset: extra.sunset,
    converted,
    conversions: round(conversions, 2)!,
    goals: Object.fromEntries(Object.entries(goals).map(([k, v]) => [k, round(v, 2)!])),
    medianTimeToConversionHours: round(quantile(hours, 0.5)),
    p90TimeToConversionHours: round(quantile(hours, 0.9)),
    rates: {
      delivery: wilson(c.delivered, c.sent),
      bounce: wilson(bounced, c.sent),
      open: wilson(c.opened, c.deliveredLeads),
      humanOpen: wilson(c.humanOpened, c.deliveredLeads),
      click: wilson(c.clicked, c.deliveredLeads),
      humanClick: wilson(c.humanClicked, c.deliveredLeads),
      clickToOpen: wilson(c.humanClicked, c.humanOpened),
      unsubscribe: wilson(c.unsubscribed, c.deliveredLeads),
      complaint: wilson(c.complained, c.deliveredLeads),
      conversion: wilson(converted, c.leads),
    },
  };
  if (extra.holdout) {
    const treatedRate = wilson(extra.holdout.treatedConverted, extra.holdout.treated);
    const holdoutRate = wilson(extra.holdout.heldOutConverted, extra.holdout.heldOut);
    row.holdout = { treated: extra.holdout.treated, heldOut: extra.holdout.heldOut, treatedRate, holdoutRate, ...liftInterval(treatedRate, holdoutRate) };
  }
  return row;
}
