// POST /api/admin/sweeps: queue a hyperparameter sweep (lib/core/sweep-spec.ts's spec) as one job per combination
// or random draw, with the Sweep row, all or none; 400 with errors keyed by the spec's field, or with the summed
// estimate and the limits when over the server's cost limits.
import { authorizeAdmin, BodyError, jsonResponse, readJsonBody } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { costLimitsFromEnv } from "@/lib/features/jobs/submit";
import { submitSweep } from "@/lib/features/jobs/sweeps";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const POST = withBusyAnswer(async (request: Request): Promise<Response> => {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: true });
  if (!auth.ok) return auth.response;
  let body: unknown;
  try {
    body = await readJsonBody(request);
  } catch (err) {
    if (!(err instanceof BodyError)) throw err;
    return jsonResponse(err.status, { error: err.message, field: "body", errors: { body: [err.message] } });
  }
  const result = await submitSweep(db, body, `admin (session ${auth.session.id.slice(0, 8)})`, costLimitsFromEnv());
  if (!result.ok) {
    const { error, errors, estimate, limits } = result;
    // `field` names the first offending field, as the other routes' 400 answers do.
    return jsonResponse(400, { error, field: Object.keys(errors)[0] ?? "body", errors, estimate, limits });
  }
  const { sweepId, jobIds, estimate, limits } = result;
  return jsonResponse(201, { sweepId, jobIds, estimate, limits, url: `/sweeps/${sweepId}` });
});
