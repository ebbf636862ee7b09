// /draw: draw a digit (or edit a test digit) and watch a run's model, running in the browser, read it.
import type { Metadata } from "next";
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { fetchDrawPage } from "@/lib/features/draw/draw-page";
import { parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { DrawPlayground } from "./_components/draw-playground";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Draw a digit" };

export default async function DrawPage({ searchParams }: { searchParams: Promise<RawSearchParams> }) {
  const raw = (await searchParams).run;
  const requested = typeof raw === "string" ? parseRunId(raw) : null;
  const { runs, selected } = await fetchDrawPage(getDb(), requested);
  return (
    <>
      <h1>Draw a digit</h1>
      {!selected ? (
        <p className="callout" data-testid="draw-no-runs">
          No finished run has a stored model yet: train one from the <Link href="/admin">admin page</Link>.
        </p>
      ) : (
        <>
          <form action="/draw" className="controls" data-testid="draw-run-picker">
            <label>
              Run{" "}
              <select name="run" defaultValue={selected.id}>
                {runs.map((r) => (
                  <option key={r.id} value={r.id}>
                    #{r.id} {r.name} ({r.architecture}
                    {r.testAccuracy === null ? "" : `, ${(r.testAccuracy * 100).toFixed(1)}% test accuracy`})
                  </option>
                ))}
              </select>
            </label>{" "}
            <button type="submit">Show</button>
          </form>
          <p className="muted">
            Draw with the mouse, a finger or a pen. The drawing is scaled and centred the way MNIST&apos;s digits were
            (its bounding box fitted to 20 × 20 pixels, centred by its centre of mass in 28 × 28), then{" "}
            <Link href={`/runs/${selected.id}`}>run #{selected.id}</Link>&apos;s best checkpoint reads it in your
            browser.
          </p>
          <DrawPlayground key={selected.id} run={selected} />
        </>
      )}
    </>
  );
}
