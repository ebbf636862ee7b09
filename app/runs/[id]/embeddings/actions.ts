"use server";
// Server action of the explorer's inspector panel: one clicked digit's predicted probabilities (a few hundred bytes),
// read on demand rather than shipping every digit's [10] rows per epoch with the page.
import { z } from "zod";
import { getDb } from "@/lib/db/client";
import { fetchDigit } from "@/lib/features/digits/digit-detail";
import { getRunHeader } from "@/lib/db/run-pages";
import type { DigitProbabilities } from "@/lib/chart/scatter-view";

const argsSchema = z.object({ runId: z.number().int().positive(), index: z.number().int().min(0) });

/** The final and per-epoch probabilities of test digit `index` of run `runId`; null for an unknown run or index. */
export async function loadDigitProbabilities(runId: number, index: number): Promise<DigitProbabilities | null> {
  const args = argsSchema.safeParse({ runId, index });
  if (!args.success) return null;
  const db = getDb();
  const run = await getRunHeader(db, args.data.runId);
  const digit = run ? await fetchDigit(db, run.id, run.testSize, args.data.index) : null;
  return digit ? { final: digit.final, epochs: digit.probe?.epochs ?? [] } : null;
}
