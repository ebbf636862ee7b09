// POST /api/admin/jobs/:id/cancel: a queued job is cancelled at once (200); a running one is asked to stop (202):
// its worker sends SIGTERM to the training process, which stops after the current batch.
import { authorizeAdmin, jsonResponse } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { parseJobId } from "@/lib/core/job-id";
import { cancelJob } from "@/lib/db/jobs";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const POST = withBusyAnswer(
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const db = getDb();
    const auth = await authorizeAdmin(db, request, { mutating: true });
    if (!auth.ok) return auth.response;
    const jobId = parseJobId((await params).id);
    if (jobId === null) return jsonResponse(404, { error: "no such job" });
    const outcome = await cancelJob(db, jobId);
    switch (outcome) {
      case "cancelled":
        return jsonResponse(200, { outcome });
      case "requested":
        return jsonResponse(202, { outcome });
      case "finished":
        return jsonResponse(409, { outcome, error: `job ${jobId} has already finished` });
      case "not-found":
        return jsonResponse(404, { outcome, error: `no job ${jobId}` });
    }
  },
);
