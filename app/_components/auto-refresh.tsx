"use client";
// Re-renders the server page every `intervalMs` while `active`: how running runs update without a reload.
import { usePathname, useRouter } from "next/navigation";
import { useEffect } from "react";

interface Props {
  active: boolean;
  intervalMs?: number;
  /** Pages under this path keep themselves current (they poll what they show and refresh when it changes). */
  exceptUnder?: string;
}

export function AutoRefresh({ active, intervalMs = 2000, exceptUnder }: Props) {
  const router = useRouter();
  const pathname = usePathname();
  const paused = exceptUnder !== undefined && pathname.startsWith(exceptUnder);
  useEffect(() => {
    if (!active || paused) return;
    const timer = setInterval(() => router.refresh(), intervalMs);
    return () => clearInterval(timer);
  }, [active, paused, intervalMs, router]);
  return null;
}
