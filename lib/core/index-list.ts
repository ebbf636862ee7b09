// A comma-separated list of non-negative integer indices from a URL (the data map's pixel requests), validated.

/** Thumbnails a single pixel request may ask for: 500 × 784 bytes = 392 KB. */
export const MAX_PIXEL_INDICES = 500;

/** The indices of "3,17,42" (1..max of them, each a plain non-negative integer); null for anything else. */
export function parseIndexList(text: string, max: number): number[] | null {
  if (!/^\d{1,6}(,\d{1,6})*$/.test(text)) return null;
  const indices = text.split(",").map(Number);
  return indices.length <= max ? indices : null;
}
