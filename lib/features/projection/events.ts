// What a run's projection reports as it goes (the follower's log lines) and returns.
import type { SourceEvent } from "./source-work";

export type ProjectEvent =
  | SourceEvent
  | { type: "phase"; phase: "epochs" | "final" | "umap"; threads: number }
  | {
      type: "epoch";
      epoch: number;
      /** Wall time of the epoch's layouts and pair figures. */
      seconds: number;
      layouts: number;
      pairs: number;
      /** From the epoch's record (its Epoch row) to its last figure stored; null for epoch 0 (the pixels). */
      lagSeconds: number | null;
      /** The next epoch was recorded before this one's work finished, while the run trained: the follower fell behind. */
      behind: boolean;
    };

export interface ProjectResult {
  /** Layouts and pair-figure sources computed now. */
  computed: number;
  pairs: number;
  /** Final layouts of the run's sources by the methods asked for, stored in all. */
  total: number;
}
