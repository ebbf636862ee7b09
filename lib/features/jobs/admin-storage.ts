// What the admin page shows about the database's size: every run with the bytes it holds, and the file's size with
// the part freed by deletions that is still being returned to the filesystem. Plain values for the browser.
import "server-only";
import type { Db } from "../../db/client";
import { listRunSizes, readStorage, type StorageFigures } from "../../db/deletion";

export interface RunSizeView {
  id: number;
  name: string;
  status: string;
  jobId: number | null;
  createdAt: string;
  bytes: number;
}

export interface AdminStorage {
  storage: StorageFigures;
  runs: RunSizeView[];
}

export async function fetchAdminStorage(db: Db): Promise<AdminStorage> {
  const [storage, runs] = await Promise.all([readStorage(db), listRunSizes(db)]);
  return { storage, runs: runs.map((r) => ({ ...r, createdAt: r.createdAt.toISOString() })) };
}
