// Embedding explorer: PCA, t-SNE and UMAP layouts of each hidden layer per epoch and of the final test set, on a
// canvas; while the run trains or projects, new layouts join it as they are stored.
import type { Metadata } from "next";
import { notFound } from "next/navigation";
import { getDb } from "@/lib/db/client";
import { fetchExplorerCatalog } from "@/lib/features/explorer/catalog";
import { parseExplorerView, parseRunId, type RawSearchParams } from "@/lib/core/view-state";
import { LiveExplorer } from "./_components/live-explorer";

export const dynamic = "force-dynamic";

interface Props {
  params: Promise<{ id: string }>;
  searchParams: Promise<RawSearchParams>;
}

export async function generateMetadata({ params }: Props): Promise<Metadata> {
  return { title: `Embeddings · run ${(await params).id}` };
}

export default async function EmbeddingsPage({ params, searchParams }: Props) {
  const id = parseRunId((await params).id);
  const [catalog, view] = await Promise.all([
    id === null ? null : fetchExplorerCatalog(getDb(), id),
    searchParams.then(parseExplorerView),
  ]);
  if (!catalog?.points || id === null) notFound();
  return <LiveExplorer runId={id} initial={{ ...catalog, points: catalog.points }} view={view} />;
}
