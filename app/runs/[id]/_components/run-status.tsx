"use client";
// The run header's status and epoch count; pages that poll the run themselves (the Embeddings tab) update it in place
// through a window event, since refreshing the server layout would re-render a page whose URL they rewrote.
import { useEffect, useState } from "react";

/** Dispatched on window with RunHeaderDetail when a poll sees the run's status or epochs move. */
export const RUN_HEADER_EVENT = "mnist-lens:run-header";

export interface RunHeaderDetail {
  runId: number;
  status: string;
  epochsRecorded: number;
}

interface Props extends RunHeaderDetail {
  epochsPlanned: number;
  architecture: string;
  backend: string;
}

export function RunStatus(props: Props) {
  const [live, setLive] = useState({ status: props.status, epochs: props.epochsRecorded });
  // A server render (navigation, refresh) brings newer props: they win over an earlier event.
  const [seen, setSeen] = useState(props);
  if (seen !== props) {
    setSeen(props);
    setLive({ status: props.status, epochs: props.epochsRecorded });
  }
  useEffect(() => {
    const onHeader = (e: Event) => {
      const d = (e as CustomEvent<RunHeaderDetail>).detail;
      if (d.runId === props.runId) setLive({ status: d.status, epochs: d.epochsRecorded });
    };
    window.addEventListener(RUN_HEADER_EVENT, onHeader);
    return () => window.removeEventListener(RUN_HEADER_EVENT, onHeader);
  }, [props.runId]);
  return (
    <>
      <span className={`status status-${live.status}`} data-testid="run-status">
        {live.status}
      </span>
      <span className="muted">
        {props.architecture.toUpperCase()} · {props.backend} · {live.epochs}/{props.epochsPlanned} epochs
      </span>
    </>
  );
}
