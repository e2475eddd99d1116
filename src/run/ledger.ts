import type { Decision } from '../domain/lead-plan.js';
import type { DeliveryResult } from '../mail/transport.js';
import type { Renderer } from '../mail/render.js';
import type { Mailer } from '../mail/transport.js';
import type { Clock } from '../time/clock.js';
import type { Workspace } from '../workspace/load.js';
import type { LoadedLead } from './loaded-leads.js';
import { type TouchItem, touchItem } from './items.js';

/**
 * The delivery seam between the sending logic (deliver.ts: composing, slots, halting) and the
 * database that records it: SQLite through GroupedWrites (ledger-sqlite.ts), or any BatchStore,
 * PostgreSQL's included, through grouped claims and outcomes (ledger-store.ts).
 */
export interface DeliveryLedger {
  /** Claims a composed touch (consent and suppression re-checked); false: it must not be sent. */
  claim(p: PendingSend, ref: string): Promise<boolean>;
  /** A fault on our side: the claim is undone, no attempt counted. Queued before it returns. */
  release(sendId: number, at: number): Promise<void>;
  /**
   * SMTP answered (never a transport fault): the attempt and the outcome are written together,
   * queued before it returns. Resolves with the report text of a refusal, undefined when sent.
   */
  record(p: PendingSend, answer: Answer): Promise<string | undefined>;
  /** Why a claim was refused, for the report. */
  whyNotClaimed(sendId: number, zone: string): Promise<string>;
}

export interface Answer {
  /** Never a transport fault: deliver.ts releases those. */
  result: DeliveryResult;
  messageId: string;
  at: number;
}

export interface PendingSend {
  lead: LoadedLead;
  decision: Extract<Decision, { kind: 'send' }>;
  sendId: number;
}

/** What delivering needs of a run's dependencies (whichever database records it). */
export interface DeliveryDeps {
  workspace: Workspace;
  renderer: Renderer;
  mailer: Mailer;
  clock: Clock;
  secret: string;
  /** Aborted (SIGTERM): finish the message in flight, record it, and stop. */
  signal?: AbortSignal;
}

/** The parts of a run's report delivery adds to. */
export interface DeliveryReport {
  sent: TouchItem[];
  skipped: TouchItem[];
  failed: TouchItem[];
}

/** The consents a touch may be claimed under. */
export function allowedConsents(workspace: Workspace): string[] {
  return workspace.policy.consent === 'single' ? ['confirmed', 'pending'] : ['confirmed'];
}

/** The report's reason for a touch whose claim was refused, from its row as it is now. */
export function notClaimedReason(row: { status: string; plannedAt: number | null } | undefined, zone: string): string {
  if (row?.status === 'failed' && row.plannedAt !== null) {
    return `deferred: retrying a failed send after ${touchItem('', zone, '', '', '', row.plannedAt).at} (backoff)`;
  }
  if (row?.status === 'sending' || row?.status === 'sent') return 'already claimed by another run';
  return 'lead may no longer be mailed (suppressed, consent withdrawn or paused)';
}
