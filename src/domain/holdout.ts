import { createHash } from 'node:crypto';
import type { LeadProfile, Policy, Sequence } from './types.js';

/**
 * Holdouts: a stable share of the leads a sequence would take is kept out of it (`holdout: 10%`
 * on the sequence), or out of all nurture (`holdout:` in nurture.yaml), so the report can compare
 * their goal rate with the treated leads'. The bucket is a keyed hash of the address and the
 * sequence: the same lead is in or out in every run, in the forecast, and after a restart
 * (invariant 14), and a lead held out of one sequence is not thereby held out of the others.
 */
export const HOLDOUT_PREFIX = 'holdout';
export const GLOBAL_HOLDOUT_PREFIX = 'holdout (global)';
const KEY = 'nurture-holdout-v1';

/** A number in [0, 1), uniform over addresses, fixed for one address and scope. */
export function holdoutBucket(email: string, scope: string): number {
  const digest = createHash('sha256').update(`${KEY}|${scope}|${email.trim().toLowerCase()}`).digest();
  return digest.readUInt32BE(0) / 0x1_0000_0000;
}

const percent = (share: number) => `${Math.round(share * 1000) / 10}%`;

/** The exit that keeps a just-enrolled lead out as a control, or undefined when it is treated. */
export function holdoutExit(
  ctx: { policy: Policy; sequences: readonly Sequence[] },
  profile: LeadProfile,
  sequenceId: string,
): { kind: 'exit'; sequenceId: string; reason: string } | undefined {
  const global = ctx.policy.holdout ?? 0;
  if (global > 0 && holdoutBucket(profile.email, '*') < global)
    return { kind: 'exit', sequenceId, reason: `${GLOBAL_HOLDOUT_PREFIX}: kept out of all nurture, in the ${percent(global)} control group` };
  const share = ctx.sequences.find((s) => s.id === sequenceId)?.holdout ?? 0;
  if (share > 0 && holdoutBucket(profile.email, sequenceId) < share)
    return { kind: 'exit', sequenceId, reason: `${HOLDOUT_PREFIX}: kept out of ${sequenceId}, in its ${percent(share)} control group` };
  return undefined;
}

/** A lead in the global holdout enters no sequence once it has been held out. */
export function inGlobalHoldout(state: { enrollments: readonly { exitReason?: string }[] }): boolean {
  return state.enrollments.some((e) => e.exitReason?.startsWith(GLOBAL_HOLDOUT_PREFIX) === true);
}

/**
 * A lead held out of a sequence waits where that sequence would have had it: no other sequence
 * takes it while its stage is still in that sequence's audience (else the control group would
 * get another sequence's mail instead, and the lift would measure the difference between two).
 */
export function heldOutWhere(
  state: { enrollments: readonly { sequenceId: string; exitReason?: string }[] },
  sequences: readonly Sequence[],
  stage: string,
): string | undefined {
  for (const e of state.enrollments) {
    if (!e.exitReason?.startsWith(HOLDOUT_PREFIX)) continue;
    const sequence = sequences.find((s) => s.id === e.sequenceId);
    if (sequence && (sequence.audience.stages as readonly string[]).includes(stage))
      return `${HOLDOUT_PREFIX}: in the control group of ${sequence.id} while at stage ${stage}`;
  }
  return undefined;
}
