import type { LeadFilter, ListedLead } from '../db/lead-list.js';
import type { LeadRow } from '../db/leads.js';
import type { HandoffRow, HistoryRow, RecordOptions, ScoreRow } from '../db/scores.js';
import type { PlanContext } from '../domain/lead-plan.js';
import type { EventType } from '../domain/types.js';
import type { ZoneSource } from '../io/types.js';
import type { LoadedLead } from '../run/loaded-leads.js';
import type { Workspace } from '../workspace/load.js';

export interface ConsentLogRow {
  consent: string;
  previous: string | null;
  at: number;
  source: string;
  evidence: string;
  refused: string | null;
}

/**
 * What the per-lead commands (`leads list|show|pause|resume`, `score`, `explain`, `handoff`,
 * `preview`) ask of a database, at command granularity: SQLite's synchronous stores wrapped
 * (lead-source-sqlite.ts), or PostgreSQL's queries (pg/lead-source.ts). The commands decide and
 * print in one place whichever database answers.
 */
export interface LeadSource {
  findByEmail(email: string): Promise<LeadRow | undefined>;
  /** One lead with its events, enrolments and sends, as a run loads it. */
  loaded(lead: LeadRow): Promise<LoadedLead>;
  /** Every lead so loaded, `batchSize` at a time in id order. */
  loadedBatches(batchSize: number): AsyncIterable<LoadedLead[]>;
  /** The matching leads of `leads list`, a page at a time in id order. */
  listPages(filter: LeadFilter, pageSize?: number): AsyncIterable<ListedLead[]>;
  suppression(leadId: number): Promise<{ reason: string; at: number | null } | undefined>;
  zoneSourceOf(leadId: number): Promise<ZoneSource | null>;
  consentLog(leadId: number): Promise<ConsentLogRow[]>;
  machineSignals(leadId: number): Promise<{ type: EventType; at: number; reason: string }[]>;
  /** Why the lead entered each sequence, by sequence id. */
  entryReasons(leadId: number): Promise<Map<string, string>>;
  scoreHistory(leadId: number): Promise<HistoryRow[]>;
  handoffOf(leadId: number): Promise<{ at: number; reason: string; score: number } | undefined>;
  /** Handoffs at or after `since`, oldest first. */
  handoffs(since: number): Promise<HandoffRow[]>;
  /** Saves scores (history, handoffs) in one transaction, as ScoreStore.record decides. */
  recordScores(rows: readonly ScoreRow[], now: number, options: RecordOptions): Promise<{ history: number; handoffs: number }>;
  /** Pauses a lead (a planner input: the lead wakes for the next run); a new pause replaces the old. */
  pause(leadId: number, since: number, until: number | null): Promise<void>;
  /** Lifts a pause; false when the lead was not paused. */
  resume(leadId: number, now: number): Promise<boolean>;
  /** The forecast's planning context at `now` (experiment allocations, send-time counts), as a run plans. */
  planContext(workspace: Workspace, now: number): Promise<PlanContext>;
}
