import { emailDomain, isPersonalEmail } from '../personal-email.js';
import type { LeadEvent, LeadProfile } from '../types.js';
import type { ZoneDays } from '../../time/zone-days.js';
import { hourOfWeek } from './hour-of-week.js';
import { segmentKey, segmentMask, segmentNames } from './segments.js';
import { countAt, shrink } from './shrink.js';
import {
  type EvidenceLevel,
  HOURS_OF_WEEK,
  type HourCounts,
  type Propensity,
  type SegmentPool,
  type SendTimeCounts,
  type SendTimeSettings,
} from './types.js';

/**
 * Pseudo-counts of the hierarchical shrinkage: how many opens and clicks the level above is
 * worth. A Dirichlet-multinomial (the 168-bin form of a Beta-binomial): a level's share for
 * hour h is (its count in h + s × the parent's share of h) / (its total + s), its counts first
 * half pooled across the weekdays (shrink.ts, with the worked example). The workspace
 * shrinks toward the flat week, a segment toward the workspace, a company domain toward the
 * lead's segment (or the workspace), a lead toward its domain (or its segment, or the workspace):
 * lead → domain → segment → workspace, the more specific first (a company's people share more
 * than a segment's).
 *
 * A lead with no opens of its own gets its domain's shares as they are; a domain with none, its
 * segment's or the workspace's.
 */
/** What the evidence of a choice names: the level, and its count at the chosen hour (`anyDay`: at that hour on any day). */
export interface Evidence {
  level: EvidenceLevel;
  count: number;
  anyDay: boolean;
  total: number;
}

export const PSEUDO_COUNTS = { workspace: 24, segment: 20, domain: 20, lead: 10 } as const;

const FLAT = 1 / HOURS_OF_WEEK;

export function emptyCounts(): HourCounts {
  return { bins: new Array<number>(HOURS_OF_WEEK).fill(0), total: 0 };
}

/**
 * The lead's own human opens and clicks by local hour of the week (the planner's events hold no
 * machine ones), up to `now`: an event dated later counts from the run that sees it, in the
 * forecast as in the runs.
 */
export function leadHourCounts(
  zoneDays: ZoneDays,
  zone: string,
  events: readonly LeadEvent[],
  now: number,
  /** Filled instead of a new one (the planner's scratch: a million leads, one array). */
  into?: HourCounts,
): HourCounts | undefined {
  let counts: HourCounts | undefined;
  for (const e of events) {
    if (e.at > now) break;
    if (e.type !== 'email_opened' && e.type !== 'email_clicked') continue;
    if (!counts && into) {
      into.bins.fill(0);
      into.total = 0;
    }
    counts ??= into ?? emptyCounts();
    counts.bins[hourOfWeek(zoneDays, zone, e.at)]!++;
    counts.total++;
  }
  return counts;
}

/**
 * The send-time model of one run: the settings, the workspace's, segments' and domains' counts
 * (read once per run), and their shrunk shares, computed once (the workspace) or once per
 * segment set and domain on first use — so a lead with no opens of its own costs a look-up or two.
 */
export class SendTimeModel {
  readonly workspace: Float64Array;
  /** By the lead's segment pool (none: the workspace), then domain. */
  private readonly domainShares = new Map<SegmentPool | undefined, Map<string, Float64Array>>();
  /** By segment mask (segments.ts); null: no pool (too few engaged leads). */
  private readonly pools = new Map<number, SegmentPool | null>();

  readonly counts: SendTimeCounts;

  constructor(
    readonly settings: SendTimeSettings,
    counts: SendTimeCounts,
  ) {
    // Personal addresses (gmail.com, …) are no company: their domain pools nobody.
    const domains = new Map([...counts.domains].filter(([d]) => !isPersonalEmail(`x@${d}`)));
    this.counts = { ...counts, domains };
    this.workspace = shrink(counts.workspace, FLAT, PSEUDO_COUNTS.workspace);
  }

  /** The company domain whose counts a lead shrinks toward (none for unseen domains; personal ones are never counted). */
  domainOf(email: string): string | undefined {
    if (this.counts.domains.size === 0) return undefined;
    // Addresses are stored lower-cased: lower-case (a new string per touch) only when that fails.
    const domain = email.slice(email.lastIndexOf('@') + 1);
    if (this.counts.domains.has(domain)) return domain;
    const lower = emailDomain(email);
    return lower !== domain && this.counts.domains.has(lower) ? lower : undefined;
  }

