import type { Database } from 'better-sqlite3';
import { hourOfWeek } from '../domain/send-time/hour-of-week.js';
import { emptyCounts } from '../domain/send-time/model.js';
import { segmentMask, segmentNames } from '../domain/send-time/segments.js';
import type { HourCounts, SegmentGroupCounts, SendTimeCounts, SendTimeSegment } from '../domain/send-time/types.js';
import { emailDomain, isPersonalEmail } from '../domain/personal-email.js';
import type { ZoneDays } from '../time/zone-days.js';
import type { ConsentState, LeadProfile } from '../domain/types.js';
import { leadColumns } from './leads.js';

/** One domain's opens and clicks while reading: kept as a list of bins until a second lead shows up. */
interface DomainTally {
  firstLead: number;
  shared: boolean;
  bins: number[];
}

const HUMAN_OPENS_AND_CLICKS = `e.type IN ('email_opened', 'email_clicked') AND e.signal <> 'machine'`;

/**
 * The workspace's, company domains' and segments' human opens and clicks by the local hour of the
 * week of each lead (its zone, else the workspace's): one pass over the opens and clicks per run,
 * not per lead, and with send-time segments one more over the engaged leads' fields. Machine opens
 * and scanner clicks are left out, as they are from the planner's events. A domain counts only
 * once two of its leads have opened or clicked: a domain of one lead would only repeat that lead's
 * own counts (and a million one-lead domains would each hold 168 bins).
 */
export function readSendTimeCounts(
  sqlite: Database,
  zoneDays: ZoneDays,
  defaultZone: string,
  segments: readonly SendTimeSegment[] = [],
  /** Only events stored up to this id (the day's snapshot, run/plan-snapshot.ts); all without. */
  upToEventId = Number.MAX_SAFE_INTEGER,
): SendTimeCounts {
  const groupOf = segments.length > 0 ? segmentGroups(sqlite, segments, upToEventId) : undefined;
  const rows = sqlite.prepare(`${SEND_TIME_SIGNALS_SQL} AND e.id <= ?`).raw().iterate(upToEventId) as Iterable<SendTimeSignal>;
  return countSendTimes(rows, zoneDays, defaultZone, groupOf);
}

/** The human opens and clicks with their lead's email and zone, as both databases read them. */
export const SEND_TIME_SIGNALS_SQL = `SELECT e.lead_id, l.email, l.timezone, e.occurred_at FROM events e JOIN leads l ON l.id = e.lead_id
       WHERE ${HUMAN_OPENS_AND_CLICKS}`;

/** [lead id, email, zone, occurred at]. */
export type SendTimeSignal = [number, string, string, number];

/** Each engaged lead's send-time segment group, and the groups. */
export interface SegmentGroupIndex {
  groups: SegmentGroupCounts[];
  byLead: Map<number, SegmentGroupCounts>;
}

/**
 * readSendTimeCounts over rows already read (PostgreSQL reads them asynchronously); `groupOf`
 * gives each engaged lead's send-time segment group (read beside the rows).
 */
export function countSendTimes(rows: Iterable<SendTimeSignal>, zoneDays: ZoneDays, defaultZone: string, groupOf?: SegmentGroupIndex): SendTimeCounts {
  const workspace = emptyCounts();
  const tallies = new Map<string, DomainTally>();
  const personal = new Map<string, boolean>();
  for (const [leadId, email, timezone, at] of rows) {
    const bin = hourOfWeek(zoneDays, timezone || defaultZone, at);
    workspace.bins[bin]!++;
    workspace.total++;
    const group = groupOf?.byLead.get(leadId);
    if (group) {
      group.counts.bins[bin]!++;
      group.counts.total++;
    }
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
  return { workspace, domains, ...(groupOf ? { segmentGroups: groupOf.groups } : {}) };
}

/** The profile columns segment conditions read, in leadColumns' order. */
const PROFILE_COLUMNS = 'id, email, first_name, last_name, company, job_title, industry, country, timezone, consent, attributes';

/** A row of ENGAGED_PROFILES_SQL, decoded by leadColumns on either database. */
export type ProfileRow = Parameters<typeof leadColumns<ConsentState>>[0];

/**
 * The leads with a human open or click stored up to an event id (the query's one parameter,
 * written `?` here; PostgreSQL's reader numbers it), with the profile columns segments read.
 */
export const ENGAGED_PROFILES_SQL = `SELECT ${PROFILE_COLUMNS} FROM leads WHERE id IN (SELECT e.lead_id FROM events e WHERE ${HUMAN_OPENS_AND_CLICKS} AND e.id <= ?)`;

/**
 * Each engaged lead's group: the exact set of send-time segments it is in (leads in none are in
 * no group). Read in one statement over the leads with a human open or click, their fields
 * decoded as every lead read decodes them; segments read only fields, so no events are needed.
 * The same snapshot as the opens and clicks: a lead engaged only after it is in no group.
 */
function segmentGroups(sqlite: Database, segments: readonly SendTimeSegment[], upToEventId: number): SegmentGroupIndex {
  return segmentGroupsOf(sqlite.prepare(ENGAGED_PROFILES_SQL).raw().iterate(upToEventId) as Iterable<ProfileRow>, segments);
}

/** segmentGroups over rows already read (PostgreSQL reads them asynchronously). */
export function segmentGroupsOf(rows: Iterable<ProfileRow>, segments: readonly SendTimeSegment[]): SegmentGroupIndex {
  const byMask = new Map<number, SegmentGroupCounts>();
  const byLead = new Map<number, SegmentGroupCounts>();
  for (const row of rows) {
    const lead: LeadProfile = leadColumns(row);
    const mask = segmentMask(segments, lead);
    if (mask === 0) continue;
    let group = byMask.get(mask);
    if (!group) byMask.set(mask, (group = { segments: segmentNames(segments, mask), leads: 0, counts: emptyCounts() }));
    group.leads++;
    byLead.set(lead.id, group);
  }
  return { groups: [...byMask.values()], byLead };
}
