// The misclassified gallery's list: filter by true/predicted class, sort by confidence, page, neighbours (pure).
import type { GallerySort } from "../core/view-state";

/** One misclassified test digit. */
export interface ErrorItem {
  /** Test-set index (0-based). */
  index: number;
  trueLabel: number;
  predicted: number;
  /** Probability of the predicted class. */
  confidence: number;
  /** Probability given to the true class. */
  trueProb: number;
  /** Position in the run's misclassified array: the digit's slot in the pixel blob. */
  slot: number;
}

export interface ErrorFilter {
  trueLabel: number | null;
  predicted: number | null;
  sort: GallerySort;
}

/** Most confident mistakes first by default; ties by index so the order is stable. */
export function selectErrors(items: readonly ErrorItem[], filter: ErrorFilter): ErrorItem[] {
  const out = items.filter(
    (e) =>
      (filter.trueLabel === null || e.trueLabel === filter.trueLabel) &&
      (filter.predicted === null || e.predicted === filter.predicted),
  );
  if (filter.sort === "index") return out.sort((a, b) => a.index - b.index);
  const sign = filter.sort === "confidence-desc" ? -1 : 1;
  return out.sort((a, b) => sign * (a.confidence - b.confidence) || a.index - b.index);
}

export interface PageOf<T> {
  items: T[];
  page: number;
  pages: number;
  /** 0-based position of the first item in the whole list. */
  start: number;
}

/** Page `page` (1-based, clamped to the last page) of `size` items. */
export function pageOf<T>(list: readonly T[], page: number, size: number): PageOf<T> {
  const pages = Math.max(1, Math.ceil(list.length / size));
  const p = Math.min(Math.max(1, page), pages);
  const start = (p - 1) * size;
  return { items: list.slice(start, start + size), page: p, pages, start };
}

/** The items before and after test index `index` in `list`'s order; by index order when it is not in the list. */
export function neighbours(
  list: readonly ErrorItem[],
  index: number,
): { prev: ErrorItem | null; next: ErrorItem | null } {
  const at = list.findIndex((e) => e.index === index);
  if (at >= 0) return { prev: list[at - 1] ?? null, next: list[at + 1] ?? null };
  let prev: ErrorItem | null = null;
  let next: ErrorItem | null = null;
  for (const e of list) {
    if (e.index < index && (prev === null || e.index > prev.index)) prev = e;
    if (e.index > index && (next === null || e.index < next.index)) next = e;
  }
  return { prev, next };
}
