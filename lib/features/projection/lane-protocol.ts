// The messages between a projection lane's thread (lane-thread.ts) and the thread that owns the database (lanes.ts).
import type { ProjectionMethod } from "../../core/projection";
import type { PairScore } from "../../numeric/pairs/separation";
import type { Matrix } from "../../numeric/tsne/matrix";
import type { ComputedLayout, LayoutSettings, UmapGraph } from "./layout";
import type { SourceEvent, SourceOutcome } from "./source-work";
import type { ProjectionSource } from "./sources";
import type { PhaseTimings } from "./timings";

/** One source to project, with everything read for it: the lane never touches the database. */
export interface LaneJob {
  id: number;
  runId: number;
  source: ProjectionSource;
  methods: ProjectionMethod[];
  pairs: boolean;
  pairsK: number;
  settings: Omit<LayoutSettings, "snapshots"> & { snapshots: number[] };
  /** finalLayoutKey of this source's layouts already stored; cellId of its pair figures when stored. */
  stored: string[];
  pairsStored: string[];
  graph: UmapGraph | null;
  matrix: Matrix;
  labels: Uint8Array;
  /** Warm starts: the previous epoch's layout by each method, where there is one. */
  previous: Partial<Record<ProjectionMethod, Float32Array>>;
}

export type LaneMessage =
  | { type: "layout"; id: number; layout: ComputedLayout; rows: number }
  | { type: "pairs"; id: number; k: number; scores: PairScore[] }
  | { type: "event"; id: number; event: SourceEvent }
  | {
      type: "done";
      id: number;
      outcome: SourceOutcome;
      graph: UmapGraph | null;
      timings: PhaseTimings;
    }
  | { type: "error"; id: number; message: string; cause: string | null };
