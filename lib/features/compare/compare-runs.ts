// The runs a comparison shows, in the order asked: rows without blobs, epoch curves, config parsed.
import "server-only";
import type { Db } from "../../db/client";
import { listRunsWithEpochCurves } from "../../db/compare";

/** Compared runs in the order asked, without blobs, config parsed; null when any id is unknown. */
export async function fetchCompareRuns(db: Db, ids: readonly number[]) {
  const rows = await listRunsWithEpochCurves(db, ids);
  if (rows.length !== ids.length) return null;
  return ids.map((id) => {
    const { config, ...run } = rows.find((r) => r.id === id)!;
    let parsed: unknown = null;
    try {
      parsed = JSON.parse(config);
    } catch {
      // A malformed config shows as "—" in every row rather than failing the page.
    }
    return { ...run, config: parsed };
  });
}

export type CompareRun = NonNullable<Awaited<ReturnType<typeof fetchCompareRuns>>>[number];
