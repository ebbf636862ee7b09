"use client";
// An admin's review of one digit's label: mislabelled (with the right label), ambiguous or fine, POSTed with the
// session's CSRF token; the page is refreshed so the figures that count reviews follow.
import { useRouter } from "next/navigation";
import { useState } from "react";

const CLASSES = [0, 1, 2, 3, 4, 5, 6, 7, 8, 9];

export function ReviewButtons(props: {
  csrfToken: string;
  subset: "test" | "train";
  index: number;
  given: number;
  suggested: number;
}) {
  const router = useRouter();
  const [corrected, setCorrected] = useState(props.suggested);
  const [state, setState] = useState<"idle" | "saving" | "saved" | string>("idle");

  async function send(verdict: "mislabelled" | "ambiguous" | "fine") {
    setState("saving");
    try {
      const res = await fetch("/api/admin/labels/reviews", {
        method: "POST",
        headers: { "Content-Type": "application/json", "x-csrf-token": props.csrfToken },
        credentials: "same-origin",
        body: JSON.stringify({
          subset: props.subset,
          index: props.index,
          verdict,
          ...(verdict === "mislabelled" ? { correctedLabel: corrected } : {}),
        }),
      });
      if (res.status !== 201) {
        const answer = (await res.json().catch(() => ({}))) as { error?: string };
        setState(answer.error ?? `not saved (HTTP ${res.status})`);
        return;
      }
      setState("saved");
      router.refresh();
    } catch (err) {
      setState(`cannot reach the server: ${(err as Error).message}`);
    }
  }

  return (
    <span className="review-buttons" data-testid="review-buttons" data-state={state}>
      <select
        aria-label={`corrected label of digit ${props.index}`}
        value={corrected}
        onChange={(e) => setCorrected(Number(e.target.value))}
        data-testid="review-corrected"
      >
        {CLASSES.map((c) => (
          <option key={c} value={c} disabled={c === props.given}>
            {c}
          </option>
        ))}
      </select>
      <button
        type="button"
        onClick={() => send("mislabelled")}
        disabled={state === "saving"}
        data-testid="review-mislabelled"
      >
        mislabelled
      </button>
      <button
        type="button"
        onClick={() => send("ambiguous")}
        disabled={state === "saving"}
        data-testid="review-ambiguous"
      >
        ambiguous
      </button>
      <button type="button" onClick={() => send("fine")} disabled={state === "saving"} data-testid="review-fine">
        fine
      </button>
      {state !== "idle" && state !== "saving" && state !== "saved" ? <span role="alert">{state}</span> : null}
    </span>
  );
}
