import type { Connection } from '../db/connection.js';
import { LeadStore } from '../db/leads.js';
import type { LeadState, PlanContext } from '../domain/lead-plan.js';
import { reason, type Reason } from '../domain/placement.js';
import { scoreLead } from '../domain/scoring.js';
import type { Sequence } from '../domain/types.js';
import { leadStateBatches, planContext, type PlanRules } from './context.js';
import { type Forecast, forecastLead, inForecastOrder } from './forecast.js';
import { type TouchItem, touchItem, withVariantItem } from './items.js';
import { leadRef } from './lead-ref.js';

/** A run of lead ids, (afterId, lastId]: one thread's share of the base. */
export interface IdRun {
  afterId: number;
  lastId: number;
}

export interface ShareRequest {
  from: number;
  to: number;
  run: IdRun;
  sequenceId?: string;
  /** For the review pages: each lead's ref (an HMAC under this secret), stage at `from`, and step. */
  review?: { secret: string };
}

/** What a touch says besides its lead and instant; a forecast has a few thousand distinct ones. */
interface TouchKind {
  zone: string;
  sequence: string;
  step: string;
  force: string;
  reason: string;
  rules: { rule: Reason['rule']; detail: string }[];
  variant?: string;
}

/**
 * A share's forecast in columns, cheap to post between threads (typed arrays move, strings are
 * copied once): per touch its lead, kind and instant; per lead its address, and for the review
 * its ref and stage; and how many active enrolments wait at each step, in first-seen order.
 */
export interface PackedShare {
  leads: string[];
  refs: string[];
  stages: string[];
  waiting: [sequence: string, step: string, count: number][];
  kinds: TouchKind[];
  lead: Int32Array<ArrayBuffer>;
  kind: Int32Array<ArrayBuffer>;
  at: Float64Array<ArrayBuffer>;
}

/**
 * Forecasts one run of lead ids, exactly as `forecast` does lead by lead, and packs the result.
 * One thread plans many runs with one `ctx`, so its zone-day and holiday caches are built once.
 */
export function forecastShare(
  conn: Pick<Connection, 'sqlite'>,
  workspace: PlanRules,
  request: ShareRequest,
  ctx: PlanContext = planContext(workspace, conn.sqlite, request.from),
): PackedShare {
  const packer = new SharePacker(ctx, request);
  for (const batch of leadStateBatches(conn.sqlite, new LeadStore(conn.sqlite), 2000, request.run)) packer.add(batch);
  return packer.finish();
}

/**
 * Packs the forecast of leads handed over batch by batch, in id order: what `forecastShare` does
 * for SQLite's synchronous batches, and the PostgreSQL forecast for its asynchronous ones.
 */
export class SharePacker {
  private readonly packed: PackedShare = { leads: [], refs: [], stages: [], waiting: [], kinds: [], lead: new Int32Array(0), kind: new Int32Array(0), at: new Float64Array(0) };
  private readonly leads: number[] = [];
  private readonly kinds: number[] = [];
  private readonly epochs: number[] = [];
  private readonly leadEpochs: number[] = [];
  private readonly kindIndex = new Map<Reason[] | undefined, Map<string, number>>();
  private readonly waiting = new Map<string, [string, string, number]>();

  constructor(
    private readonly ctx: PlanContext,
    private readonly request: Omit<ShareRequest, 'run'>,
  ) {}

  /** Plans these leads (their states move: forecastLead mutates them). */
  add(batch: readonly LeadState[]): void {
    const { packed, request, ctx, leadEpochs } = this;
    for (const state of batch) {
      const index = packed.leads.push(state.profile.email) - 1;
      if (request.review) {
        packed.refs.push(leadRef(request.review.secret, state.profile.email));
        packed.stages.push(scoreLead(ctx.scoring, state.profile, state.events, request.from).stage);
        noteWaiting(this.waiting, ctx.sequences, state);
      }
      leadEpochs.length = 0;
      const items = forecastLead(ctx, state, request.from, request.to, leadEpochs);
      for (let i = 0; i < items.length; i++) {
        const item = items[i]!;
        if (request.sequenceId && item.sequence !== request.sequenceId) continue;
        this.leads.push(index);
        this.kinds.push(kindOf(packed.kinds, this.kindIndex, item));
        this.epochs.push(leadEpochs[i]!);
      }
    }
  }

