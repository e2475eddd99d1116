import type { EventInput } from '../db/events.js';
import type { LeadInput, UpsertResult } from '../db/leads.js';
import type { QuarantineInput, ResolvedEvent } from '../db/quarantine.js';
import type { ScoringModel } from '../domain/scoring.js';
import type { RescoreReport } from '../run/rescore.js';

/**
 * What an import writes, at batch granularity, so that reading, mapping and validating stay one
 * code path and only the writer differs: SQLite's stores (synchronous, wrapped) or PostgreSQL.
 */
export interface ImportStore {
  /**
   * Runs one batch's writes. On PostgreSQL: one transaction, retried whole when the server aborts
   * it (a deadlock with a tick), so `fn` must only return what it found, never report it itself.
   */
  batch<T>(fn: (tx: ImportWrites) => Promise<T>): Promise<T>;
  /** Rescores these leads (those the import touched), keeping history and handoffs. */
  rescore(model: ScoringModel, ids: Iterable<number>, now: number, cause: string): Promise<RescoreReport>;
}

/** The writes of one batch. */
export interface ImportWrites {
  /** Upserts by lower-cased email; consent changes logged; invariant 11 kept (see db/lead-upsert.ts). */
  upsertLeads(rows: { lead: LeadInput; evidence: string }[], now: number): Promise<UpsertResult>;
  /** Lower-cased email → lead id, for the addresses that have a lead. */
  idsByEmail(emails: string[]): Promise<Map<string, number>>;
  /**
   * idsByEmail for an events batch: an address without a lead stays without one until this batch
   * commits (PostgreSQL: a leads import adding it meanwhile waits, or has committed and is seen),
   * so its events are never quarantined behind the back of the import that would resolve them.
   */
  idsForEvents(emails: string[]): Promise<Map<string, number>>;
  /** Never mail this address again; the earliest reason wins; an unsubscribe also sets consent. */
  suppress(leadId: number, reason: string, at: number, evidence: string, now: number): Promise<void>;
  /** Inserts events; returns how many were new (same dedupe key: stored once). */
  insertEvents(rows: EventInput[], now: number): Promise<number>;
  /** Keeps events of unknown addresses; returns how many were new. */
  quarantine(rows: readonly QuarantineInput[], now: number): Promise<number>;
  /** Moves the quarantined events of these (now known) leads into `events`. */
  resolveQuarantine(leads: ReadonlyMap<string, number>, now: number): Promise<ResolvedEvent[]>;
}
