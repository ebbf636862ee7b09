// POST /api/admin/jobs/:id/retry: queues a new job with the parameters of a failed or cancelled one (201).
import { authorizeAdmin, jsonResponse } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { parseJobId } from "@/lib/core/job-id";
import { retryJob } from "@/lib/db/jobs";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const POST = withBusyAnswer(
  async (request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> => {
    const db = getDb();
    const auth = await authorizeAdmin(db, request, { mutating: true });
    if (!auth.ok) return auth.response;
    const jobId = parseJobId((await params).id);
    if (jobId === null) return jsonResponse(404, { error: "no such job" });
    const result = await retryJob(db, jobId, `admin (session ${auth.session.id.slice(0, 8)}, retry of job ${jobId})`);
    switch (result.outcome) {
      case "queued":
        return jsonResponse(201, { jobId: result.jobId });
      case "not-found":
        return jsonResponse(404, { error: `no job ${jobId}` });
      case "not-retryable":
        return jsonResponse(409, { error: `job ${jobId} is neither failed nor cancelled` });
      case "already-retried":
        return jsonResponse(409, {
          error: `job ${jobId} already has a pending retry (job ${result.jobId})`,
          jobId: result.jobId,
        });
    }
  },
);
