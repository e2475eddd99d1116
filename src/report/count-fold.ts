import {
  ANY_CLICK,
  ANY_OPEN,
  BOUNCED,
  BOUNCED_SOFT,
  CLICKED_BY_PERSON,
  COMPLAINED,
  PERSON_OPEN,
  UNSUBSCRIBED,
} from './message-flags.js';
import type { GroupCounts, GroupedCounts } from './types.js';

/** One message: the key of its group and its flags (message-flags.ts). */
export type MessageFlags = readonly [key: string, flags: number];

/** Between the ids of a composite key (step, variant): U+001F, which no id holds. */
export const KEY_SEPARATOR = '\u001f';

/** Not an event: set on a message that did not bounce, so a lead's OR says it got one. */
const DELIVERED = 256;

const zero = (): GroupCounts => ({
  sent: 0, leads: 0, delivered: 0, deliveredLeads: 0, bouncedHard: 0, bouncedSoft: 0,
  opened: 0, humanOpened: 0, clicked: 0, humanClicked: 0, unsubscribed: 0, complained: 0,
});

function countMessage(c: GroupCounts, flags: number): void {
  c.sent++;
  if ((flags & BOUNCED) === 0) c.delivered++;
  else if (flags & BOUNCED_SOFT) c.bouncedSoft++;
  else c.bouncedHard++;
}

/** One lead of a group, from the OR of its messages' flags there: the unique-lead counts. */
function countLead(c: GroupCounts, flags: number): void {
  c.leads++;
  if (flags & DELIVERED) c.deliveredLeads++;
  if (flags & ANY_OPEN) c.opened++;
  if (flags & PERSON_OPEN) c.humanOpened++;
  if (flags & ANY_CLICK) c.clicked++;
  if (flags & CLICKED_BY_PERSON) c.humanClicked++;
  if (flags & UNSUBSCRIBED) c.unsubscribed++;
  if (flags & COMPLAINED) c.complained++;
}

/**
 * The report's counts in one pass over the cohort, a lead at a time: message counts are summed
 * as they come, and unique-lead counts from the OR of the lead's flags per group — so nothing is
 * sorted and only one lead's groups are held. The totals count each message and lead once, also
 * when a lead is in several groups (segments).
 *
 * Worked example: a lead with a machine open on step 1 (flags 1) and a person's click on step 2
 * (flags 8) of one sequence counts once in that sequence's `leads`, `opened`, `humanOpened`,
 * `clicked` and `humanClicked`; by step, it is opened (not human) in step 1 and all four in step 2.
 */
export class CountFold {
  private readonly groups = new Map<string, GroupCounts>();
  private readonly total = zero();
  /** The current lead's flags per group (its OR), emptied after each lead. */
  private readonly lead = new Map<string, number>();

  /** One lead's messages; `groups`, when given, are the groups of every message (a lead's segments). */
  addLead(messages: readonly MessageFlags[], groups?: readonly string[]): void {
    if (messages.length === 0) return;
    let all = 0;
    for (const [key, earned] of messages) {
      const flags = (earned & BOUNCED) === 0 ? earned | DELIVERED : earned;
      countMessage(this.total, flags);
      all |= flags;
      for (const g of groups ?? [key]) {
        countMessage(this.group(g), flags);
        this.lead.set(g, (this.lead.get(g) ?? 0) | flags);
      }
    }
    countLead(this.total, all);
    for (const [g, flags] of this.lead) countLead(this.group(g), flags);
    this.lead.clear();
  }

  /** The groups in key order (code units, as SQLite's BINARY collation orders ASCII keys), and the totals. */
  result(): { rows: [string, GroupCounts][]; totals: GroupCounts } {
    const rows = [...this.groups.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return { rows, totals: { ...this.total } };
  }

  /** result() with each group's key split into its parts (sequence, step, force or variant). */
  grouped(): { rows: GroupedCounts[]; totals: GroupCounts } {
    const { rows, totals } = this.result();
    return { rows: rows.map(([key, counts]) => ({ keys: keysOf(key), counts })), totals };
  }

  private group(key: string): GroupCounts {
    let c = this.groups.get(key);
    if (!c) this.groups.set(key, (c = zero()));
    return c;
  }
}

function keysOf(key: string): [string, string, string] {
  const [k1 = '', k2 = '', k3 = ''] = key.split(KEY_SEPARATOR);
  return [k1, k2, k3];
}
