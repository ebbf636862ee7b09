// Barnes–Hut repulsive forces for 2-D t-SNE: a flat typed-array quadtree (built serially) walked once per group of
// nearby points, the groups cut into fixed chunks run over the thread pool.
import { layoutBounds } from "./layout-bounds";
import { getPool, kernelTask, sharedFloat64, sharedInt32, type ChunkArgs } from "../parallel";
import { acceptingPlainArrays, type Repel } from "./repulsion";

/**
 * Computes, for a layout y [n, 2], the unnormalised repulsion F_i = Σ_j w_ij² (y_i - y_j) with
 * w_ij = 1 / (1 + |y_i - y_j|²), approximated by Barnes–Hut, and returns Z ≈ Σ_{i≠j} w_ij.
 * The repulsive gradient term is then F_i / Z.
 */
export type RepulsionFn = (y: Float64Array, theta: number, forces: Float64Array) => number;

/** Points per group: each run of GROUP_SIZE points in Morton order shares one tree walk and one interaction list. */
const GROUP_SIZE = 16;
/** Cells narrower than this fraction of the root stop splitting, so duplicate points share one leaf. */
const MIN_CELL_FRACTION = 2 ** -40;
/** Point indices share a float64 sort key with a 32-bit Morton code, leaving 20 bits. */
export const MAX_POINTS = 2 ** 20;
/** Groups per chunk of the force pass: 32 × 16 = 512 points, a partition fixed by n alone. */
const CHUNK_GROUPS = 32;

export interface BarnesHutOptions {
  /** Threads of the pool (resolveThreads); 1 and 2 give bit-identical forces. */
  threads?: number;
}

/**
 * A reusable workspace for n points (buffers are allocated once and grown if a layout needs more cells).
 *
 * Approximation: a cell of width s whose centre of mass c lies at distance d from the group's bounding box
 * with s / d < θ stands for all its points; since every point of the group is at least d from c, each
 * interaction satisfies the usual per-point criterion s / |y_i - c| < θ (as in van der Maaten 2014 and
 * scikit-learn), so this is at least as accurate as plain Barnes–Hut. Leaves near the group interact
 * exactly. θ = 0 gives the exact O(n²) sum.
 */
