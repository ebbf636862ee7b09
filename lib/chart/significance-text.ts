// Plain words for a significance test: p-values that stay readable below 1e-308 and the verdict a reader wants.

/** The threshold below which the page says a difference is real. */
export const SIGNIFICANCE_LEVEL = 0.05;

const SUPERSCRIPT: Record<string, string> = {
  "-": "⁻",
  "0": "⁰",
  "1": "¹",
  "2": "²",
  "3": "³",
  "4": "⁴",
  "5": "⁵",
  "6": "⁶",
  "7": "⁷",
  "8": "⁸",
  "9": "⁹",
};

/**
 * A p-value from its natural logarithm: two decimals from 0.01, three from 0.001, then "2.1 × 10⁻⁵" (from the
 * logarithm, so a p-value that underflows a double still prints its size).
 */
export function formatPValue(logP: number): string {
  if (!(logP <= 0)) throw new RangeError(`formatPValue: log p must be ≤ 0, got ${logP}`);
  const p = Math.exp(logP);
  if (p >= 0.995) return "1";
  if (p >= 0.01) return p.toFixed(2);
  if (p >= 0.001) return p.toFixed(3);
  const log10 = logP / Math.LN10;
  let exponent = Math.floor(log10);
  let mantissa = Math.round(10 ** (log10 - exponent) * 10) / 10;
  if (mantissa >= 10) [mantissa, exponent] = [1, exponent + 1];
  const power = String(exponent)
    .split("")
    .map((ch) => SUPERSCRIPT[ch] ?? ch)
    .join("");
  return `${mantissa.toFixed(1)} × 10${power}`;
}

/** An accuracy difference (fraction) in percentage points with its sign, e.g. "+0.42". */
export function formatPoints(difference: number): string {
  const points = Math.round(difference * 10_000) / 100;
  return `${points > 0 ? "+" : points < 0 ? "−" : "±"}${Math.abs(points).toFixed(2)}`;
}

/** "Run #5 is more accurate than run #3, p = 0.003" or "No evidence of a difference between …, p = 0.41". */
export function describeDifference(baseId: number, otherId: number, difference: number, logP: number): string {
  const p = formatPValue(logP);
  if (Math.exp(logP) >= SIGNIFICANCE_LEVEL || difference === 0)
    return `No evidence of a difference between run #${baseId} and run #${otherId} (p = ${p})`;
  const [better, worse] = difference > 0 ? [otherId, baseId] : [baseId, otherId];
  return `Run #${better} is more accurate than run #${worse}, p = ${p}`;
}
