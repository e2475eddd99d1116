/**
 * The mixture sequential probability ratio test for the difference of two proportions, after
 * Johari, Pekelis & Walsh, "Always valid inference: continuous monitoring of A/B tests"
 * (Operations Research 70(3), 2022; arXiv 1512.04922), with the normal approximation they use
 * for binary metrics. With θ = p_b − p_a, its estimate θ̂ = p̂_b − p̂_a, the estimate's variance
 * V = p̂_a(1 − p̂_a)/n_a + p̂_b(1 − p̂_b)/n_b and a normal mixing distribution N(0, τ²) over θ:
 *
 *   Λ = sqrt(V / (V + τ²)) · exp(θ̂² τ² / (2 V (V + τ²)))
 *
 * Under H0 (θ = 0) Λ is a martingale, so by Ville's inequality P(Λ ever ≥ 1/α) ≤ α: the test may
 * be looked at after every send and stopped as soon as Λ ≥ 1/α, with the error rate held at α.
 * Worked example: 4000 sends per arm, 200 vs 260 clicks (5.0% vs 6.5%), τ² = 1e-3: θ̂ = 0.015,
 * V ≈ 2.71e-5, Λ ≈ 0.162 · exp(4.08) ≈ 9.6 < 20 — not yet decided at α = 0.05.
 */
export interface ProportionArm {
  exposures: number;
  conversions: number;
}

/** The rate with half a conversion added each side, so a 0% or 100% arm still has a variance. */
function smoothedRate(arm: ProportionArm): number {
  return (arm.conversions + 0.5) / (arm.exposures + 1);
}

export function estimateVariance(a: ProportionArm, b: ProportionArm): number {
  const pa = smoothedRate(a);
  const pb = smoothedRate(b);
  return (pa * (1 - pa)) / Math.max(a.exposures, 1) + (pb * (1 - pb)) / Math.max(b.exposures, 1);
}

/** The mixture likelihood ratio Λ of b against a (natural log, to keep large values finite). */
export function logMixtureRatio(a: ProportionArm, b: ProportionArm, mixingVariance: number): number {
  if (a.exposures === 0 || b.exposures === 0) return 0;
  const theta = b.conversions / b.exposures - a.conversions / a.exposures;
  const v = estimateVariance(a, b);
  const t2 = mixingVariance;
  return 0.5 * Math.log(v / (v + t2)) + (theta * theta * t2) / (2 * v * (v + t2));
}

/** The always-valid p-value at this look: min(1, 1/Λ). Callers keep the running minimum over looks. */
export function alwaysValidP(a: ProportionArm, b: ProportionArm, mixingVariance: number): number {
  return Math.min(1, Math.exp(-logMixtureRatio(a, b, mixingVariance)));
}

/**
 * The threshold on |θ̂|/√V that Λ ≥ 1/α needs at variance V: solving the formula above,
 * z² ≥ 2 (V + τ²)/τ² · (ln(1/α) + ½ ln((V + τ²)/V)). Used by the power forecast.
 */
export function criticalZ(v: number, mixingVariance: number, alpha: number): number {
  const t2 = mixingVariance;
  return Math.sqrt((2 * (v + t2) / t2) * (Math.log(1 / alpha) + 0.5 * Math.log((v + t2) / v)));
}
