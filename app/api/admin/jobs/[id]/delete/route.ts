// POST /api/admin/jobs/:id/delete: deletes a job and its run with everything recorded for it (200, with the bytes
// freed); a queued job is cancelled and deleted at once, a running one is cancelled first (202).
import { authorizeAdmin, jsonResponse } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { parseJobId } from "@/lib/core/job-id";
import { deletionResponse } from "../../../_lib/deletion-response";

export async function POST(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: true });
  if (!auth.ok) return auth.response;
  const jobId = parseJobId((await params).id);
  if (jobId === null) return jsonResponse(404, { error: "no such job" });
  return deletionResponse(db, { jobId });
}
