import { emailDomain, isPersonalEmail } from '../personal-email.js';
import type { LeadEvent } from '../types.js';
import type { ZoneDays } from '../../time/zone-days.js';
import { hourOfWeek } from './hour-of-week.js';
import { HOURS_OF_WEEK, type HourCounts, type Propensity, type SendTimeCounts, type SendTimeSettings } from './types.js';

/**
 * Pseudo-counts of the hierarchical shrinkage: how many opens and clicks the level above is
 * worth. A Dirichlet-multinomial (the 168-bin form of a Beta-binomial): a level's share for
 * hour h is (its count in h + s × the parent's share of h) / (its total + s). The workspace
 * shrinks toward the flat week, a company domain toward the workspace, a lead toward its domain
 * (or the workspace when it has none).
 *
 * Worked example: a lead with 5 of its 7 human opens on Tue 08:00–09:00, whose domain puts 10%
 * of its opens there: (5 + 10 × 0.10) / (7 + 10) = 0.353 for that hour. A lead with none gets
 * its domain's 0.10 as it is; a domain with none, the workspace's share.
 */
export const PSEUDO_COUNTS = { workspace: 24, domain: 20, lead: 10 } as const;

const FLAT = 1 / HOURS_OF_WEEK;

/** (count + strength × prior share) / (total + strength), bin by bin. */
export function shrink(counts: HourCounts, prior: ArrayLike<number> | number, strength: number, out = new Float64Array(HOURS_OF_WEEK)): Float64Array {
  const denominator = counts.total + strength;
  for (let h = 0; h < HOURS_OF_WEEK; h++) {
    const p = typeof prior === 'number' ? prior : prior[h]!;
    out[h] = ((counts.bins[h] ?? 0) + strength * p) / denominator;
  }
  return out;
}

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
 * The send-time model of one run: the settings, the workspace's and domains' counts (read once
 * per run), and their shrunk shares, computed once (the workspace) or once per domain on first
 * use — so a lead with no opens of its own costs a map look-up.
 */
export class SendTimeModel {
  readonly workspace: Float64Array;
  private readonly domainShares = new Map<string, Float64Array>();

  readonly counts: SendTimeCounts;

  constructor(
    readonly settings: SendTimeSettings,
    counts: SendTimeCounts,
  ) {
    // Personal addresses (gmail.com, …) are no company: their domain pools nobody.
    const domains = new Map([...counts.domains].filter(([d]) => !isPersonalEmail(`x@${d}`)));
    this.counts = { workspace: counts.workspace, domains };
    this.workspace = shrink(counts.workspace, FLAT, PSEUDO_COUNTS.workspace);
  }

  /** The company domain whose counts a lead shrinks toward (none for unseen domains; personal ones are never counted). */
  domainOf(email: string): string | undefined {
    if (this.counts.domains.size === 0) return undefined;
    const domain = emailDomain(email);
    return this.counts.domains.has(domain) ? domain : undefined;
  }

  private domainShare(domain: string): Float64Array {
    let share = this.domainShares.get(domain);
    if (!share) this.domainShares.set(domain, (share = shrink(this.counts.domains.get(domain)!, this.workspace, PSEUDO_COUNTS.domain)));
    return share;
  }

  /** Scratch for the planner (one lead at a time): the lead's counts and shares, valid until the next lead. */
  readonly scratch = { counts: emptyCounts(), theta: new Float64Array(HOURS_OF_WEEK) };

  /**
   * The lead's shares per hour of the week, and the counts of the deepest level that has any.
   * With `reuse`, a lead's own shares are written into the scratch array rather than a new one.
   */
  propensity(email: string, own: HourCounts | undefined, reuse = false): Propensity {
    const domain = this.domainOf(email);
    const parent = domain === undefined ? this.workspace : this.domainShare(domain);
    if (own && own.total > 0) {
      const theta = shrink(own, parent, PSEUDO_COUNTS.lead, reuse ? this.scratch.theta : undefined);
      return { theta, counts: own, level: 'lead', ...(domain ? { domain } : {}) };
    }
    if (domain !== undefined) return { theta: parent, counts: this.counts.domains.get(domain)!, level: 'domain', domain };
    return { theta: parent, counts: this.counts.workspace, level: 'workspace' };
  }

  /** The counts behind one hour at the deepest level that saw an open or click in it (for the evidence). */
  evidenceFor(p: Propensity, bin: number): { level: 'lead' | 'domain' | 'workspace'; count: number; total: number } {
    if (p.level === 'lead' && (p.counts.bins[bin] ?? 0) > 0) return { level: 'lead', count: p.counts.bins[bin]!, total: p.counts.total };
    if (p.domain !== undefined) {
      const d = this.counts.domains.get(p.domain)!;
      if ((d.bins[bin] ?? 0) > 0) return { level: 'domain', count: d.bins[bin]!, total: d.total };
    }
    return { level: 'workspace', count: this.counts.workspace.bins[bin] ?? 0, total: this.counts.workspace.total };
  }
}
