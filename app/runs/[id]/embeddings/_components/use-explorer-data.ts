"use client";
// Client loaders of the explorer's binaries: every layout of a series (float32 [rows, 2] each), a subset's pixels, neighbours.
import { useEffect, useState } from "react";
import {
  neighboursUrl,
  pixelsUrl,
  projectionUrl,
  type DigitProbabilities,
  type NeighboursQuery,
  type SeriesInfo,
  type Subset,
} from "@/lib/chart/scatter-view";
import { loadDigitProbabilities } from "../actions";

/** Layouts already fetched in this tab, by URL (the HTTP cache keeps them across reloads). */
const layoutCache = new Map<string, Promise<Float32Array>>();

async function fetchBinary(url: string): Promise<ArrayBuffer> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`);
  return res.arrayBuffer();
}

function fetchLayout(url: string): Promise<Float32Array> {
  let pending = layoutCache.get(url);
  if (!pending) {
    pending = fetchBinary(url).then((b) => new Float32Array(b));
    pending.catch(() => layoutCache.delete(url));
    layoutCache.set(url, pending);
  }
  return pending;
}

export interface SeriesLayouts {
  /** The URLs the layouts belong to, so a render never pairs a new series with the previous one's layouts. */
  key: string;
  layouts: Float32Array[];
}

/** Every frame of `series`, fetched in parallel (a 16-epoch probe series of 2,000 points is 16 × 16 kB). */
export function useSeriesLayouts(
  runId: number,
  series: SeriesInfo | null,
): { data: SeriesLayouts | null; error: string | null } {
  const urls = series ? series.frames.map((f) => projectionUrl(runId, series, f)) : [];
  const key = urls.join("|");
  const [state, setState] = useState<{ data: SeriesLayouts | null; error: string | null }>({ data: null, error: null });
  useEffect(() => {
    if (!key) return;
    let cancelled = false;
    Promise.all(key.split("|").map(fetchLayout))
      .then((layouts) => !cancelled && setState({ data: { key, layouts }, error: null }))
      .catch(
        (err: unknown) => !cancelled && setState({ data: null, error: `could not load the layout: ${String(err)}` }),
      );
    return () => {
      cancelled = true;
    };
  }, [key]);
  return { data: state.data?.key === key ? state.data : null, error: state.error };
}

/** The subset's pixels uint8 [rows, 784], one request (7.8 MB for 10,000 test digits, cached an hour). */
export function useSubsetPixels(runId: number, subset: Subset): Uint8Array | null {
  const url = pixelsUrl(runId, subset);
  const [state, setState] = useState<{ url: string; pixels: Uint8Array } | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetchBinary(url)
      .then((b) => !cancelled && setState({ url, pixels: new Uint8Array(b) }))
      .catch(() => undefined);
    return () => {
      cancelled = true;
    };
  }, [url]);
  return state?.url === url ? state.pixels : null;
}

export interface NeighbourList {
  row: number;
  neighbours: Array<{ row: number; distance: number }>;
  computeMs: number;
}

/** The k nearest neighbours of `query.row` in the original space, computed by the server on demand. */
export function useNeighbours(
  runId: number,
  query: NeighboursQuery | null,
): { data: NeighbourList | null; error: string | null } {
  const url = query ? neighboursUrl(runId, query) : null;
  const [state, setState] = useState<{ url: string; data: NeighbourList | null; error: string | null } | null>(null);
  useEffect(() => {
    if (!url || !query) return;
    let cancelled = false;
    fetch(url)
      .then(async (res) => {
        const body = (await res.json()) as {
          neighbours?: NeighbourList["neighbours"];
          computeMs?: number;
          error?: string;
        };
        if (!res.ok || !body.neighbours) throw new Error(body.error ?? `${res.status}`);
        if (!cancelled)
          setState({
            url,
            data: { row: query.row, neighbours: body.neighbours, computeMs: body.computeMs ?? 0 },
            error: null,
          });
      })
      .catch(
        (err: unknown) =>
          !cancelled && setState({ url, data: null, error: `could not load the neighbours: ${String(err)}` }),
      );
    return () => {
      cancelled = true;
    };
    // The URL encodes the whole query, so it alone decides when to refetch.
    // eslint-disable-next-line react-hooks/exhaustive-deps -- `query` is read for its row only, which the URL holds
  }, [url]);
  return state && state.url === url ? { data: state.data, error: state.error } : { data: null, error: null };
}

/** Probabilities already asked for in this tab, by "run/index": the page shows a fixed set of epochs until it is reloaded. */
const probabilityCache = new Map<string, Promise<DigitProbabilities | null>>();

/** One test digit's predicted probabilities (final and per epoch), through a server action; cached per digit. */
export function useDigitProbabilities(
  runId: number,
  index: number | null,
): { data: DigitProbabilities | null; error: string | null } {
  const key = index === null ? null : `${runId}/${index}`;
  const [state, setState] = useState<{ key: string; data: DigitProbabilities | null; error: string | null } | null>(
    null,
  );
  useEffect(() => {
    if (key === null || index === null) return;
    let pending = probabilityCache.get(key);
    if (!pending) {
      pending = loadDigitProbabilities(runId, index);
      pending.catch(() => probabilityCache.delete(key));
      probabilityCache.set(key, pending);
    }
    let cancelled = false;
    pending
      .then(
        (data) =>
          !cancelled && setState({ key, data, error: data ? null : "no probabilities recorded for this digit" }),
      )
      .catch(
        (err: unknown) =>
          !cancelled && setState({ key, data: null, error: `could not load the probabilities: ${String(err)}` }),
      );
    return () => {
      cancelled = true;
    };
  }, [runId, index, key]);
  return state && state.key === key ? { data: state.data, error: state.error } : { data: null, error: null };
}
