import type { UncertainSend } from '../db/outbox.js';
import type { ScoreRow } from '../db/scores.js';
import type { EndWrite, EnrollWrite, PlanWrite } from '../run/batch-plan.js';
import type { LoadedLead } from '../run/loaded-leads.js';
import type { ScoredEvent } from '../domain/scoring-rules.js';

/**
 * The store at batch granularity: what a run (or a worker of several) asks of the database, one
 * batch of leads at a time, so the planner stays pure and each database does what it is good at.
 * Implemented over better-sqlite3 (sqlite.ts, wrapping src/db) and node-postgres (postgres.ts);
 * test/store/contract.ts holds both to the same cases.
 */
export interface BatchStore {
  readonly kind: 'sqlite' | 'postgres';
  /**
   * Elects the run of a tick: a conditional insert on `runs(tick_at)`, so of several workers
   * starting the same tick exactly one gets `elected: true`; all get the same run.
   */
  beginTick(tickAt: number, now: number): Promise<Tick>;
  /**
   * Cuts the leads into id ranges of `batchSize` for the tick's run (the elected worker does it;
   * doing it again changes nothing). Returns how many batches the run has. With `dueBy` (an
   * incremental tick), the ranges count only leads with `wake_at <= dueBy`, so a batch holds
   * `batchSize` due leads rather than a handful; they still cover every id (one range at least,
   * when there are leads), so each asleep lead is counted in one batch.
   */
  layOutBatches(runId: number, batchSize: number, dueBy?: number): Promise<number>;
  /**
   * Claims the run's next unplanned batch, in a transaction that lasts until `commit` or
   * `release` (on PostgreSQL `FOR UPDATE SKIP LOCKED`: other workers take the next one; a killed
   * worker's batch is free again when its connection drops). Undefined when none is left.
   */
  claimBatch(runId: number, workerId: number | null): Promise<ClaimedBatch | undefined>;
  /** Closes the run with its counts once no batch is pending; true for the one call that closed it. */
  finishTick(runId: number, now: number, counts: object): Promise<boolean>;
  /**
   * Claims due touches for sending (claim-before-send), re-checking at that moment that each lead
   * may still be mailed (consent in `allowedConsents`, not suppressed, not paused). Returns the
   * ids claimed; the others must not be sent.
   */
  claimSends(claims: readonly SendClaim[], allowedConsents: readonly string[], runId: number, now: number): Promise<number[]>;
  /** Records what SMTP said of claimed touches, all in one transaction. */
  recordOutcomes(outcomes: readonly SendOutcome[], now: number): Promise<void>;
  /** Touches claimed and never confirmed (a worker died between SMTP and the database). */
  uncertain(): Promise<UncertainSend[]>;
  close(): Promise<void>;
}

export interface Tick {
  runId: number;
  tickAt: number;
  /** This call's insert created the run: it lays out the batches. */
  elected: boolean;
}

/** Leads with afterId < id <= lastId; the last batch of a tick reaches past the last id. */
export interface LeadBatch {
  runId: number;
  batchNo: number;
  afterId: number;
  lastId: number;
}

export interface ClaimedBatch {
  readonly batch: LeadBatch;
  /**
   * The batch's leads (at most `limit`, in id order) with their events, enrolments and sends;
   * with `dueBy` (an incremental tick), every lead of the range with `wake_at <= dueBy`, whatever `limit`.
   */
  load(limit: number, dueBy?: number): Promise<LoadedLead[]>;
  /** Leads of the batch's range the last `load` with `dueBy` left asleep (`wake_at > dueBy`); 0 after a full load. */
  readonly asleep: number;
  /**
   * Writes the batch's plan and marks the batch planned, in the claim's transaction, and commits:
   * a batch is planned whole or not at all. Planned rows whose time and reason did not change are
   * not rewritten on PostgreSQL (`IS DISTINCT FROM`), so an unchanged rerun leaves no dead tuples.
   */
  commit(plan: PlanRows, now: number): Promise<WrittenBatch>;
  /** Gives the batch back unplanned. */
  release(): Promise<void>;
}

