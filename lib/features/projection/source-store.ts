// A run's sources read from and stored into its database: what projectSource uses in the calling thread.
import "server-only";
import type { Db } from "../../db/client";
import { storeSourceScores } from "../../db/pair-store";
import { getFinalCoords, upsertProjection } from "../../db/projections";
import type { SourceStore } from "./source-work";
import { loadSourceMatrix } from "./sources";

export function dbSourceStore(db: Db, runId: number): SourceStore {
  return {
    loadMatrix: (s) => loadSourceMatrix(db, runId, s),
    previousLayout: (s, method) =>
      s.subset !== "probe" || s.epoch <= 1
        ? Promise.resolve(null)
        : getFinalCoords(db, runId, { ...s, epoch: s.epoch - 1 }, method),
    storeLayout: (s, layout, rows) => upsertProjection(db, runId, s, { ...layout, rows }),
    storePairs: (s, k, scores) => storeSourceScores(db, runId, s, k, scores),
  };
}
