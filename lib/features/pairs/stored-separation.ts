// The separation table of a run still training: the cells its job has stored so far, nothing computed by the page
// (the worker computes each epoch's cells on the second core; the page computing them too would slow training).
import "server-only";
import type { Db } from "../../db/client";
import { listStoredCells } from "../../db/pair-store";
import { PIXELS_LAYER } from "../../core/constants";
import { listSources, probeDigits } from "../projection/sources";
import { SEPARATION_K, type SeparationCell, type SeparationPlan } from "./pair-separation";

/** The plan the separation table renders, from stored cells only, and how many of its cells are not stored yet. */
export async function fetchStoredSeparationPlan(
  db: Db,
  runId: number,
  a: number,
  b: number,
): Promise<{ plan: SeparationPlan; pending: number }> {
  const started = performance.now();
  const [{ indices, labels }, sources, stored] = await Promise.all([
    probeDigits(db, runId),
    listSources(db, runId),
    listStoredCells(db, runId, a, b, SEPARATION_K),
  ]);
  const keys = sources.filter((s) => s.subset === "probe" && s.layerIndex !== PIXELS_LAYER);
  const hidden = [...new Map(keys.map((k) => [k.layerIndex, k.layerName]))].sort((x, y) => x[0] - y[0]);
  const layers = [
    { layerIndex: PIXELS_LAYER, layerName: "pixels" },
    ...hidden.map(([layerIndex, layerName]) => ({ layerIndex, layerName })),
  ];
  const epochs = [...new Set(keys.map((k) => k.epoch))].sort((x, y) => x - y);
  const cells: SeparationCell[] = [...stored.values()]
    .filter((c) => c.layerIndex === PIXELS_LAYER || epochs.includes(c.epoch))
    .sort((x, y) => x.layerIndex - y.layerIndex || x.epoch - y.epoch);
  const cellCount = indices.length === 0 ? 0 : 1 + keys.length;
  const countA = labels.filter((l) => l === a).length;
  const countB = labels.filter((l) => l === b).length;
  const plan: SeparationPlan = {
    layers,
    epochs,
    countA,
    countB,
    cellCount,
    computedCount: 0,
    row: (layer) => Promise.resolve(cells.filter((c) => c.layerIndex === layer)),
    grid: Promise.resolve({ layers, epochs, cells, countA, countB, computeMs: performance.now() - started }),
  };
  return { plan, pending: Math.max(0, cellCount - cells.length) };
}