  finish(): PackedShare {
    const { packed } = this;
    packed.waiting = [...this.waiting.values()];
    packed.lead = Int32Array.from(this.leads);
    packed.kind = Int32Array.from(this.kinds);
    packed.at = Float64Array.from(this.epochs);
    return packed;
  }
}

/** The index of the item's kind, added on first sight. Reason lists are shared, so they key by identity. */
function kindOf(kinds: TouchKind[], index: Map<Reason[] | undefined, Map<string, number>>, item: TouchItem): number {
  let byText = index.get(item.rules);
  if (!byText) index.set(item.rules, (byText = new Map()));
  const key = `${item.zone}\n${item.sequence}\n${item.step}\n${item.force}\n${item.reason ?? ''}\n${item.variant ?? ''}`;
  let k = byText.get(key);
  if (k === undefined) {
    k = kinds.length;
    const rules = (item.rules ?? []).map((r) => ({ rule: r.rule, detail: r.detail }));
    kinds.push({ zone: item.zone, sequence: item.sequence, step: item.step, force: item.force, reason: item.reason ?? '', rules, ...(item.variant ? { variant: item.variant } : {}) });
    byText.set(key, k);
  }
  return k;
}

/** The step an active enrolment waits for ('(done)' when all are sent), before the forecast moves the lead on. */
function noteWaiting(waiting: Map<string, [string, string, number]>, sequences: readonly Sequence[], state: LeadState): void {
  const active = state.enrollments.find((e) => e.status === 'active');
  const sequence = active && sequences.find((s) => s.id === active.sequenceId);
  if (!sequence) return;
  const done = new Set(
    state.sends.filter((s) => s.sequenceId === sequence.id && (s.status === 'sent' || s.status === 'sending')).map((s) => s.stepId),
  );
  const step = sequence.steps.find((s) => !done.has(s.id))?.id ?? '(done)';
  const key = `${sequence.id}\n${step}`;
  const entry = waiting.get(key);
  if (entry) entry[2]++;
  else waiting.set(key, [sequence.id, step, 1]);
}

/** The share's touches as the forecast gives them (in planning order), with each one's instant. */
export function unpackShare(packed: PackedShare): { items: TouchItem[]; epochs: Float64Array } {
  // Reasons interned again on this side, so every touch with the same list shares one array.
  const kinds = packed.kinds.map((k) => ({ ...k, rules: k.rules.map((r) => reason(r.rule, r.detail)) }));
  const items = new Array<TouchItem>(packed.at.length);
  for (let i = 0; i < items.length; i++) {
    const k = kinds[packed.kind[i]!]!;
    items[i] = withVariantItem(touchItem(packed.leads[packed.lead[i]!]!, k.zone, k.sequence, k.step, k.force, packed.at[i]!, k.reason, k.rules), k.variant === undefined ? undefined : { id: k.variant });
  }
  return { items, epochs: packed.at };
}

/**
 * The forecast of shares planned in id order (by threads, or from PostgreSQL's batches): the same
 * items in the same order as `forecast` (the sort is stable, so ties fall as in one pass).
 */
export function forecastOfShares(shares: readonly PackedShare[], window: { from: number; to: number }): Forecast {
  const items: TouchItem[] = [];
  const epochs: number[] = [];
  for (const share of shares) {
    const unpacked = unpackShare(share);
    for (let i = 0; i < unpacked.items.length; i++) {
      items.push(unpacked.items[i]!);
      epochs.push(unpacked.epochs[i]!);
    }
  }
  return { from: new Date(window.from).toISOString(), to: new Date(window.to).toISOString(), items: inForecastOrder(items, epochs) };
}

/**
 * Claims and plans chunks of the base until none is left: `owners[i]` is 0 while chunk i is
 * free, then the number of the thread that took it (one atomic step, so no chunk is planned
 * twice). Threads that start late simply take fewer chunks. Returns each chunk planned here.
 */
export function planChunks(
  conn: Pick<Connection, 'sqlite'>,
  workspace: PlanRules,
  request: Omit<ShareRequest, 'run'>,
  runs: readonly IdRun[],
  owners: Int32Array,
  me: number,
): [index: number, share: PackedShare][] {
  const ctx = planContext(workspace, conn.sqlite, request.from);
  const done: [number, PackedShare][] = [];
  for (let i = 0; i < runs.length; i++) {
    if (Atomics.compareExchange(owners, i, 0, me) !== 0) continue;
    done.push([i, forecastShare(conn, workspace, { ...request, run: runs[i]! }, ctx)]);
  }
  return done;
}
