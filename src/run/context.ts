import type { Connection } from '../db/connection.js';
import { EventStore } from '../db/events.js';
import { type LeadRow, LeadStore } from '../db/leads.js';
import { Outbox } from '../db/outbox.js';
import { assembleLoadedLeads, type LoadedLead } from './loaded-leads.js';
import { PlanStateReader } from '../db/plan-state.js';
import { RunStore } from '../db/runs.js';
import type { Allocations } from '../domain/experiments/types.js';
import { readSendTimeCounts } from '../db/send-time-counts.js';
import { sendTimeMark } from './plan-snapshot.js';
import { SendTimeModel } from '../domain/send-time/model.js';
import type { SendTimeCounts } from '../domain/send-time/types.js';
import type { LeadState, PlanContext } from '../domain/lead-plan.js';
import { HolidayCalendar } from '../time/holidays.js';
import { ZoneDays } from '../time/zone-days.js';
import type { Workspace } from '../workspace/load.js';
import { orderSequences, policyFrom, scoringFrom } from '../workspace/policy.js';
import type { ConfigFile, SequenceFile } from '../workspace/schema.js';
import type { Database } from 'better-sqlite3';

export interface Stores {
  leads: LeadStore;
  events: EventStore;
  outbox: Outbox;
  runs: RunStore;
}

/** The stores over one connection (a read-only one will do for the planner thread, which only reads). */
export function storesFor(conn: Pick<Connection, 'sqlite'>): Stores {
  return {
    leads: new LeadStore(conn.sqlite),
    events: new EventStore(conn.sqlite),
    outbox: new Outbox(conn.sqlite),
    runs: new RunStore(conn.sqlite),
  };
}

/** What planning reads of a workspace. */
export type PlanRules = Pick<Workspace, 'policy' | 'sequences' | 'scoring' | 'allocations'>;

/**
 * The planning rules rebuilt from a workspace's validated data: what a worker thread is given,
 * so that it plans by the rules the run loaded (not by files that may have changed since) and
 * loads no templates.
 */
export function planRulesFrom(config: ConfigFile, sequences: SequenceFile[], allocations?: Allocations): PlanRules {
  return { policy: policyFrom(config), scoring: scoringFrom(config), sequences: orderSequences(sequences, config.segments), ...(allocations ? { allocations } : {}) };
}

/**
 * One planning context per run: the zone-day and holiday caches live as long as it does. With
 * `sendTime.optimize`, the database's opens and clicks are read once here for the send-time model,
 * as of the snapshot of `at`'s day (run/plan-snapshot.ts; without `at`: every stored event).
 */
export function planContext(
  workspace: PlanRules,
  sqlite?: Database,
  at?: number,
  /** Counts read beforehand (PostgreSQL, at a tick's start), binned with this context's zone days. */
  read?: (zoneDays: ZoneDays) => SendTimeCounts,
): PlanContext {
  const zoneDays = new ZoneDays();
  const { policy } = workspace;
  return {
    policy,
    sequences: workspace.sequences,
    scoring: workspace.scoring,
    ...(workspace.allocations ? { allocations: workspace.allocations } : {}),
    windows: {
      window: policy.window,
      holidays: policy.holidays ? new HolidayCalendar(policy.holidayRules) : null,
      zoneDays,
    },
    ...(policy.sendTime && sqlite ? { sendTime: new SendTimeModel(policy.sendTime, readSendTimeCounts(sqlite, zoneDays, policy.defaultZone, at === undefined ? undefined : sendTimeMark(sqlite, at, false))) } : {}),
    ...(policy.sendTime && !sqlite && read ? { sendTime: new SendTimeModel(policy.sendTime, read(zoneDays)) } : {}),
  };
}

export type { LoadedLead };

/**
 * Streams every lead with its events, enrolments and sends, `batchSize` leads at a time (keyset
 * paging by id), so memory stays bounded whatever the size of the table. With `dueBy`, only the
 * leads due for planning by then (an incremental run).
 */
