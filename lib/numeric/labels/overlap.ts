// How far two suspect rankings agree: the share of one top-k list found in the other (pure).

/** |top-k of a ∩ top-k of b| / k, with k cut to the shorter list; NaN when either is empty. */
export function topKOverlap(a: ArrayLike<number>, b: ArrayLike<number>, k: number): number {
  const size = Math.min(k, a.length, b.length);
  if (size === 0) return Number.NaN;
  const first = new Set(Array.from({ length: size }, (_, i) => a[i]!));
  let shared = 0;
  for (let i = 0; i < size; i++) if (first.has(b[i]!)) shared++;
  return shared / size;
}

/**
 * Two disjoint groups of `items` for consensus rankings: each kind (architecture) dealt alternately, so a kind with
 * two or more members lands in both groups.
 */
export function splitAlternately<T>(items: readonly T[], kindOf: (item: T) => string): [T[], T[]] {
  const groups: [T[], T[]] = [[], []];
  const byKind = new Map<string, T[]>();
  for (const item of items) byKind.set(kindOf(item), [...(byKind.get(kindOf(item)) ?? []), item]);
  let turn = 0;
  for (const members of byKind.values()) for (const item of members) groups[turn++ % 2]!.push(item);
  return groups;
}
