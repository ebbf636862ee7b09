import { describe, expect, it } from "vitest";
import {
  buildSeries,
  bytesToDigits,
  digitsToBytes,
  explorerQuery,
  neighboursQuerySchema,
  predictionsFor,
  probabilitiesFor,
  projectionQuerySchema,
  projectionUrl,
  resolveView,
  scatterCsv,
  testIndexOf,
  type ProjectionMeta,
  type SubsetPoints,
} from "../../lib/chart/scatter-view";
import { ALL_CLASSES } from "../../lib/chart/scatter";
import { DEFAULT_EXPLORER_VIEW, parseExplorerView } from "../../lib/core/view-state";

const meta = (
  subset: string,
  layerIndex: number,
  method: string,
  epoch: number,
  iteration: number,
  final = true,
): ProjectionMeta => ({
  subset,
  layerIndex,
  method,
  epoch,
  iteration,
  final,
  rows: 100,
  knnAccuracy: 0.9,
  trustworthiness: final ? 0.95 : null,
  klDivergence: null,
});

// What projectRun stores for a 2-epoch run: test t-SNE snapshots + final, test PCA, pixels, probe layers per epoch.
const rows: ProjectionMeta[] = [
  meta("probe", 2, "tsne", 2, 100),
  meta("probe", 2, "tsne", 1, 300),
  meta("test", 2, "tsne", 0, 300),
  meta("test", 2, "tsne", 0, 50, false),
  meta("test", 2, "tsne", 0, 100, false),
  meta("test", 2, "pca", 0, 0),
  meta("test", -1, "tsne", 0, 300),
  meta("probe", -1, "pca", 0, 0),
  meta("probe", 0, "tsne", 1, 300),
  meta("probe", 0, "tsne", 2, 100),
  meta("probe", 0, "pca", 1, 0),
  meta("probe", 0, "pca", 2, 0),
  meta("probe", 2, "pca", 1, 0),
  meta("probe", 2, "pca", 2, 0),
  meta("probe", 1, "tsne", 1, 300, false),
  meta("other", 0, "tsne", 1, 1),
  meta("probe", 0, "umap", 1, 1),
  meta("probe", 0, "t-sne", 1, 1),
];
const names = new Map([
  [0, "dense_1"],
  [1, "dense_2"],
  [2, "dense_3"],
]);
const series = buildSeries(rows, names);
const find = (subset: string, layer: number, method: string) =>
  series.find((s) => s.subset === subset && s.layerIndex === layer && s.method === method)!;

describe("buildSeries", () => {
  it("groups projections by subset, layer and method, ignoring unknown subsets, methods and non-final probe rows", () => {
    expect(series.map((s) => `${s.subset}/${s.layerName}/${s.method}`)).toEqual([
      "probe/pixels/pca",
      "probe/dense_1/pca",
      "probe/dense_1/tsne",
      "probe/dense_1/umap",
      "probe/dense_3/pca",
      "probe/dense_3/tsne",
      "test/pixels/tsne",
      "test/dense_3/pca",
      "test/dense_3/tsne",
    ]);
  });

  it("orders probe frames by epoch and the test t-SNE's snapshots by iteration, the final last", () => {
    expect(find("probe", 2, "tsne").frames.map((f) => f.epoch)).toEqual([1, 2]);
    expect(find("test", 2, "tsne").frames.map((f) => [f.iteration, f.final])).toEqual([
      [50, false],
      [100, false],
      [300, true],
    ]);
  });

  it("names a layer without a recorded name by its position", () => {
    expect(buildSeries([meta("probe", 4, "pca", 1, 0)], names)[0]!.layerName).toBe("hidden layer 5");
  });
});

describe("resolveView", () => {
  it("shows the final test t-SNE of the last hidden layer by default", () => {
    const v = resolveView(series, DEFAULT_EXPLORER_VIEW)!;
    expect([v.series.subset, v.series.layerName, v.series.method, v.frame]).toEqual(["test", "dense_3", "tsne", 2]);
  });

  it("picks the requested epoch of a probe series, or the last epoch when it is not there", () => {
    const base = { ...DEFAULT_EXPLORER_VIEW, subset: "probe" as const, layer: 0, method: "tsne" as const };
    expect(resolveView(series, { ...base, epoch: 1 })!.frame).toBe(0);
    expect(resolveView(series, { ...base, epoch: 9 })!.frame).toBe(1);
  });

  it("picks a test snapshot by iteration", () => {
    expect(resolveView(series, { ...DEFAULT_EXPLORER_VIEW, iteration: 100 })!.frame).toBe(1);
  });

  it("keeps the requested subset and layer when the method is missing for them", () => {
    const v = resolveView(series, { ...DEFAULT_EXPLORER_VIEW, subset: "probe", layer: -1, method: "tsne" })!;
    expect([v.series.subset, v.series.layerIndex, v.series.method]).toEqual(["probe", -1, "pca"]);
  });

  it("is null when nothing is projected", () => {
    expect(resolveView([], DEFAULT_EXPLORER_VIEW)).toBeNull();
  });
});

