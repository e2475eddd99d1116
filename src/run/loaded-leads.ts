import type { LeadRow } from '../db/leads.js';
import type { StoredEnrollment, StoredSend } from '../db/outbox.js';
import type { SavedScore } from '../db/scores.js';
import type { ScoredEvent } from '../domain/scoring-rules.js';
import type { LeadState } from '../domain/lead-plan.js';

export interface LoadedLead {
  state: LeadState;
  /** The scores and stage saved before this pass. */
  saved: SavedScore;
  /** The lead's input version when it was read (db/leads.ts setWakes). */
  inputVersion: number;
  enrollments: StoredEnrollment[];
  sends: StoredSend[];
}

/**
 * Leads (ascending ids) joined with their events, enrolments and sends as read by lead: the one
 * shape both stores (SQLite and PostgreSQL) hand the planner, whichever database they read.
 */
export function assembleLoadedLeads(
  leads: readonly LeadRow[],
  events: ReadonlyMap<number, ScoredEvent[]>,
  enrollments: ReadonlyMap<number, StoredEnrollment[]>,
  sends: ReadonlyMap<number, StoredSend[]>,
): LoadedLead[] {
  return leads.map((lead) => {
    const leadEnrollments = enrollments.get(lead.id) ?? [];
    const leadSends = sends.get(lead.id) ?? [];
    return {
      saved: lead.saved,
      inputVersion: lead.inputVersion,
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
