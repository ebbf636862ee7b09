// The nearest test digits of a drawing in a run's last hidden layer, and its place in that layer's t-SNE layout:
// the browser posts the activations its copy of the model computed for the drawing.
import { getDb } from "@/lib/db/client";
import { findDrawingNeighbours } from "@/lib/features/draw/drawing-neighbours";
import { parseRunId } from "@/lib/core/view-state";
import { drawingNeighboursBodySchema, MAX_DRAWING_BODY_BYTES } from "@/lib/core/drawing-neighbours";
import { badParameter, notFoundAnswer, withBusyAnswer } from "@/app/api/_lib/handler";

export const dynamic = "force-dynamic";

export const POST = withBusyAnswer(async (request: Request, { params }: { params: Promise<{ id: string }> }) => {
  const id = parseRunId((await params).id);
  if (id === null) return notFoundAnswer("no such run");
  const declared = Number(request.headers.get("content-length") ?? 0);
  if (declared > MAX_DRAWING_BODY_BYTES) return tooLarge();
  const text = await request.text();
  if (text.length > MAX_DRAWING_BODY_BYTES) return tooLarge();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return badParameter("body", 'JSON: {"hidden": [numbers], "k": 1..50}');
  }
  const body = drawingNeighboursBodySchema.safeParse(json);
  if (!body.success) return badBody(body.error.issues);
  const started = performance.now();
  const found = await findDrawingNeighbours(getDb(), id, Float32Array.from(body.data.hidden), body.data.k);
  if ("miss" in found) {
    if (found.miss === "width")
      return badParameter("hidden", `an array of ${found.expected} numbers (the layer's width)`);
    return notFoundAnswer("no such run, or it stores no test embedding");
  }
  return Response.json(
    { ...found, computeMs: Math.round(performance.now() - started) },
    { headers: { "Cache-Control": "no-store" } },
  );
});

/** The first offending field of the body ("hidden.3", "k"; "body" for the whole of it) and the rule it broke. */
function badBody(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Response {
  const issue = issues[0];
  const field = issue?.path.map(String).join(".") || "body";
  return badParameter(field, issue ? issue.message.replace(/^Invalid (input|option): /, "") : "valid");
}

function tooLarge(): Response {
  return Response.json(
    { error: `the body must be at most ${MAX_DRAWING_BODY_BYTES} bytes`, field: "body" },
    { status: 413, headers: { "Cache-Control": "no-store" } },
  );
}