describe("explorerQuery", () => {
  it("writes the series, a frame that is not the last, and a class filter", () => {
    expect(explorerQuery(find("probe", 2, "tsne"), 0, (1 << 4) | (1 << 9))).toBe(
      "?subset=probe&layer=2&method=tsne&epoch=1&classes=4%2C9",
    );
    expect(explorerQuery(find("test", 2, "tsne"), 0, ALL_CLASSES)).toBe("?subset=test&layer=2&method=tsne&iter=50");
    expect(explorerQuery(find("test", -1, "tsne"), 0, 0)).toBe("?subset=test&layer=pixels&method=tsne&classes=none");
  });

  it("round-trips through parseExplorerView and resolveView", () => {
    const s = find("probe", 0, "tsne");
    const q = Object.fromEntries(new URLSearchParams(explorerQuery(s, 0, 1 << 7)));
    const v = resolveView(series, parseExplorerView(q))!;
    expect([v.series, v.frame, parseExplorerView(q).classes]).toEqual([s, 0, 1 << 7]);
  });
});

describe("API queries", () => {
  it("builds a projection URL the route's schema accepts", () => {
    const s = find("test", 2, "tsne");
    const url = new URL(projectionUrl(7, s, s.frames[0]!), "http://x");
    expect(url.pathname).toBe("/api/runs/7/projections");
    expect(projectionQuerySchema.parse(Object.fromEntries(url.searchParams))).toEqual({
      subset: "test",
      layer: 2,
      method: "tsne",
      epoch: 0,
      iteration: 50,
    });
  });

  it("rejects a bad projection query naming the parameter", () => {
    const r = projectionQuerySchema.safeParse({
      subset: "train",
      layer: "2",
      method: "tsne",
      epoch: "0",
      iteration: "5",
    });
    expect(r.success).toBe(false);
    expect(r.error!.issues[0]!.path).toEqual(["subset"]);
  });

  it("defaults k to 10 neighbours and caps it at 50", () => {
    expect(neighboursQuerySchema.parse({ subset: "probe", layer: "-1", epoch: "0", row: "3" }).k).toBe(10);
    expect(
      neighboursQuerySchema.safeParse({ subset: "probe", layer: "0", epoch: "1", row: "3", k: "51" }).success,
    ).toBe(false);
  });
});

const probe: SubsetPoints = {
  subset: "probe",
  rows: 3,
  indices: [17, 4, 250],
  labels: "749",
  epochPredictions: [
    { epoch: 1, predicted: "149" },
    { epoch: 2, predicted: "744" },
  ],
  finalPredicted: "749",
};

describe("labels and predictions", () => {
  it("encodes labels as one digit character per row", () => {
    expect(bytesToDigits(Uint8Array.from([0, 9, 3]))).toBe("093");
    expect(Array.from(digitsToBytes("093"))).toEqual([0, 9, 3]);
  });

  it("maps rows to test indices: probe rows through their indices, test rows to themselves", () => {
    expect(testIndexOf(probe, 2)).toBe(250);
    expect(testIndexOf({ ...probe, subset: "test", indices: null }, 2)).toBe(2);
  });

  it("takes a probe frame's own epoch, the final model for pixels and test layouts, the last epoch while training", () => {
    const frame = (epoch: number) => ({
      epoch,
      iteration: 0,
      final: true,
      rows: 3,
      knnAccuracy: null,
      trustworthiness: null,
      klDivergence: null,
    });
    expect(predictionsFor(probe, frame(1))).toEqual({ predicted: "149", source: "after epoch 1" });
    expect(predictionsFor(probe, frame(0))).toEqual({ predicted: "749", source: "final model" });
    expect(predictionsFor({ ...probe, finalPredicted: null }, frame(0))).toEqual({
      predicted: "744",
      source: "after epoch 2",
    });
    expect(predictionsFor({ ...probe, finalPredicted: null, epochPredictions: [] }, frame(0))).toBeNull();
  });

  it("picks a clicked digit's probabilities by the same rule, so they agree with its predicted label", () => {
    const frame = (epoch: number) => ({
      epoch,
      iteration: 0,
      final: true,
      rows: 3,
      knnAccuracy: null,
      trustworthiness: null,
      klDivergence: null,
    });
    const one = (k: number) => Array.from({ length: 10 }, (_, c) => (c === k ? 0.91 : 0.01));
    const digit = {
      final: { predicted: 9, probs: one(9) },
      epochs: [
        { epoch: 1, probs: one(4) },
        { epoch: 2, probs: one(7) },
      ],
    };
    expect(probabilitiesFor(digit, "probe", frame(1))).toEqual({ probs: one(4), source: "after epoch 1" });
    expect(probabilitiesFor(digit, "probe", frame(0))).toEqual({ probs: one(9), source: "final model" });
    expect(probabilitiesFor(digit, "test", frame(2))).toEqual({ probs: one(9), source: "final model" });
    expect(probabilitiesFor({ ...digit, final: null }, "probe", frame(0))).toEqual({
      probs: one(7),
      source: "after epoch 2",
    });
    expect(probabilitiesFor({ ...digit, final: null }, "test", frame(0))).toBeNull();
    expect(probabilitiesFor({ final: null, epochs: [] }, "probe", frame(1))).toBeNull();
  });
});

describe("scatterCsv", () => {
  it("writes row, test index, coordinates, true and predicted labels of the listed rows", () => {
    const csv = scatterCsv(Float32Array.from([0.5, -1, 2, 3, 4.25, 5]), probe, "744", [0, 2]);
    expect(csv).toBe("row,index,x,y,true_label,predicted_label\r\n0,17,0.5,-1,7,7\r\n2,250,4.25,5,9,4\r\n");
    expect(scatterCsv(Float32Array.from([1, 2]), { ...probe, rows: 1 }, null, [0]).split("\r\n")[1]).toBe(
      "0,17,1,2,7,",
    );
  });
});
