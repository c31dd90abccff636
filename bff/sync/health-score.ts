/**
 * The health score, 0–100, from checks a bookkeeper cares about.
 *
 * Each check i has a weight w_i, a count c_i of affected records and the population n_i it looked at.
 * Its penalty is w_i × min(1, (c_i / n_i) / 0.10): a problem touching 10% or more of what the check
 * looks at costs its whole weight; fewer cost proportionally. Checks that do not apply (no population, or
 * not for this country) are left out and the rest rescaled:
 *
 *   score = round(100 × (1 − Σ penalty_i / Σ w_i))
 *
 * A company with no records scores 100: nothing is wrong yet.
 */
export interface CheckResult {
  id: string;
  label: string;
  weight: number;
  count: number;
  population: number;
  examples: { id: string; name: string }[];
}

export const FULL_PENALTY_SHARE = 0.1;

export function scoreHealth(checks: CheckResult[]): number {
  const applicable = checks.filter((check) => check.population > 0);
  const totalWeight = applicable.reduce((sum, check) => sum + check.weight, 0);
  if (totalWeight === 0) return 100;
  const penalty = applicable.reduce(
    (sum, check) => sum + check.weight * Math.min(1, check.count / check.population / FULL_PENALTY_SHARE),
    0,
  );
  return Math.round(100 * (1 - penalty / totalWeight));
}
