// The Barnes–Hut force loop as a WebAssembly SIMD kernel (float32 × 4 lanes, eight points against one interaction
// list), emitted as bytes: in V8's scalar float64 code this loop was most of a 10,000-point t-SNE's time.
import {
  F32_CONST,
  F32X4_ADD,
  F32X4_DIV,
  F32X4_MUL,
  F32X4_SPLAT,
  F32X4_SUB,
  forLoop,
  get,
  I32,
  i32,
  I32_ADD,
  I32_MUL,
  moduleBytes,
  set,
  simd,
  V128,
  V128_LOAD32_SPLAT,
  V128_ZERO,
} from "../wasm-emit";

/** Points per pass over the list: two vectors of four. A group's point count is padded to a multiple of this. */
export const KERNEL_POINTS = 8;

/**
 * forces(listX, listY, listCount, entries, pointsX, pointsY, out, points), byte offsets and counts (i32), all arrays
 * float32: for each point i < points (a multiple of KERNEL_POINTS) and each list entry e < entries (a cell's centre
 * of mass and point count, or a single point with count 1), w = 1 / (1 + dx² + dy²), d = point − entry:
 * out[i] = Σ c w² dx, out[points + i] = Σ c w² dy, out[2 · points + i] = Σ c w, each summed in entry order in float32.
 * Coordinates are meant relative to the group's centre, which keeps float32 differences exact near the group.
 */
export function forcesModuleBytes(): Uint8Array<ArrayBuffer> {
  const [LX, LY, LC, E, PX, PY, OUT, NP] = [0, 1, 2, 3, 4, 5, 6, 7];
  const [P, EO, END, NPB] = [8, 9, 10, 11];
  const v = 12;
  // v128 locals, after the 8 parameters and 4 i32 locals.
  const XA = v + 0;
  const YA = v + 1;
  const XB = v + 2;
  const YB = v + 3;
  const FXA = v + 4;
  const FYA = v + 5;
  const ZA = v + 6;
  const FXB = v + 7;
  const FYB = v + 8;
  const ZB = v + 9;
  const EX = v + 10;
  const EY = v + 11;
  const C = v + 12;
  const DX = v + 13;
  const DY = v + 14;
  const W = v + 15;
  const T = v + 16;
  const ONE = v + 17;
  const load = (offset: number) => simd(0x00, 4, offset);
  const store = (offset: number) => simd(0x0b, 4, offset);
  const lane = (X: number, Y: number, FX: number, FY: number, Z: number) => [
    ...get(X),
    ...get(EX),
    ...F32X4_SUB,
    ...set(DX),
    ...get(Y),
    ...get(EY),
    ...F32X4_SUB,
    ...set(DY),
    // w = 1 / (1 + dx² + dy²)
    ...get(ONE),
    ...get(ONE),
    ...get(DX),
    ...get(DX),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...get(DY),
    ...get(DY),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...F32X4_DIV,
    ...set(W),
    // z += c w; q = c w²; fx += q dx; fy += q dy
    ...get(C),
    ...get(W),
    ...F32X4_MUL,
    ...set(T),
    ...get(Z),
    ...get(T),
    ...F32X4_ADD,
    ...set(Z),
    ...get(T),
    ...get(W),
    ...F32X4_MUL,
    ...set(T),
    ...get(FX),
    ...get(T),
    ...get(DX),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(FX),
    ...get(FY),
    ...get(T),
    ...get(DY),
    ...F32X4_MUL,
    ...F32X4_ADD,
    ...set(FY),
  ];
  const splat = (base: number, into: number) => [
    ...get(base),
    ...get(EO),
    ...I32_ADD,
    ...V128_LOAD32_SPLAT,
    ...set(into),
  ];
  const point = (base: number, offset: number, into: number) => [
    ...get(base),
    ...get(P),
    ...I32_ADD,
    ...load(offset),
    ...set(into),
  ];
  const out = (part: number, offset: number, from: number) => [
    ...get(OUT),
    ...get(NPB),
    ...i32(part),
    ...I32_MUL,
    ...I32_ADD,
    ...get(P),
    ...I32_ADD,
    ...get(from),
    ...store(offset),
  ];
  const body = [
    ...get(E),
    ...i32(4),
    ...I32_MUL,
    ...set(END),
    ...get(NP),
    ...i32(4),
    ...I32_MUL,
    ...set(NPB),
    ...F32_CONST(1),
    ...F32X4_SPLAT,
    ...set(ONE),
    ...forLoop(P, get(NPB), i32(4 * KERNEL_POINTS), [
      ...point(PX, 0, XA),
      ...point(PX, 16, XB),
      ...point(PY, 0, YA),
      ...point(PY, 16, YB),
      ...[FXA, FYA, ZA, FXB, FYB, ZB].flatMap((acc) => [...V128_ZERO, ...set(acc)]),
      ...i32(0),
      ...set(EO),
      ...forLoop(EO, get(END), i32(4), [
        ...splat(LX, EX),
        ...splat(LY, EY),
        ...splat(LC, C),
        ...lane(XA, YA, FXA, FYA, ZA),
        ...lane(XB, YB, FXB, FYB, ZB),
      ]),
      ...out(0, 0, FXA),
      ...out(0, 16, FXB),
      ...out(1, 0, FYA),
      ...out(1, 16, FYB),
      ...out(2, 0, ZA),
      ...out(2, 16, ZB),
    ]),
  ];
  return moduleBytes(
    "forces",
    Array<number>(8).fill(I32),
    [
      [4, I32],
      [18, V128],
    ],
    body,
  );
}

export type ForcesKernel = (
  listX: number,
  listY: number,
  listCount: number,
  entries: number,
  pointsX: number,
  pointsY: number,
  out: number,
  points: number,
) => void;
