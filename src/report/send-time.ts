import type { ReportReads } from './reads.js';
import { liftInterval, wilson } from './stats.js';
import type { Rate } from './types.js';

/** One arm of send-time optimisation in the report: messages, and per-message human open and click rates. */
export interface SendTimeArm {
  sent: number;
  humanOpenRate: Rate;
  humanClickRate: Rate;
}

export interface SendTimeLift {
  lift: number | null;
  low: number | null;
  high: number | null;
}

/** `nurture report`'s send-time section: optimised sends against the holdout's first open moments. */
export interface SendTimeSection {
  optimised: SendTimeArm;
  holdout: SendTimeArm;
  /** Difference in human open rate (optimised − holdout), with Newcombe's 95% interval. */
  openLift: SendTimeLift;
  clickLift: SendTimeLift;
}

/** The section from the database (undefined when no message of the period was placed with send-time on). */
export async function sendTimeSection(store: ReportReads, from: number, to: number): Promise<SendTimeSection | undefined> {
  const rows = await store.sendTimeArmCounts(from, to);
  if (rows.length === 0) return undefined;
  const arm = (name: 'optimised' | 'holdout'): SendTimeArm => {
    const r = rows.find((x) => x.arm === name) ?? { sent: 0, humanOpened: 0, humanClicked: 0 };
    return { sent: r.sent, humanOpenRate: wilson(r.humanOpened, r.sent), humanClickRate: wilson(r.humanClicked, r.sent) };
  };
  const optimised = arm('optimised');
  const holdout = arm('holdout');
  return {
    optimised,
    holdout,
    openLift: liftInterval(optimised.humanOpenRate, holdout.humanOpenRate),
    clickLift: liftInterval(optimised.humanClickRate, holdout.humanClickRate),
  };
}