/** What a batch plan writes (run/batch-plan.ts's BatchPlan has these and more). */
export interface PlanRows {
  leads: number;
  enrolls: readonly EnrollWrite[];
  ends: readonly EndWrite[];
  plans: readonly PlanWrite[];
  /** Steps a condition (or a goto) passed over: recorded skipped with the reason, never sent. */
  stepSkips: readonly PlanWrite[];
  scores: readonly ScoreRow[];
  sends: readonly { write: PlanWrite }[];
  /** `[leadId, wakeAt, inputVersion]` triples (run/batch-plan.ts). */
  wakes?: readonly number[];
}

export interface WrittenBatch {
  /** Ids of the enrolments the plan created, by `${leadId}:${sequenceId}`. */
  enrollmentIds: Map<string, number>;
  /** The outbox row of each of `plan.sends`, in order. */
  sendIds: number[];
}

export interface SendClaim {
  sendId: number;
  leadId: number;
  /** The message ref (links, Message-ID) the row gets when claimed. */
  ref: string;
}

export type SendOutcome =
  | { sendId: number; kind: 'sent'; messageId: string; response: string; attempt?: OutcomeAttempt }
  /** Refused: `failed` is retried, not before `retryAt`; `skipped` is final. */
  | {
      sendId: number;
      kind: 'failed' | 'skipped';
      reason: string;
      response: string;
      retryAt: number;
      attempt?: OutcomeAttempt;
      /** A hard bounce: the lead is suppressed ('bounced') in the same transaction. */
      suppress?: { leadId: number; at: number; evidence: string };
    }
  /** A fault on our side: the claim is undone, no attempt counted. */
  | { sendId: number; kind: 'released' };

/** The delivery_attempts row written with an outcome (every SMTP answer, with the server's reply). */
export interface OutcomeAttempt {
  at: number;
  ok: boolean;
  permanent: boolean;
  response: string;
  runId: number;
}

/** A send's past attempts, for the backoff of a refused one (mail/retry.ts afterFailure). */
export interface FailureHistory {
  /** Attempts so far (the claim counted the current one). */
  attempts: number;
  /** The run moment of its first refused attempt, null before any. */
  firstFailedAt: number | null;
}

/**
 * What a tick (run/tick.ts) asks of a store beyond the batch interface: the further rounds of a
 * batch's due leads (written outside the batch's claim), what delivery reads back, and the
 * counts a run reports. Implemented on PostgreSQL (postgres.ts).
 */
export interface TickStore extends BatchStore {
  /**
   * claimSends and recordOutcomes of one turn of delivery in one statement (all or nothing): the
   * outcomes SMTP answered and the claims of the touches that take their slots.
   */
  claimAndRecord(
    claims: readonly SendClaim[],
    allowedConsents: readonly string[],
    runId: number,
    now: number,
    outcomes: readonly SendOutcome[],
    at: number,
  ): Promise<number[]>;
  /** A plan outside any batch claim, in its own transaction (rounds after a batch's first). */
  writePlan(plan: Omit<PlanRows, 'leads'>, now: number, runId: number): Promise<WrittenBatch>;
  /** Human events of these leads (ascending in time), to see a reply that came during a round. */
  eventsFor(leadIds: readonly number[]): Promise<Map<number, ScoredEvent[]>>;
  failureHistory(sendIds: readonly number[]): Promise<Map<number, FailureHistory>>;
  sendStatus(sendId: number): Promise<{ status: string; plannedAt: number | null } | undefined>;
  /** Touches due by `now` that wait, planned or backing off. */
  waitingCount(now: number): Promise<number>;
  leadCount(): Promise<number>;
  /**
   * Adds a worker's share of the run's counts to the run's (every worker reports what it did) and
   * closes the run once no batch is pending; true for the one call that closed it.
   */
  finishShare(runId: number, now: number, counts: Record<string, number>): Promise<boolean>;
}

/** Whom a tick plans, decided once by its elected worker and read by every worker of the tick. */
export interface TickReplan {
  mode: 'full' | 'incremental';
  why: string;
  /** The digest the tick plans with: the closer of a full tick keeps it as DIGEST_KEY. */
  digest: string;
}
