// Schemas of the JSON columns the run pages read (confusion counts, model summary), validated on read (pure).
import { z } from "zod";
import { NUM_CLASSES } from "./constants";

const confusionSchema = z.array(z.number().int().min(0)).length(NUM_CLASSES * NUM_CLASSES);

export const modelSummarySchema = z.array(
  z.object({ name: z.string(), type: z.string(), outputShape: z.array(z.number()), params: z.number().int().min(0) }),
);

export type ModelSummary = z.infer<typeof modelSummarySchema>;

/** A 10x10 row-major count matrix from its JSON column; throws naming the column when malformed. */
export function parseConfusion(json: string, what: string): number[] {
  const parsed = confusionSchema.safeParse(JSON.parse(json));
  if (!parsed.success) throw new Error(`${what} is not a 10x10 count matrix: ${parsed.error.issues[0]?.message}`);
  return parsed.data;
}
