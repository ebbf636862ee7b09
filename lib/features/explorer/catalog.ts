// What the explorer's page and its poll receive: the catalog of layouts, the points, and what the run is doing, with a
// stamp that changes whenever any of it may have, so an unchanged poll is answered from three small aggregates.
import "server-only";
import { createHash } from "node:crypto";
import type { Db } from "../../db/client";
import { getRunActivity, getStoredCounts, type RunActivity } from "../../db/projection-index";
import type { SeriesInfo, SubsetPoints } from "../../chart/scatter-view";
import { describeProgress, type ProjectionProgress, type Subset } from "../../core/projection";
import { listSources } from "../projection/sources";
import { fetchExplorerPoints } from "./points";
import { fetchExplorerSeries, layoutCoverage } from "./series";

/** Whether the pages should keep polling: the run trains, or its job still works on it (pairs, projections). */
export function isRunActive(activity: Pick<RunActivity, "status" | "job">): boolean {
  return activity.status === "running" || activity.status === "queued" || activity.job?.status === "running";
}

export interface CatalogStamp {
  /** Changes when the run's status, epochs, job stage, layouts, embeddings or pair cells change (opaque). */
  stamp: string;
  /** Changes when the points' predictions may have (a new epoch, the final predictions): the points are resent. */
  pointsStamp: string;
  active: boolean;
  activity: RunActivity;
}

function digest(parts: ReadonlyArray<string | number | boolean | null>): string {
  return createHash("sha1").update(parts.join("|")).digest("base64url").slice(0, 16);
}

/** The run's stamp from a handful of small reads; null for an unknown run. */
export async function fetchCatalogStamp(db: Db, runId: number): Promise<CatalogStamp | null> {
  const [activity, counts] = await Promise.all([getRunActivity(db, runId), getStoredCounts(db, runId)]);
  if (!activity) return null;
  const pointsStamp = `${activity.epochsRecorded}${activity.hasFinalPredictions ? "f" : ""}`;
  const stamp = digest([
    activity.status,
    activity.job?.status ?? null,
    activity.job?.stage ?? null,
    activity.epochsPlanned,
    pointsStamp,
    counts.layouts,
    counts.lastLayoutId,
    counts.lastLayoutAt,
    counts.embeddings,
    counts.cells,
    counts.lastCellId,
  ]);
  return { stamp, pointsStamp, active: isRunActive(activity), activity };
}

/** The explorer's whole state of a run; `points` only when the caller's are older (null: they are still current). */
export interface ExplorerCatalog {
  stamp: string;
  pointsStamp: string;
  /** Run status and epochs recorded, as the run pages' header shows them. */
  header: { status: string; epochsRecorded: number };
  series: SeriesInfo[];
  progress: ProjectionProgress;
  /** What the progress line says, null when nothing runs. */
  message: string | null;
  points: Record<Subset, SubsetPoints> | null;
}

/**
 * Reads the stamp first, then the data, so the data is at least as new as the stamp: a change in between is seen
 * by the next poll again rather than lost. Null for an unknown run.
 */
export async function fetchExplorerCatalog(
  db: Db,
  runId: number,
  options: { havePoints?: string } = {},
): Promise<ExplorerCatalog | null> {
  const stamp = await fetchCatalogStamp(db, runId);
  if (!stamp) return null;
  const withPoints = options.havePoints !== stamp.pointsStamp;
  const [series, sources, points] = await Promise.all([
    fetchExplorerSeries(db, runId),
    listSources(db, runId),
    withPoints ? fetchExplorerPoints(db, runId) : Promise.resolve(null),
  ]);
  const { activity } = stamp;
  const coverage = layoutCoverage(series, sources);
  const progress: ProjectionProgress = {
    active: stamp.active,
    training: activity.status === "running" || activity.status === "queued",
    jobStage: activity.job?.status === "running" ? activity.job.stage : null,
    epochsPlanned: activity.epochsPlanned,
    epochsRecorded: activity.epochsRecorded,
    ...coverage,
  };
  return {
    stamp: stamp.stamp,
    pointsStamp: stamp.pointsStamp,
    header: { status: activity.status, epochsRecorded: activity.epochsRecorded },
    series,
    progress,
    message: describeProgress(progress),
    points,
  };
}
