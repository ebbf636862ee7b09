"use client";
// Re-renders a pair page when its run stores something new (an epoch, its separation figures, a layout) while the run
// trains or its job projects: a poll of the run's catalog stamp every POLL_MS (unchanged = an empty 304).
import { useRouter } from "next/navigation";
import { useEffect } from "react";
import { catalogEtag, catalogUrl } from "@/lib/chart/scatter-view";

const POLL_MS = 2000;

export function PairLiveRefresh({ runId, stamp }: { runId: number; stamp: string }) {
  const router = useRouter();
  useEffect(() => {
    let known = stamp;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let inFlight: AbortController | null = null;
    let stopped = false;
    const poll = async () => {
      timer = undefined;
      if (stopped || document.hidden) return;
      let active = true;
      inFlight = new AbortController();
      try {
        const res = await fetch(catalogUrl(runId, { only: "stamp" }), {
          cache: "no-store",
          headers: { "If-None-Match": catalogEtag(runId, `${known}-stamp`) },
          signal: inFlight.signal,
        });
        if (res.status === 200 && !stopped) {
          const body = (await res.json()) as { stamp: string; active: boolean };
          active = body.active;
          if (body.stamp !== known) {
            known = body.stamp;
            // A soft refresh: the server re-renders the page, the browser keeps its scroll, focus and this component.
            router.refresh();
          }
        }
      } catch {
        // Offline, a restarting server, or aborted on unmount: the next tick asks again.
      }
      inFlight = null;
      if (!stopped && active) timer = setTimeout(poll, POLL_MS);
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
  }, [runId, stamp, router]);
  return <span hidden data-testid="pair-live" data-stamp={stamp} />;
}
