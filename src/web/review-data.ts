import { availableParallelism } from 'node:os';
import type { App, PgApp } from '../app.js';
import type { Stage } from '../domain/types.js';
import { localDay } from '../run/aggregate.js';
import { unpackShare } from '../run/forecast-share.js';
import { CHUNK_LEADS } from '../run/forecast-threads.js';
import type { ForecastReader } from '../run/forecast-reader.js';
import type { TouchItem } from '../run/items.js';
import { DAY_MS, MINUTE_MS } from '../time/clock.js';

/** Everything the review pages read: one forecast of the whole base, plus what each lead is. */
export interface ReviewData {
  from: number;
  to: number;
  builtAt: number;
  /** Sorted by time. */
  items: TouchItem[];
  /** Each lead's stage at `from`, by address. */
  stages: Map<string, Stage>;
  /** Opaque lead ref → address (and back), for URLs that never show the address. */
  emailByRef: Map<string, string>;
  refByEmail: Map<string, string>;
  /** Active enrolments per sequence, by the next step they wait for ('(done)' when all sent). */
  waitingAt: Map<string, Map<string, number>>;
  /** The touches of each lead-local day, in time order, oldest day first. */
  byDay: Map<string, TouchItem[]>;
  /** Touches per `day|sequence|force|stage`: what the calendar widget reads, whatever the base's size. */
  counts: Map<string, number>;
}

export const DEFAULT_DAYS = 90;
const FRESH_MS = 5 * MINUTE_MS;

/**
 * The forecast of every lead over [from, to): the engine's own `forecastLead`, planned in worker
 * threads (forecast-share.ts notes each lead's ref, stage and enrolment position on the way), so
 * the server keeps answering the link endpoints and the webhook while a cold calendar is built.
 * Here only the packed result is put together, yielding to the event loop between steps.
 */
export async function buildReviewData(app: App | PgApp, reader: ForecastReader, from: number, days: number): Promise<ReviewData> {
  const to = from + days * DAY_MS;
  const builtAt = app.clock.now();
  // On SQLite, workers only: this thread keeps serving. One per core, but never more than there are chunks.
  const workers = Math.max(1, Math.min(availableParallelism(), Math.ceil((await reader.leadCount()) / CHUNK_LEADS)));
  const shares = await reader.shares(app.workspace, { from, to, review: { secret: app.secret } }, { workers, here: false });
  const data: ReviewData = {
    from,
    to,
    builtAt,
    items: [],
    stages: new Map(),
    emailByRef: new Map(),
    refByEmail: new Map(),
    waitingAt: new Map(),
    byDay: new Map(),
    counts: new Map(),
  };
  const items: TouchItem[] = [];
  const epochs: number[] = [];
  for (const share of shares) {
    share.leads.forEach((email, i) => {
      data.emailByRef.set(share.refs[i]!, email);
      data.refByEmail.set(email, share.refs[i]!);
      data.stages.set(email, share.stages[i] as Stage);
    });
    for (const [sequence, step, count] of share.waiting) {
      let counts = data.waitingAt.get(sequence);
      if (!counts) data.waitingAt.set(sequence, (counts = new Map()));
      counts.set(step, (counts.get(step) ?? 0) + count);
    }
    const unpacked = unpackShare(share);
    for (let i = 0; i < unpacked.items.length; i++) {
      items.push(unpacked.items[i]!);
      epochs.push(unpacked.epochs[i]!);
    }
    await nextTurn();
  }
  data.items = sortByInstant(items, epochs);
  await nextTurn();
  index(data);
  return data;
}

/** Lets the event loop answer what came in meanwhile (an unsubscribe must not wait for a calendar). */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

function index(data: ReviewData): void {
  const days = [...new Set(data.items.map(localDay))].sort();
  for (const day of days) data.byDay.set(day, []);
  for (const item of data.items) {
    const day = localDay(item);
    data.byDay.get(day)!.push(item);
    const key = `${day}|${item.sequence}|${item.force}|${data.stages.get(item.lead) ?? ''}`;
    data.counts.set(key, (data.counts.get(key) ?? 0) + 1);
  }
}

/** By instant (`epochs[i]` is item i's), then lead; ties keep planning order. */
export function sortByInstant(items: readonly TouchItem[], epochs: readonly number[]): TouchItem[] {
  const order = items.map((_, i) => i);
  order.sort((a, b) => {
    const la = items[a]!.lead;
    const lb = items[b]!.lead;
    return epochs[a]! - epochs[b]! || (la < lb ? -1 : la > lb ? 1 : 0);
  });
  return order.map((i) => items[i]!);
}

/**
 * One forecast per horizon, reused for a few minutes: every page and every calendar fetch of a
 * session reads the same snapshot instead of re-planning 100,000 leads per request. Requests
 * that arrive while it is being built wait for that same build.
 */
export class ReviewCache {
  private readonly entries = new Map<number, ReviewData>();
  private readonly building = new Map<number, Promise<ReviewData>>();

  constructor(
    private readonly app: App | PgApp,
    private readonly reader: ForecastReader,
  ) {}

  get(days = DEFAULT_DAYS): Promise<ReviewData> {
    const now = this.app.clock.now();
    const hit = this.entries.get(days);
    if (hit && now - hit.builtAt < FRESH_MS && now >= hit.builtAt) return Promise.resolve(hit);
    let build = this.building.get(days);
    if (!build) {
      build = buildReviewData(this.app, this.reader, now, days).then(
        (data) => {
          this.entries.set(days, data);
          return data;
        },
      ).finally(() => this.building.delete(days));
      this.building.set(days, build);
    }
    return build;
  }
}
