// GET /api/admin/jobs: recent jobs with progress (read-only). POST: queue a training job from the form's fields;
// 400 with field errors (nothing queued) when a value is out of range.
import { authorizeAdmin, bodyErrorResponse, jsonResponse, readJsonBody } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { parseJobForm } from "@/lib/core/job-params";
import { enqueueJob } from "@/lib/db/jobs";
import { fetchJobViews } from "@/lib/features/jobs/view";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const GET = withBusyAnswer(async (request: Request): Promise<Response> => {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: false });
  if (!auth.ok) return auth.response;
  return jsonResponse(200, { jobs: await fetchJobViews(db), now: new Date().toISOString() });
});

export const POST = withBusyAnswer(async (request: Request): Promise<Response> => {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: true });
  if (!auth.ok) return auth.response;
  let body: unknown;
  try {
    body = await readJsonBody(request);
  } catch (err) {
    return bodyErrorResponse(err);
  }
  const parsed = parseJobForm(body);
  if (!parsed.ok)
    return jsonResponse(400, {
      error: "invalid parameters: nothing was queued",
      fieldErrors: parsed.fieldErrors,
      formErrors: parsed.formErrors,
    });
  const jobId = await enqueueJob(db, parsed.config, `admin (session ${auth.session.id.slice(0, 8)})`);
  return jsonResponse(201, { jobId, config: parsed.config });
});