export function createRepulsion(n: number, options: BarnesHutOptions = {}): RepulsionFn {
  if (!Number.isInteger(n) || n < 1 || n > MAX_POINTS)
    throw new RangeError(`n must be an integer in 1..${MAX_POINTS} (got ${n})`);
  const pool = getPool(options.threads);
  // The arrays the force pass reads are shared with the pool's threads.
  let capacity = Math.max(64, 8 * n);
  let mass = sharedFloat64(capacity * 3); // per node: Σx, Σy (then centre of mass), count
  let cell = new Float64Array(capacity * 3); // per node: centre x, centre y, half width
  let child = sharedInt32(capacity); // first of 4 consecutive children, -1 for a leaf
  let point = new Int32Array(capacity); // a leaf's (first) point, -1 if empty
  let nodes = 0;
  const order = sharedInt32(n);
  const keys = new Float64Array(n);
  let openSq = sharedFloat64(capacity); // per node: squared cell width (open the cell when ≥ θ² d²)
  const chunks = Math.ceil(n / (GROUP_SIZE * CHUNK_GROUPS));
  const zPartials = sharedFloat64(chunks);

  function grow(): void {
    capacity *= 2;
    mass = resized(mass, capacity * 3, true);
    cell = resized(cell, capacity * 3, false);
    child = resized(child, capacity, true);
    point = resized(point, capacity, false);
    openSq = resized(openSq, capacity, true);
  }

  function addNode(cx: number, cy: number, half: number): number {
    if (nodes === capacity) grow();
    const id = nodes++;
    mass[id * 3] = mass[id * 3 + 1] = mass[id * 3 + 2] = 0;
    cell[id * 3] = cx;
    cell[id * 3 + 1] = cy;
    cell[id * 3 + 2] = half;
    child[id] = -1;
    point[id] = -1;
    return id;
  }

  function quadrant(node: number, x: number, y: number): number {
    return child[node]! + (x >= cell[node * 3]! ? 1 : 0) + (y >= cell[node * 3 + 1]! ? 2 : 0);
  }

  function split(node: number): void {
    const cx = cell[node * 3]!;
    const cy = cell[node * 3 + 1]!;
    const h = cell[node * 3 + 2]! / 2;
    const first = addNode(cx - h, cy - h, h);
    addNode(cx + h, cy - h, h);
    addNode(cx - h, cy + h, h);
    addNode(cx + h, cy + h, h);
    child[node] = first;
  }

  function insert(y: Float64Array, i: number, minHalf: number): void {
    const x0 = y[2 * i]!;
    const y0 = y[2 * i + 1]!;
    let node = 0;
    for (;;) {
      const count = mass[node * 3 + 2]!;
      mass[node * 3] = mass[node * 3]! + x0;
      mass[node * 3 + 1] = mass[node * 3 + 1]! + y0;
      mass[node * 3 + 2] = count + 1;
      if (child[node]! >= 0) {
        node = quadrant(node, x0, y0);
        continue;
      }
      if (count === 0) {
        point[node] = i;
        return;
      }
      if (cell[node * 3 + 2]! < minHalf) return; // duplicates: the leaf just counts them
      // Push the resident point one level down, then continue inserting i below.
      const resident = point[node]!;
      const rx = y[2 * resident]!;
      const ry = y[2 * resident + 1]!;
      split(node);
      point[node] = -1;
      const down = quadrant(node, rx, ry);
      mass[down * 3] = rx;
      mass[down * 3 + 1] = ry;
      mass[down * 3 + 2] = 1;
      point[down] = resident;
      node = quadrant(node, x0, y0);
    }
  }

  /** Builds the tree and fills `order` with the points in Morton (Z-curve) order. */
  function build(y: Float64Array): void {
    const { minX, minY, maxX, maxY } = layoutBounds(y, n);
    const half = Math.max(maxX - minX, maxY - minY, 1e-12) * 0.5 * (1 + 1e-9);
    const cx = (minX + maxX) / 2;
    const cy = (minY + maxY) / 2;
    // Morton keys on a 2^16 grid, index in the low 20 bits: a numeric sort gives a stable, deterministic order.
    const scale = 65535 / (2 * half);
    for (let i = 0; i < n; i++) {
      const gx = Math.min(65535, Math.floor((y[2 * i]! - (cx - half)) * scale));
      const gy = Math.min(65535, Math.floor((y[2 * i + 1]! - (cy - half)) * scale));
      keys[i] = interleave(gx, gy) * 1048576 + i;
    }
    keys.sort();
    for (let i = 0; i < n; i++) order[i] = keys[i]! % 1048576;
    nodes = 0;
    addNode(cx, cy, half);
    const minHalf = half * MIN_CELL_FRACTION;
    for (let t = 0; t < n; t++) insert(y, order[t]!, minHalf);
    for (let node = 0; node < nodes; node++) {
      openSq[node] = 4 * cell[node * 3 + 2]! ** 2;
      const count = mass[node * 3 + 2]!;
      if (count > 0) {
        mass[node * 3] = mass[node * 3]! / count;
        mass[node * 3 + 1] = mass[node * 3 + 1]! / count;
      }
    }
  }

  const forcesOf: Repel = (y, forces) => {
    pool.run(forcesChunk, chunks, { y, forces, order, mass, child, openSq, zPartials, n, thetaSq });
    let z = 0;
    for (let c = 0; c < chunks; c++) z += zPartials[c]!;
    return z;
  };
  const forcesFrom = pool.threads > 1 ? acceptingPlainArrays(n, forcesOf) : forcesOf;
  let thetaSq = 0;
  return (y, theta, forces) => {
    if (y.length !== 2 * n || forces.length !== 2 * n) throw new RangeError(`expected layouts of ${2 * n} values`);
    build(y);
    thetaSq = theta * theta;
    return forcesFrom(y, forces);
  };
}

/** A thread's interaction list (centre of mass and point count per entry) and traversal stack, grown as needed. */
const scratch = {
  listX: new Float64Array(1024),
  listY: new Float64Array(1024),
  listCount: new Float64Array(1024),
  stack: new Int32Array(64 * 4 + 8),
};

/**
 * Chunk = CHUNK_GROUPS groups of GROUP_SIZE points in Morton order: builds each group's interaction list, applies it
 * to the group's points (their forces) and leaves the chunk's share of Z in zPartials[chunk].
 */
export const forcesChunk = kernelTask(import.meta.url, "forcesChunk", (chunk, args) => {
  const y = args.y as Float64Array;
  const order = args.order as Int32Array;
  const n = args.n as number;
  let z = 0;
  const first = chunk * CHUNK_GROUPS * GROUP_SIZE;
  const last = Math.min(n, first + CHUNK_GROUPS * GROUP_SIZE);
  for (let g = first; g < last; g += GROUP_SIZE) {
    const end = Math.min(g + GROUP_SIZE, n);
    let x0 = Infinity;
    let y0 = Infinity;
    let x1 = -Infinity;
    let y1 = -Infinity;
    for (let t = g; t < end; t++) {
      const i = order[t]!;
      x0 = Math.min(x0, y[2 * i]!);
      x1 = Math.max(x1, y[2 * i]!);
      y0 = Math.min(y0, y[2 * i + 1]!);
      y1 = Math.max(y1, y[2 * i + 1]!);
    }
    const entries = interactions(args, x0, y0, x1, y1);
    z += applyList(
      y,
      order,
      g,
      end,
      scratch.listX,
      scratch.listY,
      scratch.listCount,
      entries,
      args.forces as Float64Array,
    );
  }
  (args.zPartials as Float64Array)[chunk] = z;
});

