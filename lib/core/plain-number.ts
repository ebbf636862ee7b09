// Numbers as parameters accept them: a JSON number, or the plain decimal text a number input or a flag holds.
// No hexadecimal, exponents, signs other than a leading minus, spaces, "Infinity" or empty text: Number() reads
// "0x10" as 16 and "1e2" as 100, so text the user did not mean as that number would be queued as it.

/** "16", "-3", "0.001", ".5", "2." — digits with at most one decimal point and an optional leading minus. */
export const PLAIN_DECIMAL = /^-?(?:\d+\.?\d*|\.\d+)$/;

/** The number `text` writes in plain decimal, or null when it is anything else. */
export function parsePlainDecimal(text: string): number | null {
  if (text.length > 64 || !PLAIN_DECIMAL.test(text)) return null;
  const n = Number(text);
  return Number.isFinite(n) ? n : null;
}

/** A short, printable view of a rejected value for an error message (never the whole of a large or nested value). */
export function describeValue(value: unknown): string {
  if (typeof value === "string") return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);
  if (Array.isArray(value)) return `an array of ${value.length}`;
  if (value === null) return "null";
  return typeof value === "object" ? "an object" : String(value);
}

/**
 * `n` written in plain decimal ("0.0000001", never "1e-7"), so a config passed on as `npm run train` flags parses back
 * to the same number. Finite numbers only.
 */
export function formatPlainDecimal(n: number): string {
  const text = String(n);
  const e = text.indexOf("e");
  if (e < 0) return text;
  const mantissaDecimals = text.slice(0, e).split(".")[1]?.length ?? 0;
  const decimals = Math.min(100, Math.max(0, mantissaDecimals - Number(text.slice(e + 1))));
  return n.toFixed(decimals);
}
