"use client";
// Several digit galleries drawn from ONE pixel binary (uint8 [k, 784], rows = the items' slots), fetched once.
import { useEffect, useState, type ReactNode } from "react";
import { DigitGallery, type GalleryItem } from "@/app/runs/[id]/_components/digit-gallery";

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

export function GallerySections({ pixelsUrl, sections, className }: { pixelsUrl: string; sections: GallerySection[]; className?: string }) {
  const [pixels, setPixels] = useState<Uint8Array | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let cancelled = false;
    fetch(pixelsUrl)
      .then(async (res) => {
        if (!res.ok) throw new Error(`${res.status} ${res.statusText}`);
        const buffer = new Uint8Array(await res.arrayBuffer());
        if (!cancelled) setPixels(buffer);
      })
      .catch((err: unknown) => !cancelled && setError(`could not load the digits' pixels: ${String(err)}`));
    return () => {
      cancelled = true;
    };
  }, [pixelsUrl]);
  return (
    <>
      {error ? <p className="callout callout-bad">{error}</p> : null}
      <div className={className}>
        {sections.map((s) => (
          <section key={s.key} data-testid={s.testId} data-count={s.items.length}>
            <h3>{s.title}</h3>
            {s.note ? <p className="muted">{s.note}</p> : null}
            {s.items.length ? <DigitGallery items={s.items} pixels={pixels} hrefOf={s.hrefOf} /> : <p className="muted">{s.empty}</p>}
          </section>
        ))}
      </div>
    </>
  );
}
