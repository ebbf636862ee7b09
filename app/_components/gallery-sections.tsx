"use client";
// Several digit galleries drawn from ONE pixel binary (uint8 [k, 784], rows = the items' slots), fetched once.
import type { ReactNode } from "react";
import { DigitGallery, type GalleryItem } from "@/app/runs/[id]/_components/digit-gallery";
import { usePixels } from "./use-pixels";

export interface GallerySection {
  key: string;
  title: ReactNode;
  note?: ReactNode;
  testId: string;
  items: GalleryItem[];
  /** Link of each thumbnail (by test index) to the digit inspector. */
  hrefOf: Record<number, string>;
  empty: string;
}

export function GallerySections({
  pixelsUrl,
  sections,
  className,
}: {
  pixelsUrl: string;
  sections: GallerySection[];
  className?: string;
}) {
  const { pixels, error } = usePixels(pixelsUrl);
  return (
    <>
      {error ? <p className="callout callout-bad">{error}</p> : null}
      <div className={className}>
        {sections.map((s) => (
          <section key={s.key} data-testid={s.testId} data-count={s.items.length}>
            <h3>{s.title}</h3>
            {s.note ? <p className="muted">{s.note}</p> : null}
            {s.items.length ? (
              <DigitGallery items={s.items} pixels={pixels} hrefOf={s.hrefOf} />
            ) : (
              <p className="muted">{s.empty}</p>
            )}
          </section>
        ))}
      </div>
    </>
  );
}