/** Fills the thread's list with the cells and leaves that act on every point inside the box; returns the entry count. */
function interactions(args: ChunkArgs, x0: number, y0: number, x1: number, y1: number): number {
  const mass = args.mass as Float64Array;
  const child = args.child as Int32Array;
  const openSq = args.openSq as Float64Array;
  const thetaSq = args.thetaSq as number;
  const { stack } = scratch;
  let entries = 0;
  let top = 0;
  stack[top++] = 0;
  while (top > 0) {
    const node = stack[--top]!;
    const mx = mass[node * 3]!;
    const my = mass[node * 3 + 1]!;
    const first = child[node]!;
    if (first >= 0) {
      const dx = mx < x0 ? x0 - mx : mx > x1 ? mx - x1 : 0;
      const dy = my < y0 ? y0 - my : my > y1 ? my - y1 : 0;
      if (openSq[node]! >= thetaSq * (dx * dx + dy * dy)) {
        // Empty quadrants are skipped here rather than popped later.
        if (mass[first * 3 + 2]! > 0) stack[top++] = first;
        if (mass[first * 3 + 5]! > 0) stack[top++] = first + 1;
        if (mass[first * 3 + 8]! > 0) stack[top++] = first + 2;
        if (mass[first * 3 + 11]! > 0) stack[top++] = first + 3;
        continue;
      }
    }
    if (entries === scratch.listX.length) {
      scratch.listX = resized(scratch.listX, 2 * entries, false);
      scratch.listY = resized(scratch.listY, 2 * entries, false);
      scratch.listCount = resized(scratch.listCount, 2 * entries, false);
    }
    scratch.listX[entries] = mx;
    scratch.listY[entries] = my;
    scratch.listCount[entries] = mass[node * 3 + 2]!;
    entries++;
  }
  return entries;
}

/**
 * Applies one group's interaction list to its points order[g .. end - 1]: writes each point's force into `forces`
 * and returns the group's share of Z (each point's own leaf, w = 1, removed). Points go in pairs so every list
 * entry is loaded once per two points.
 */
function applyList(
  y: Float64Array,
  order: Int32Array,
  g: number,
  end: number,
  lx: Float64Array,
  ly: Float64Array,
  lc: Float64Array,
  entries: number,
  forces: Float64Array,
): number {
  let z = 0;
  for (let t = g; t < end; t += 2) {
    // An odd last point is paired with itself and its twin's results dropped.
    const paired = t + 1 < end;
    const a = order[t]!;
    const b = paired ? order[t + 1]! : a;
    const xa = y[2 * a]!;
    const ya = y[2 * a + 1]!;
    const xb = y[2 * b]!;
    const yb = y[2 * b + 1]!;
    let fxa = 0;
    let fya = 0;
    let za = 0;
    let fxb = 0;
    let fyb = 0;
    let zb = 0;
    for (let e = 0; e < entries; e++) {
      const ex = lx[e]!;
      const ey = ly[e]!;
      const c = lc[e]!;
      const dxa = xa - ex;
      const dya = ya - ey;
      const dxb = xb - ex;
      const dyb = yb - ey;
      const wa = 1 / (1 + dxa * dxa + dya * dya);
      const wb = 1 / (1 + dxb * dxb + dyb * dyb);
      const cwa = c * wa;
      const cwb = c * wb;
      za += cwa;
      zb += cwb;
      const qa = cwa * wa;
      const qb = cwb * wb;
      fxa += qa * dxa;
      fya += qa * dya;
      fxb += qb * dxb;
      fyb += qb * dyb;
    }
    forces[2 * a] = fxa;
    forces[2 * a + 1] = fya;
    z += za - 1;
    if (paired) {
      forces[2 * b] = fxb;
      forces[2 * b + 1] = fyb;
      z += zb - 1;
    }
  }
  return z;
}

/** A copy of `array` with `size` slots (on a SharedArrayBuffer when `shared`), its values kept. */
function resized<T extends Float64Array | Int32Array>(array: T, size: number, shared: boolean): T {
  const Ctor = array.constructor as new (buffer: ArrayBuffer | SharedArrayBuffer) => T;
  const out = new Ctor(
    shared ? new SharedArrayBuffer(size * array.BYTES_PER_ELEMENT) : new ArrayBuffer(size * array.BYTES_PER_ELEMENT),
  );
  out.set(array.subarray(0, Math.min(array.length, size)) as never);
  return out;
}

/** Interleaves the low 16 bits of x and y (x in the even bits): a Morton code below 2^32. */
function interleave(x: number, y: number): number {
  return (spread(x) | (spread(y) << 1)) >>> 0;
}

function spread(v: number): number {
  let s = v & 0xffff;
  s = (s | (s << 8)) & 0x00ff00ff;
  s = (s | (s << 4)) & 0x0f0f0f0f;
  s = (s | (s << 2)) & 0x33333333;
  return (s | (s << 1)) & 0x55555555;
}
