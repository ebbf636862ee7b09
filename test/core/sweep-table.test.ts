import { describe, expect, it } from "vitest";
import { nextSweepSort, parseSweepSort, sortSweepRows, type SweepRunView } from "../../lib/core/sweep-table";

function row(jobId: number, fields: Partial<SweepRunView>): SweepRunView {
  return {
    jobId,
    status: "succeeded",
    progress: "",
    runId: jobId + 100,
    workerId: null,
    learningRate: 0.001,
    hidden: "32",
    dropout: 0.2,
    optimizer: "rmsprop",
    batchSize: 128,
    seed: 42,
    bestValLoss: null,
    bestEpoch: null,
    testAccuracy: null,
    durationMs: null,
    ...fields,
  };
}

describe("the sweep table's sort", () => {
  const rows = [
    row(1, { testAccuracy: 0.9, hidden: "512-512" }),
    row(2, { testAccuracy: null, status: "queued", runId: null }),
    row(3, { testAccuracy: 0.95, hidden: "64" }),
    row(4, { testAccuracy: 0.9, hidden: "256" }),
  ];

  it("orders by a metric either way, rows without it last, ties by job", () => {
    const ids = (column: "testAccuracy", dir: "asc" | "desc") =>
      sortSweepRows(rows, { column, dir }).map((r) => r.jobId);
    expect(ids("testAccuracy", "desc")).toEqual([3, 1, 4, 2]);
    expect(ids("testAccuracy", "asc")).toEqual([1, 4, 3, 2]);
  });

  it("orders hidden widths as numbers, not as text", () => {
    expect(sortSweepRows(rows, { column: "hidden", dir: "asc" }).map((r) => r.hidden)).toEqual([
      "32",
      "64",
      "256",
      "512-512",
    ]);
  });

  it("reads the sort from the URL and falls back to the queueing order on anything unknown", () => {
    expect(parseSweepSort({ sort: "testAccuracy", dir: "desc" })).toEqual({ column: "testAccuracy", dir: "desc" });
    expect(parseSweepSort({ sort: "<script>", dir: "sideways" })).toEqual({ column: "jobId", dir: "asc" });
    expect(parseSweepSort({ sort: ["bestValLoss", "seed"] })).toEqual({ column: "bestValLoss", dir: "asc" });
  });

  it("flips the current column and starts test accuracy from the best", () => {
    expect(nextSweepSort({ column: "seed", dir: "asc" }, "seed")).toEqual({ column: "seed", dir: "desc" });
    expect(nextSweepSort({ column: "seed", dir: "asc" }, "testAccuracy")).toEqual({
      column: "testAccuracy",
      dir: "desc",
    });
  });
});