  /**
   * The pooled counts of the send-time segments the lead is in, or none (no such segment, or
   * fewer than two engaged leads in them: a pool of one would repeat that lead's own counts).
   * A lead in several segments pools them all (their union, no lead counted twice): segment
   * order in nurture.yaml means nothing elsewhere, so it should not pick a send time either.
   */
  segmentPoolOf(profile: LeadProfile | undefined): SegmentPool | undefined {
    const segments = this.settings.segments;
    const groups = this.counts.segmentGroups;
    if (!profile || !segments?.length || !groups?.length) return undefined;
    const mask = segmentMask(segments, profile);
    if (mask === 0) return undefined;
    let pool = this.pools.get(mask);
    if (pool === undefined) {
      const names = segmentNames(segments, mask);
      const key = segmentKey(names);
      const counts = emptyCounts();
      let leads = 0;
      for (const g of groups) {
        if (!g.segments.some((s) => names.includes(s))) continue;
        leads += g.leads;
        counts.total += g.counts.total;
        for (let h = 0; h < HOURS_OF_WEEK; h++) counts.bins[h]! += g.counts.bins[h] ?? 0;
      }
      pool = leads < 2 || counts.total === 0 ? null : { label: key, counts, share: shrink(counts, this.workspace, PSEUDO_COUNTS.segment) };
      this.pools.set(mask, pool);
    }
    return pool ?? undefined;
  }

  private domainShare(domain: string, pool: SegmentPool | undefined): Float64Array {
    let byDomain = this.domainShares.get(pool);
    if (!byDomain) this.domainShares.set(pool, (byDomain = new Map()));
    let share = byDomain.get(domain);
    if (!share) byDomain.set(domain, (share = shrink(this.counts.domains.get(domain)!, pool?.share ?? this.workspace, PSEUDO_COUNTS.domain)));
    return share;
  }

  /** Scratch for the planner (one lead at a time): the lead's counts and shares, valid until the next lead. */
  readonly scratch = { counts: emptyCounts(), theta: new Float64Array(HOURS_OF_WEEK) };

  /**
   * The lead's shares per hour of the week, and the counts of the deepest level that has any.
   * With `reuse`, a lead's own shares are written into the scratch array rather than a new one.
   * Without a profile there is no segment level.
   */
  propensity(email: string, own: HourCounts | undefined, reuse = false, profile?: LeadProfile): Propensity {
    const domain = this.domainOf(email);
    const pool = this.segmentPoolOf(profile);
    const parent = domain !== undefined ? this.domainShare(domain, pool) : (pool?.share ?? this.workspace);
    // One object per call, keys always present (a million placements: no spreads to collect).
    if (own && own.total > 0) {
      const theta = shrink(own, parent, PSEUDO_COUNTS.lead, reuse ? this.scratch.theta : undefined);
      return { theta, counts: own, level: 'lead', domain, segment: pool };
    }
    if (domain !== undefined) return { theta: parent, counts: this.counts.domains.get(domain)!, level: 'domain', domain, segment: pool };
    if (pool) return { theta: parent, counts: pool.counts, level: 'segment', domain, segment: pool };
    return { theta: parent, counts: this.counts.workspace, level: 'workspace', domain, segment: pool };
  }

  /**
   * The counts behind one hour at the deepest level that saw an open or click in it — on that
   * weekday, or at that hour on any day (weekday pooling, shrink.ts) — for the evidence.
   */
  evidenceFor(p: Propensity, bin: number): Evidence {
    const at = (level: EvidenceLevel, counts: HourCounts): Evidence | undefined => {
      const c = countAt(counts, bin);
      return c && { level, ...c, total: counts.total };
    };
    return (
      (p.level === 'lead' ? at('lead', p.counts) : undefined) ??
      (p.domain !== undefined ? at('domain', this.counts.domains.get(p.domain)!) : undefined) ??
      (p.segment ? at('segment', p.segment.counts) : undefined) ??
      at('workspace', this.counts.workspace) ?? { level: 'workspace', count: 0, anyDay: false, total: this.counts.workspace.total }
    );
  }
}
