// One test digit's attribution map as a binary float32 [28 × 28] (row-major, little-endian), its metadata as JSON in
// the X-Attribution header: method, class, baseline and checkpoint from a zod-validated query.
import { getDb } from "@/lib/db/client";
import { badParameter, badQuery, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";
import { withRanges } from "@/app/api/_lib/blob-response";
import { parseDigitIndex, parseRunId } from "@/lib/core/view-state";
import { ATTRIBUTION_HEADER, attributionQuerySchema, encodeAttributionMeta } from "@/lib/core/attribution";
import { fetchDigitAttribution } from "@/lib/features/explain/digit-attribution";

export const dynamic = "force-dynamic";

const KNOWN = new Set(["method", "class", "baseline", "checkpoint"]);

export const GET = withBusyAnswer(
  async (request: Request, { params }: { params: Promise<{ id: string; index: string }> }) => {
    const raw = await params;
    const id = parseRunId(raw.id);
    if (id === null) return badParameter("id", "a positive integer run id");
    const index = parseDigitIndex(raw.index);
    if (index === null) return badParameter("index", "a test digit index, an integer from 0");
    const search = new URL(request.url).searchParams;
    // One value per parameter: a repeated one is ambiguous, not the first of several.
    const query: Record<string, string> = {};
    for (const key of KNOWN) {
      const values = search.getAll(key);
      if (values.length > 1) return badParameter(key, "given once");
      if (values.length === 1) query[key] = values[0]!;
    }
    const parsed = attributionQuerySchema.safeParse(query);
    if (!parsed.success) return badQuery(parsed.error.issues);
    const q = parsed.data;
    const answer = await fetchDigitAttribution(getDb(), {
      runId: id,
      index,
      method: q.method,
      baseline: q.baseline,
      classChoice: q.class,
      checkpoint: q.checkpoint,
    });
    if (answer.kind === "not-found") return notFoundAnswer(answer.error);
    const { meta, values } = answer;
    // A copy: the cached map must not be handed to the response stream.
    const body = new Uint8Array(values.byteLength);
    body.set(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
    const headers = {
      "Content-Type": "application/octet-stream",
      // The map depends on the stored checkpoint, which training may replace: revalidate, never reuse blindly.
      "Cache-Control": "private, no-cache",
      ETag: `"attr-${id}-${index}-${q.checkpoint}-${meta.checkpointEpoch}-${q.method}-${meta.baseline}-${meta.targetClass}-${q.class}"`,
      [ATTRIBUTION_HEADER]: encodeAttributionMeta(meta),
      "Access-Control-Expose-Headers": ATTRIBUTION_HEADER,
    };
    return withRanges(request, new Response(body, { headers }));
  },
);
