// POST /api/admin/runs/:id/delete: deletes a run (epochs, embeddings, checkpoints, predictions, projections, pair
// figures) and the job that made it (200, with the bytes freed); a running job is cancelled first (202).
import { authorizeAdmin, jsonResponse } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { parseJobId } from "@/lib/core/job-id";
import { deletionResponse } from "../../../_lib/deletion-response";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: true });
  if (!auth.ok) return auth.response;
  // Run ids are written like job ids: a positive integer, nothing else.
  const runId = parseJobId((await params).id);
  if (runId === null) return jsonResponse(404, { error: "no such run" });
  return deletionResponse(db, { runId });
}
