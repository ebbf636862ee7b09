// The digit inspector's "suspect label" badge: shown when the run's own test probabilities make the digit a label issue.
import Link from "next/link";
import { getDb } from "@/lib/db/client";
import { fetchRunSuspectMap } from "@/lib/features/labels/suspects";
import { loadMnist } from "@/lib/mnist/dataset";
import { SuspectBadge } from "@/app/_components/suspect-badge";

export async function RunSuspectBadge({ runId, index }: { runId: number; index: number }) {
  const suggested = (await fetchRunSuspectMap(getDb(), runId)).get(index);
  if (suggested === undefined) return null;
  return (
    <p>
      <Link href={`/runs/${runId}/labels`}>
        <SuspectBadge given={loadMnist().test.labels[index]!} suggested={suggested} detailed />
      </Link>
    </p>
  );
}
