"use client";
// A delete button that asks first: the first click shows what will go and a confirm button beside a keep button.
import { useState } from "react";
import { postAdmin } from "./admin-fetch";
import { formatBytes } from "@/lib/core/job-cost";

interface DeleteAnswer {
  outcome?: string;
  error?: string;
  message?: string;
  freedBytes?: number;
}

export function DeleteButton(props: {
  /** "/api/admin/runs/3/delete" or "/api/admin/jobs/7/delete". */
  url: string;
  /** What the confirmation names: 'run #3 "seed MLP" (230 MB)'. */
  what: string;
  csrfToken: string;
  onDone: (message: string) => Promise<void>;
}) {
  const [asking, setAsking] = useState(false);
  const [busy, setBusy] = useState(false);
  if (!asking)
    return (
      <button type="button" data-testid="delete" onClick={() => setAsking(true)}>
        Delete
      </button>
    );
  const confirm = async () => {
    setBusy(true);
    const { status, body } = await postAdmin<DeleteAnswer>(props.url, props.csrfToken);
    setBusy(false);
    setAsking(false);
    await props.onDone(
      status === 200
        ? `Deleted ${props.what}: ${formatBytes(body.freedBytes ?? 0)} freed, returned to the disk in the background.`
        : status === 202
          ? `Deleting ${props.what}: ${body.message ?? "its job is being cancelled first"}.`
          : `Not deleted: ${body.error ?? `HTTP ${status}`}.`,
    );
  };
  return (
    <span role="group" aria-label={`confirm deleting ${props.what}`}>
      <span>Delete {props.what} and everything recorded for it? </span>
      <button type="button" data-testid="confirm-delete" disabled={busy} onClick={() => void confirm()}>
        {busy ? "Deleting…" : "Yes, delete"}
      </button>{" "}
      <button type="button" disabled={busy} onClick={() => setAsking(false)}>
        Keep
      </button>
    </span>
  );
}
