// The sweep page's table: one row per job with its hyperparameters and its run's figures, the sortable columns,
// and the sort as URL state (?sort=testAccuracy&dir=desc). Pure and client-safe.

/** A sweep job as the page shows it (plain data, no database rows). */
export interface SweepRunView {
  jobId: number;
  /** The job's status: queued | running | succeeded | failed | cancelled. */
  status: string;
  /** "epoch 2/4" while running, else "". */
  progress: string;
  runId: number | null;
  /** The worker that ran (or runs) the job. */
  workerId: string | null;
  learningRate: number | null;
  /** Hidden widths as "512-512", "CNN" for the CNN preset. */
  hidden: string | null;
  dropout: number | null;
  optimizer: string | null;
  batchSize: number | null;
  seed: number | null;
  bestValLoss: number | null;
  /** 1-based. */
  bestEpoch: number | null;
  testAccuracy: number | null;
  durationMs: number | null;
}

export const SWEEP_COLUMNS = [
  "jobId",
  "status",
  "learningRate",
  "hidden",
  "dropout",
  "optimizer",
  "batchSize",
  "seed",
  "bestValLoss",
  "bestEpoch",
  "testAccuracy",
  "durationMs",
] as const;
export type SweepColumn = (typeof SWEEP_COLUMNS)[number];

export const SWEEP_COLUMN_LABELS: Record<SweepColumn, string> = {
  jobId: "job",
  status: "status",
  learningRate: "learning rate",
  hidden: "hidden",
  dropout: "dropout",
  optimizer: "optimizer",
  batchSize: "batch",
  seed: "seed",
  bestValLoss: "best val_loss",
  bestEpoch: "best epoch",
  testAccuracy: "test accuracy",
  durationMs: "duration",
};

export interface SweepSort {
  column: SweepColumn;
  dir: "asc" | "desc";
}

export const DEFAULT_SWEEP_SORT: SweepSort = { column: "jobId", dir: "asc" };

type RawParam = string | string[] | undefined;

/** The sort from the URL; anything unknown falls back to the queueing order rather than failing the page. */
export function parseSweepSort(params: Record<string, RawParam>): SweepSort {
  const one = (v: RawParam) => (Array.isArray(v) ? v[0] : v);
  const column = SWEEP_COLUMNS.find((c) => c === one(params.sort)) ?? DEFAULT_SWEEP_SORT.column;
  const dir = one(params.dir) === "desc" ? "desc" : "asc";
  return { column, dir };
}

/** The query string of `sort` ("?sort=testAccuracy&dir=desc"). */
export function sweepSortQuery(sort: SweepSort): string {
  return `?sort=${sort.column}&dir=${sort.dir}`;
}

/** The sort a column's header links to: its own column flipped, or a new column ascending (metrics where higher is better start descending). */
export function nextSweepSort(current: SweepSort, column: SweepColumn): SweepSort {
  if (current.column === column) return { column, dir: current.dir === "asc" ? "desc" : "asc" };
  return { column, dir: column === "testAccuracy" ? "desc" : "asc" };
}

/** `rows` sorted by `sort`; rows without the value (no run yet) last in either direction, ties by job id. */
export function sortSweepRows(rows: readonly SweepRunView[], sort: SweepSort): SweepRunView[] {
  const sign = sort.dir === "asc" ? 1 : -1;
  return [...rows].sort((a, b) => {
    const [x, y] = [a[sort.column], b[sort.column]];
    if (x === null || y === null) return x === y ? a.jobId - b.jobId : x === null ? 1 : -1;
    const order =
      typeof x === "number" && typeof y === "number"
        ? x - y
        : String(x).localeCompare(String(y), "en", { numeric: true });
    return order !== 0 ? sign * order : a.jobId - b.jobId;
  });
}
