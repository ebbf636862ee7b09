"use client";
// Filters (true class, predicted class) and sort order of the gallery; each change is a new URL.
import { useRouter } from "next/navigation";
import { galleryQuery, type GallerySort, type GalleryView } from "@/lib/core/view-state";
import { NUM_CLASSES } from "@/lib/core/constants";

const SORT_LABELS: Record<GallerySort, string> = {
  "confidence-desc": "most confident mistakes first",
  "confidence-asc": "least confident first",
  index: "test index",
};

export function GalleryControls({ runId, view }: { runId: number; view: GalleryView }) {
  const router = useRouter();
  const go = (next: Partial<GalleryView>) =>
    router.push(`/runs/${runId}/errors${galleryQuery({ ...view, page: 1, ...next })}`, { scroll: false });
  const classOf = (v: string) => (v === "" ? null : Number(v));
  return (
    <form className="controls" data-testid="gallery-controls" onSubmit={(e) => e.preventDefault()}>
      <label>
        true class
        <select
          value={view.trueLabel ?? ""}
          onChange={(e) => go({ trueLabel: classOf(e.target.value) })}
          data-testid="filter-true"
        >
          <option value="">any</option>
          {Array.from({ length: NUM_CLASSES }, (_, c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        predicted
        <select
          value={view.predicted ?? ""}
          onChange={(e) => go({ predicted: classOf(e.target.value) })}
          data-testid="filter-pred"
        >
          <option value="">any</option>
          {Array.from({ length: NUM_CLASSES }, (_, c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </select>
      </label>
      <label>
        sort
        <select value={view.sort} onChange={(e) => go({ sort: e.target.value as GallerySort })} data-testid="sort">
          {Object.entries(SORT_LABELS).map(([k, label]) => (
            <option key={k} value={k}>
              {label}
            </option>
          ))}
        </select>
      </label>
    </form>
  );
}
