"use client";
// The run pages' tabs (overview, confusion, errors, embeddings, dynamics), the current one marked from the pathname.
import Link from "next/link";
import { usePathname } from "next/navigation";

export function RunTabs({ runId }: { runId: number }) {
  const pathname = usePathname();
  const base = `/runs/${runId}`;
  const tabs = [
    { href: base, label: "Overview", active: pathname === base },
    { href: `${base}/confusion`, label: "Confusion", active: pathname.startsWith(`${base}/confusion`) },
    {
      href: `${base}/errors`,
      label: "Errors",
      active: pathname.startsWith(`${base}/errors`) || pathname.startsWith(`${base}/digits`),
    },
    { href: `${base}/embeddings`, label: "Embeddings", active: pathname.startsWith(`${base}/embeddings`) },
    { href: `${base}/dynamics`, label: "Dynamics", active: pathname.startsWith(`${base}/dynamics`) },
    { href: `${base}/labels`, label: "Labels", active: pathname.startsWith(`${base}/labels`) },
    // Pages of their own, outside /runs/[id]: never the current tab.
    { href: `/pairs?run=${runId}`, label: "Pairs", active: false },
    { href: `/compare?runs=${runId}`, label: "Compare", active: false },
  ];
  return (
    <nav className="tabs" aria-label="run views">
      {tabs.map((t) => (
        <Link
          key={t.href}
          href={t.href}
          className={t.active ? "tab tab-active" : "tab"}
          aria-current={t.active ? "page" : undefined}
        >
          {t.label}
        </Link>
      ))}
    </nav>
  );
}
