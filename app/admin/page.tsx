// Admin: queue a training job with chosen hyperparameters (its estimated time and storage beside the server's limits),
// watch, cancel, retry or delete jobs, and delete runs. Login required.
import type { Metadata } from "next";
import { requireAdminPage } from "@/lib/features/auth/page";
import { getDb } from "@/lib/db/client";
import { fetchCalibrations } from "@/lib/features/jobs/calibration";
import { jobFormSpecs } from "@/lib/core/job-form-fields";
import { fetchJobViews, fetchWorkerViews } from "@/lib/features/jobs/view";
import { fetchAdminStorage } from "@/lib/features/jobs/admin-storage";
import { costLimitsFromEnv } from "@/lib/features/jobs/submit";
import { AdminConsole } from "./_components/admin-console";
import { LogoutButton } from "./_components/logout-button";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Admin" };

export default async function AdminPage() {
  const session = await requireAdminPage("/admin");
  const db = getDb();
  const [jobs, workers, calibrations, storage] = await Promise.all([
    fetchJobViews(db),
    fetchWorkerViews(db),
    fetchCalibrations(db),
    fetchAdminStorage(db),
  ]);
  return (
    <>
      <div style={{ display: "flex", justifyContent: "space-between", alignItems: "center", gap: 16 }}>
        <h1>Admin</h1>
        <LogoutButton csrfToken={session.csrfToken} />
      </div>
      <AdminConsole
        csrfToken={session.csrfToken}
        initialJobs={jobs}
        initialWorkers={workers}
        specs={jobFormSpecs()}
        calibrations={calibrations}
        limits={costLimitsFromEnv()}
        initialStorage={storage}
      />
    </>
  );
}
