// GET /api/admin/jobs: recent jobs with progress and the host that ran each, the workers, every run's size and the
// database's (read-only). POST: queue a training job from the form's fields, or a sweep `{"jobs": [fields, ...]}`
// (all or none); 400 with field errors, or with the estimate and the limit when over the server's cost limits.
import { authorizeAdmin, bodyErrorResponse, jsonResponse, readJsonBody } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { fetchAdminStorage } from "@/lib/features/jobs/admin-storage";
import { costLimitsFromEnv, submitJobs } from "@/lib/features/jobs/submit";
import { fetchJobViews, fetchWorkerViews } from "@/lib/features/jobs/view";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const GET = withBusyAnswer(async (request: Request): Promise<Response> => {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: false });
  if (!auth.ok) return auth.response;
  const [jobs, workers, storage] = await Promise.all([fetchJobViews(db), fetchWorkerViews(db), fetchAdminStorage(db)]);
  return jsonResponse(200, { jobs, workers, ...storage, now: new Date().toISOString() });
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
  const result = await submitJobs(db, body, `admin (session ${auth.session.id.slice(0, 8)})`, costLimitsFromEnv());
  if (!result.ok) {
    const { error, fieldErrors, formErrors, jobErrors, estimate, limits } = result;
    return jsonResponse(400, { error, fieldErrors, formErrors, jobErrors, estimate, limits });
  }
  const { jobIds, configs, estimate, limits } = result;
  return jsonResponse(201, {
    // One job: its id and config as before; a sweep: every id and config, in order.
    ...(jobIds.length === 1 ? { jobId: jobIds[0], config: configs[0] } : {}),
    jobIds,
    configs,
    estimate,
    limits,
  });
});
