// GET /api/labels/pixels?subset=test|train&indices=3,17,…: the /labels gallery's digits as one binary, uint8 [k, 784]
// in the order asked.
import { createHash } from "node:crypto";
import { z } from "zod";
import { pixelsResponse } from "@/app/api/_lib/pixels-response";
import { badParameter, withBusyAnswer } from "@/app/api/_lib/handler";
import { LABEL_SUBSETS } from "@/lib/core/labels-view";
import { gatherSubsetPixels } from "@/lib/features/labels/pixels";

export const dynamic = "force-dynamic";

/** One page of the gallery at most. */
const MAX_INDICES = 200;
const SPLIT_SIZE = { test: 10_000, train: 60_000 } as const;

export const GET = withBusyAnswer(async (request: Request) => {
  const url = new URL(request.url);
  const subset = z.enum(LABEL_SUBSETS).safeParse(url.searchParams.get("subset") ?? "test");
  if (!subset.success) return badParameter("subset", '"test" or "train"');
  const raw = url.searchParams.get("indices") ?? "";
  const parts = raw === "" ? [] : raw.split(",");
  if (parts.length > MAX_INDICES) return badParameter("indices", `at most ${MAX_INDICES} digit indices`);
  const limit = SPLIT_SIZE[subset.data];
  const indices: number[] = [];
  for (const part of parts) {
    if (!/^\d{1,5}$/.test(part) || Number(part) >= limit)
      return badParameter("indices", `comma-separated digit indices from 0 to ${limit - 1}`);
    indices.push(Number(part));
  }
  const pixels = gatherSubsetPixels(subset.data, indices);
  // MNIST never changes: the same indices are the same bytes.
  const digest = createHash("sha256").update(indices.join(",")).digest("hex").slice(0, 32);
  return pixelsResponse(request, pixels, `labels-${subset.data}-${digest}`);
});
