// The body of POST /api/runs/[id]/drawing-neighbours, shared by the route that validates it and the page that sends it.
import { z } from "zod";

/** The widest hidden layer a body may carry (the presets' widest is 512). */
export const MAX_HIDDEN_WIDTH = 4096;

/** Bytes a body may hold: MAX_HIDDEN_WIDTH numbers written in full float precision, with room to spare. */
export const MAX_DRAWING_BODY_BYTES = 160_000;

/** Nearest test digits the playground shows. */
export const DRAWING_NEIGHBOURS = 8;

/**
 * `hidden`: the drawing's activations of the run's last hidden layer (the browser's model computes them), as many as
 * the layer is wide; `k`: how many nearest test digits to return (1..50, default 8).
 */
export const drawingNeighboursBodySchema = z
  .object({
    hidden: z.array(z.number().min(-1e6).max(1e6)).min(1).max(MAX_HIDDEN_WIDTH),
    k: z.number().int().min(1).max(50).default(DRAWING_NEIGHBOURS),
  })
  .strict();
export type DrawingNeighboursBody = z.infer<typeof drawingNeighboursBodySchema>;

/** The route's answer. */
export interface DrawingNeighboursAnswer {
  layerIndex: number;
  layerName: string;
  neighbours: Array<{ row: number; label: number; distance: number }>;
  position: { x: number; y: number } | null;
  computeMs: number;
}
