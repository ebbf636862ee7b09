// Side-by-side run comparison (pure): flattened hyperparameters with differences, curves aligned on one epoch axis, run colours.
import { schemeTableau10 } from "d3";

/** One colour per compared run (Tableau 10), so a run keeps its colour in every chart and table of the page. */
export function runColour(position: number): string {
  return schemeTableau10[position % schemeTableau10.length]!;
}

function formatLeaf(value: unknown): string {
  if (value === null || value === undefined) return "—";
  if (Array.isArray(value)) return `[${value.map(formatLeaf).join(", ")}]`;
  if (typeof value === "object") return JSON.stringify(value);
  return String(value);
}

/**
 * A parsed config as dotted keys to display strings: `{ optimizer: { name: "adam" } }` → `optimizer.name: adam`;
 * arrays stay one value ("[512, 512, 512]"). Anything that is not an object gives {}.
 */
export function flattenConfig(config: unknown, prefix = ""): Record<string, string> {
  const out: Record<string, string> = {};
  if (config === null || typeof config !== "object" || Array.isArray(config)) return out;
  for (const [key, value] of Object.entries(config)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (value !== null && typeof value === "object" && !Array.isArray(value))
      Object.assign(out, flattenConfig(value, path));
    else out[path] = formatLeaf(value);
  }
  return out;
}

export interface DiffRow {
  key: string;
  /** One value per run, null where the run lacks the key. */
  values: Array<string | null>;
  /** Whether any two runs differ (a missing key differs from a present one). */
  differs: boolean;
}

/** Rows over the union of keys (first-seen order), each with every run's value and whether they differ. */
export function diffRows(records: ReadonlyArray<Record<string, string>>, skip: readonly string[] = []): DiffRow[] {
  const keys: string[] = [];
  for (const r of records) for (const k of Object.keys(r)) if (!keys.includes(k) && !skip.includes(k)) keys.push(k);
  return keys.map((key) => {
    const values = records.map((r) => (key in r ? r[key]! : null));
    return { key, values, differs: values.some((v) => v !== values[0]) };
  });
}

/** 1..max epoch of all runs, and each run's values placed on it (null where a run has no such epoch). */
export function alignEpochs(runs: ReadonlyArray<{ epochs: readonly number[]; values: readonly number[] }>): {
  epochs: number[];
  values: Array<Array<number | null>>;
} {
  const last = Math.max(0, ...runs.flatMap((r) => r.epochs));
  const epochs = Array.from({ length: last }, (_, i) => i + 1);
  const values = runs.map((r) => {
    const row = new Array<number | null>(last).fill(null);
    r.epochs.forEach((e, i) => {
      if (e >= 1 && e <= last) row[e - 1] = r.values[i] ?? null;
    });
    return row;
  });
  return { epochs, values };
}
