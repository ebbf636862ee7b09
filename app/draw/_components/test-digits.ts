"use client";
// Single test digits' pixels from the run's pixel binary (uint8 [testSize, 784]) by byte range, cached per page.
import { IMAGE_PIXELS } from "@/lib/core/constants";

const cache = new Map<string, Promise<Uint8Array>>();

/** Test digit `row`'s pixels, uint8 [784] 0..255, of run `runId`'s test subset (row r is test digit r). */
export function fetchTestDigit(runId: number, row: number): Promise<Uint8Array> {
  const key = `${runId}/${row}`;
  let pending = cache.get(key);
  if (!pending) {
    pending = (async () => {
      const start = row * IMAGE_PIXELS;
      const res = await fetch(`/api/runs/${runId}/projections/pixels?subset=test`, {
        headers: { Range: `bytes=${start}-${start + IMAGE_PIXELS - 1}` },
      });
      if (res.status !== 206) throw new Error(`test digit ${row}: the pixels answered ${res.status}`);
      const bytes = new Uint8Array(await res.arrayBuffer());
      if (bytes.length !== IMAGE_PIXELS) throw new Error(`test digit ${row}: ${bytes.length} bytes, expected 784`);
      return bytes;
    })();
    pending.catch(() => cache.delete(key));
    cache.set(key, pending);
  }
  return pending;
}
