"use client";
// Keeps the explorer's catalog current while the run trains or its job projects: a poll every POLL_MS with
// If-None-Match (unchanged = an empty 304), paused while the tab is hidden, stopped once nothing runs.
import { useEffect, useRef, useState } from "react";
import { catalogEtag, catalogUrl, type SubsetPoints } from "@/lib/chart/scatter-view";
import type { Subset } from "@/lib/core/projection";
import type { ExplorerCatalog } from "@/lib/features/explorer/catalog";
import { RUN_HEADER_EVENT, type RunHeaderDetail } from "../../_components/run-status";

export const POLL_MS = 2000;

/** The catalog as the client holds it: always with points (a poll sends them only when they changed). */
export type ClientCatalog = Omit<ExplorerCatalog, "points"> & { points: Record<Subset, SubsetPoints> };

/** Merges a polled catalog into the held one; `pointsStamp` moves only with the points it describes. */
function merge(held: ClientCatalog, next: ExplorerCatalog): ClientCatalog {
  return next.points
    ? { ...next, points: next.points }
    : { ...next, points: held.points, pointsStamp: held.pointsStamp };
}

export function useLiveCatalog(runId: number, initial: ClientCatalog): ClientCatalog {
  const [catalog, setCatalog] = useState(initial);
  // A server render (a navigation back to the tab) brings a catalog as new props: adopt it when it differs.
  // Kept by setting state during render (React's pattern for values derived from earlier renders), not in an effect.
  const [seenInitial, setSeenInitial] = useState(initial);
  if (initial !== seenInitial) {
    setSeenInitial(initial);
    if (initial.stamp !== catalog.stamp) setCatalog(initial);
  }
  const held = useRef(catalog);
  useEffect(() => {
    held.current = catalog;
  }, [catalog]);

  const active = catalog.progress.active;
  useEffect(() => {
    if (!active) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight: AbortController | null = null;
    let stopped = false;
    const poll = async () => {
      timer = undefined;
      if (stopped || document.hidden) return;
      const have = held.current;
      inFlight = new AbortController();
      try {
        const res = await fetch(catalogUrl(runId, { points: have.pointsStamp }), {
          cache: "no-store",
          headers: { "If-None-Match": catalogEtag(runId, have.stamp) },
          signal: inFlight.signal,
        });
        if (res.status === 200 && !stopped) {
          const next = merge(have, (await res.json()) as ExplorerCatalog);
          held.current = next;
          setCatalog(next);
          // The run's header (status, epochs) lives in the layout. Not router.refresh(): the explorer rewrites its URL
          // with history.replaceState, and a refresh was seen to reload the whole document then (Next 16.4).
          if (next.header.status !== have.header.status || next.header.epochsRecorded !== have.header.epochsRecorded) {
            const detail: RunHeaderDetail = { runId, ...next.header };
            window.dispatchEvent(new CustomEvent(RUN_HEADER_EVENT, { detail }));
          }
        }
      } catch {
        // Offline, a restarting server, or aborted on unmount: the next tick asks again.
      }
      inFlight = null;
      if (!stopped && held.current.progress.active) timer = setTimeout(poll, POLL_MS);
    };
    const onVisibility = () => {
      if (!document.hidden && timer === undefined && inFlight === null) void poll();
    };
    document.addEventListener("visibilitychange", onVisibility);
    timer = setTimeout(poll, POLL_MS);
    return () => {
      stopped = true;
      clearTimeout(timer);
      inFlight?.abort();
      document.removeEventListener("visibilitychange", onVisibility);
    };
  }, [active, runId]);

  return catalog;
}
