import type { Connection } from '../db/connection.js';
import { EventStore } from '../db/events.js';
import { type LeadRow, LeadStore } from '../db/leads.js';
import { Outbox, type StoredEnrollment, type StoredSend } from '../db/outbox.js';
import { RunStore } from '../db/runs.js';
import type { SavedScore } from '../db/scores.js';
import type { LeadState, PlanContext } from '../domain/lead-plan.js';
import { HolidayCalendar } from '../time/holidays.js';
import { ZoneDays } from '../time/zone-days.js';
import type { Workspace } from '../workspace/load.js';

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

/** One planning context per run: the zone-day and holiday caches live as long as it does. */
export function planContext(workspace: Pick<Workspace, 'policy' | 'sequences' | 'scoring'>): PlanContext {
  return {
    policy: workspace.policy,
    sequences: workspace.sequences,
    scoring: workspace.scoring,
    windows: {
      window: workspace.policy.window,
      holidays: workspace.policy.holidays ? new HolidayCalendar() : null,
      zoneDays: new ZoneDays(),
    },
  };
}

export interface LoadedLead {
  state: LeadState;
  /** The scores and stage saved before this pass. */
  saved: SavedScore;
  enrollments: StoredEnrollment[];
  sends: StoredSend[];
}

/**
 * Streams every lead with its events, enrolments and sends, `batchSize` leads at a time (keyset
 * paging by id, from `afterId` on), so memory stays bounded whatever the size of the table.
 */
export function* leadBatches(
  stores: Stores,
  batchSize: number,
  onlyLeadId?: number,
  afterId = 0,
): Generator<LoadedLead[]> {
  let after = onlyLeadId === undefined ? afterId : onlyLeadId - 1;
  for (;;) {
    const leads = stores.leads.page(after, onlyLeadId === undefined ? batchSize : 1);
    if (leads.length === 0 || (onlyLeadId !== undefined && leads[0]!.id !== onlyLeadId)) return;
    yield loadLeads(stores, leads);
    if (onlyLeadId !== undefined) return;
    after = leads[leads.length - 1]!.id;
  }
}

/** These leads (ascending ids, as a batch gives them), loaded as `leadBatches` loads them. */
export function leadsByIds(stores: Stores, ids: readonly number[]): LoadedLead[] {
  return ids.length === 0 ? [] : loadLeads(stores, stores.leads.byIds(ids));
}

/** Events, enrolments and sends of leads in ascending id order, read by id range. */
function loadLeads(stores: Stores, leads: LeadRow[]): LoadedLead[] {
  const first = leads[0]!.id;
  const last = leads[leads.length - 1]!.id;
  const events = stores.events.forLeadRange(first, last);
  const enrollments = stores.outbox.enrollmentsForLeadRange(first, last);
  const sends = stores.outbox.sendsForLeadRange(first, last);
  return leads.map((lead) => {
    const leadEnrollments = enrollments.get(lead.id) ?? [];
    const leadSends = sends.get(lead.id) ?? [];
    return {
      saved: lead.saved,
      enrollments: leadEnrollments,
      sends: leadSends,
      state: {
        profile: lead,
        events: events.get(lead.id) ?? [],
        enrollments: leadEnrollments.map((e) => ({ ...e })),
        sends: leadSends.map((s) => ({
          sequenceId: s.sequenceId,
          stepId: s.stepId,
          status: s.status,
          at: s.at,
        })),
        suppressed: lead.suppressedReason !== null,
      },
    };
  });
}
