"use client";
// Loads attribution maps from the route (float32 [784] plus the X-Attribution metadata) for the inspector's figures.
import { useEffect, useState } from "react";
import {
  ATTRIBUTION_HEADER,
  attributionSearch,
  decodeAttributionMeta,
  type AttributionMeta,
  type AttributionMethod,
  type BaselineKind,
  type ClassChoice,
} from "@/lib/core/attribution";

export interface AttributionMap {
  /** [784] */
  values: Float32Array;
  meta: AttributionMeta;
}

/** A stored checkpoint the inspector can explain: "best" or "epoch-N", and the epoch its weights are from. */
export interface CheckpointChoice {
  kind: string;
  epoch: number;
}

export interface MapRequest {
  method: AttributionMethod;
  baseline: BaselineKind;
  classChoice: ClassChoice;
  checkpoint: string;
}

export function attributionUrl(runId: number, index: number, request: MapRequest): string {
  return `/api/runs/${runId}/digits/${index}/attribution${attributionSearch(request)}`;
}

async function fetchMap(
  runId: number,
  index: number,
  request: MapRequest,
  signal: AbortSignal,
): Promise<AttributionMap> {
  const res = await fetch(attributionUrl(runId, index, request), { signal });
  if (!res.ok) {
    const body = (await res.json().catch(() => ({}))) as { error?: string };
    throw new Error(body.error ?? `HTTP ${res.status}`);
  }
  const meta = decodeAttributionMeta(res.headers.get(ATTRIBUTION_HEADER));
  if (!meta) throw new Error("the answer carried no attribution metadata");
  return { values: new Float32Array(await res.arrayBuffer()), meta };
}

export type MapsState =
  { status: "loading" } | { status: "error"; error: string } | { status: "ok"; maps: AttributionMap[] };

/**
 * The maps of `requests` (in order, one request after another so the 2-core server is not flooded), reloaded when
 * `key` changes; a superseded load is aborted.
 */
export function useAttributionMaps(runId: number, index: number, requests: MapRequest[], key: string): MapsState {
  const [state, setState] = useState<{ key: string; value: MapsState }>({ key: "", value: { status: "loading" } });
  useEffect(() => {
    const controller = new AbortController();
    (async () => {
      const maps: AttributionMap[] = [];
      for (const request of requests) maps.push(await fetchMap(runId, index, request, controller.signal));
      return maps;
    })().then(
      (maps) => setState({ key, value: { status: "ok", maps } }),
      (err: Error) => {
        if (!controller.signal.aborted) setState({ key, value: { status: "error", error: err.message } });
      },
    );
    return () => controller.abort();
    // `key` stands for `requests`: a new array of the same requests must not reload.
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [runId, index, key]);
  return state.key === key ? state.value : { status: "loading" };
}
