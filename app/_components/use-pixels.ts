"use client";
// Fetches a binary of digit pixels (uint8 [k, 784]) once per URL for the client galleries.
import { useEffect, useState } from "react";

/** The bytes at `url` (null while loading, or when `url` is undefined) and a readable error if the request failed. */
export function usePixels(url: string | undefined): { pixels: Uint8Array | null; error: string | null } {
  const [pixels, setPixels] = useState<Uint8Array | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    if (!url) return;
    let cancelled = false;
    fetch(url)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        const buffer = new Uint8Array(await res.arrayBuffer());
        if (!cancelled) setPixels(buffer);
      })
      .catch((err: unknown) => !cancelled && setError(`could not load the digits' pixels: ${String(err)}`));
    return () => {
      cancelled = true;
    };
  }, [url]);
  return { pixels, error };
}