export function* leadBatches(
  stores: Stores,
  batchSize: number,
  onlyLeadId?: number,
  firstBatchSize = batchSize,
  dueBy?: number,
): Generator<LoadedLead[]> {
  let after = onlyLeadId === undefined ? 0 : onlyLeadId - 1;
  for (let size = firstBatchSize; ; size = batchSize) {
    const leads = stores.leads.page(after, onlyLeadId === undefined ? size : 1, dueBy);
    if (leads.length === 0 || (onlyLeadId !== undefined && leads[0]!.id !== onlyLeadId)) return;
    yield loadLeads(stores, leads);
    if (onlyLeadId !== undefined) return;
    after = leads[leads.length - 1]!.id;
  }
}

/** A batch of leads by id: (afterId, lastId]. */
export interface LeadRange {
  afterId: number;
  lastId: number;
}

/** The leads (with `dueBy`: those due) cut into ranges of `batchSize`, in id order; the last range reaches past the last id. */
export function* leadRanges(stores: Stores, batchSize: number, dueBy?: number): Generator<LeadRange> {
  for (let afterId = 0; ; ) {
    const lastId = stores.leads.idAfter(afterId, batchSize, dueBy);
    if (lastId === undefined) {
      if (stores.leads.idAfter(afterId, 1, dueBy) !== undefined) yield { afterId, lastId: Number.MAX_SAFE_INTEGER };
      return;
    }
    yield { afterId, lastId };
    afterId = lastId;
  }
}

/** The leads of one range (at most `batchSize`; with `dueBy`, every due one), loaded as `leadBatches` loads them. */
export function leadsInRange(stores: Stores, range: LeadRange, batchSize: number, dueBy?: number): LoadedLead[] {
  const leads =
    dueBy === undefined
      ? stores.leads.page(range.afterId, batchSize).filter((lead) => lead.id <= range.lastId)
      : stores.leads.dueInRange(range.afterId, range.lastId, dueBy);
  return leads.length === 0 ? [] : loadLeads(stores, leads);
}

/** These leads (ascending ids, as a batch gives them), loaded as `leadBatches` loads them. */
export function leadsByIds(stores: Stores, ids: readonly number[]): LoadedLead[] {
  return ids.length === 0 ? [] : loadLeads(stores, stores.leads.byIds(ids));
}

/**
 * Events, enrolments and sends of leads in ascending id order: by id range when the ids are dense
 * (a full run's batch), else by the list of ids, so the few due leads of an incremental run,
 * scattered over the base, do not read the rows of every lead between them.
 */
function loadLeads(stores: Stores, leads: LeadRow[]): LoadedLead[] {
  const first = leads[0]!.id;
  const last = leads[leads.length - 1]!.id;
  if (last - first < DENSE * leads.length)
    return assembleLoadedLeads(
      leads,
      stores.events.forLeadRange(first, last),
      stores.outbox.enrollmentsForLeadRange(first, last),
      stores.outbox.sendsForLeadRange(first, last),
    );
  const ids = leads.map((l) => l.id);
  const { enrollments, sends } = stores.outbox.forLeadIds(ids);
  return assembleLoadedLeads(leads, stores.events.forLeadIds(ids), enrollments, sends);
}

/** A batch whose id range holds at most this many ids per lead is read by range. */
const DENSE = 4;

/**
 * `leadBatches` for what only plans (the forecast, the review pages): each lead's planner state,
 * read with the columns the planner uses. `afterId`/`lastId` bound the ids (a share of the base).
 */
export function* leadStateBatches(
  sqlite: Database,
  leads: LeadStore,
  batchSize: number,
  range: { afterId: number; lastId: number } = { afterId: 0, lastId: Number.MAX_SAFE_INTEGER },
): Generator<LeadState[]> {
  const events = new EventStore(sqlite);
  const reader = new PlanStateReader(sqlite);
  let after = range.afterId;
  for (;;) {
    const page = leads.page(after, batchSize).filter((lead) => lead.id <= range.lastId);
    if (page.length === 0) return;
    const first = page[0]!.id;
    const last = page[page.length - 1]!.id;
    const eventsOf = events.forLeadRange(first, last);
    const enrollments = reader.enrollmentsForLeadRange(first, last);
    const sends = reader.sendsForLeadRange(first, last);
    yield page.map((lead) => ({
      profile: lead,
      events: eventsOf.get(lead.id) ?? [],
      enrollments: enrollments.get(lead.id) ?? [],
      sends: sends.get(lead.id) ?? [],
      suppressed: lead.suppressedReason !== null,
    }));
    if (last >= range.lastId) return;
    after = last;
  }
}
