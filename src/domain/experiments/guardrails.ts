import { logMixtureRatio } from './msprt.js';
import type { ArmStats, ExperimentConfig, Guardrail } from './types.js';

const countOf = (arm: ArmStats, g: Guardrail) => (g === 'unsubscribe' ? arm.unsubscribes : arm.complaints);

/**
 * The variants a guardrail stops: one whose unsubscribe (or complaint) rate is higher than the
 * other arms' together, by the same always-valid test at the experiment's alpha — so peeking at
 * every run does not stop a harmless variant more often than alpha. A stopped variant gets no
 * new leads; the leads it already had keep their mail (it is sent).
 */
export function guardrailStops(config: ExperimentConfig, arms: readonly ArmStats[]): { id: string; why: string }[] {
  const stops: { id: string; why: string }[] = [];
  const threshold = Math.log(1 / config.alpha);
  for (const arm of arms) {
    if (arm.exposures < config.minExposure) continue;
    for (const g of config.guardrails) {
      const others = arms.filter((o) => o !== arm);
      const rest = {
        exposures: others.reduce((s, o) => s + o.exposures, 0),
        conversions: others.reduce((s, o) => s + countOf(o, g), 0),
      };
      const mine = { exposures: arm.exposures, conversions: countOf(arm, g) };
      if (rest.exposures === 0 || mine.conversions / mine.exposures <= rest.conversions / rest.exposures) continue;
      const log = logMixtureRatio(rest, mine, config.mixingVariance);
      if (log >= threshold) {
        const rate = (n: number, d: number) => `${((100 * n) / d).toFixed(2)}%`;
        stops.push({
          id: arm.id,
          why: `${g} rate ${rate(mine.conversions, mine.exposures)} against ${rate(rest.conversions, rest.exposures)} for the other variants (always-valid p ${Math.exp(-log).toPrecision(2)} < ${config.alpha})`,
        });
        break;
      }
    }
  }
  return stops;
}
