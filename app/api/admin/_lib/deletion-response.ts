// The answer of both delete routes (a run, a job): 200 with the bytes freed, 202 while a running job is cancelled
// first (the deletion then finishes after the answer), 404 or 409 otherwise. Space goes back to the filesystem after
// the answer, in bounded steps (lib/features/jobs/deletion.ts).
import { after } from "next/server";
import { jsonResponse } from "@/lib/features/auth/request";
import type { Db } from "@/lib/db/client";
import { readStorage } from "@/lib/db/deletion";
import { deleteWhenStopped, reclaimInSteps, requestDeletion, type DeletionTarget } from "@/lib/features/jobs/deletion";

export async function deletionResponse(db: Db, target: DeletionTarget): Promise<Response> {
  const what = "runId" in target ? `run ${target.runId}` : `job ${target.jobId}`;
  const result = await requestDeletion(db, target);
  switch (result.outcome) {
    case "deleted": {
      after(() => reclaimInSteps(db));
      return jsonResponse(200, { ...result, storage: await readStorage(db) });
    }
    case "cancelling":
      after(async () => {
        const late = await deleteWhenStopped(db, target);
        if (late.outcome === "deleted") await reclaimInSteps(db);
        else console.error(`${what}: not deleted after its job was cancelled (${late.outcome})`);
      });
      return jsonResponse(202, {
        outcome: result.outcome,
        jobId: result.jobId,
        message: `job ${result.jobId} is being cancelled (it stops after the current batch); ${what} is deleted once it has stopped`,
      });
    case "not-found":
      return jsonResponse(404, { outcome: result.outcome, error: `no ${what}` });
    case "run-active":
      return jsonResponse(409, {
        outcome: result.outcome,
        error: `${what} is still training outside the job queue (npm run train): stop that process first`,
      });
    case "job-active":
      return jsonResponse(409, { outcome: result.outcome, error: `job ${result.jobId} is still ${result.jobStatus}` });
  }
}
