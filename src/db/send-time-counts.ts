import type { Database } from 'better-sqlite3';
import { hourOfWeek } from '../domain/send-time/hour-of-week.js';
import { emptyCounts } from '../domain/send-time/model.js';
import type { HourCounts, SendTimeCounts } from '../domain/send-time/types.js';
import { emailDomain, isPersonalEmail } from '../domain/personal-email.js';
import type { ZoneDays } from '../time/zone-days.js';

/** One domain's opens and clicks while reading: kept as a list of bins until a second lead shows up. */
interface DomainTally {
  firstLead: number;
  shared: boolean;
  bins: number[];
}

/**
 * The workspace's and company domains' human opens and clicks by the local hour of the week of
 * each lead (its zone, else the workspace's): one pass over the opens and clicks per run, not per
 * lead. Machine opens and scanner clicks are left out, as they are from the planner's events.
 * A domain counts only once two of its leads have opened or clicked: a domain of one lead would
 * only repeat that lead's own counts (and a million one-lead domains would each hold 168 bins).
 */
export function readSendTimeCounts(
  sqlite: Database,
  zoneDays: ZoneDays,
  defaultZone: string,
  /** Only events stored up to this id (the day's snapshot, run/plan-snapshot.ts); all without. */
  upToEventId = Number.MAX_SAFE_INTEGER,
): SendTimeCounts {
  const rows = sqlite.prepare(`${SEND_TIME_SIGNALS_SQL} AND e.id <= ?`).raw().iterate(upToEventId) as Iterable<SendTimeSignal>;
  return countSendTimes(rows, zoneDays, defaultZone);
}

/** The human opens and clicks with their lead's email and zone, as both databases read them. */
export const SEND_TIME_SIGNALS_SQL = `SELECT e.lead_id, l.email, l.timezone, e.occurred_at FROM events e JOIN leads l ON l.id = e.lead_id
       WHERE e.type IN ('email_opened', 'email_clicked') AND e.signal <> 'machine'`;

/** [lead id, email, zone, occurred at]. */
export type SendTimeSignal = [number, string, string, number];

/** readSendTimeCounts over rows already read (PostgreSQL reads them asynchronously). */
export function countSendTimes(rows: Iterable<SendTimeSignal>, zoneDays: ZoneDays, defaultZone: string): SendTimeCounts {
  const workspace = emptyCounts();
  const tallies = new Map<string, DomainTally>();
  const personal = new Map<string, boolean>();
  for (const [leadId, email, timezone, at] of rows) {
    const bin = hourOfWeek(zoneDays, timezone || defaultZone, at);
    workspace.bins[bin]!++;
    workspace.total++;
    const domain = emailDomain(email);
    let isPersonal = personal.get(domain);
    if (isPersonal === undefined) personal.set(domain, (isPersonal = isPersonalEmail(email)));
    if (isPersonal) continue;
    const tally = tallies.get(domain);
    if (!tally) tallies.set(domain, { firstLead: leadId, shared: false, bins: [bin] });
    else {
      tally.bins.push(bin);
      if (tally.firstLead !== leadId) tally.shared = true;
    }
  }
  const domains = new Map<string, HourCounts>();
  for (const [domain, tally] of tallies) {
    if (!tally.shared) continue;
    const counts = emptyCounts();
    for (const bin of tally.bins) counts.bins[bin]!++;
    counts.total = tally.bins.length;
    domains.set(domain, counts);
  }
  return { workspace, domains };
}
