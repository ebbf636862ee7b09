import { describe, expect, it } from "vitest";
import {
  centreOfMass,
  inkBoundingBox,
  inkFromAlpha,
  preprocessDrawing,
  resampleToFit,
  upscaleDigit,
  type InkImage,
} from "@/lib/numeric/draw/mnist-preprocess";
import { createRng } from "@/lib/numeric/random";
import { loadMnist } from "@/lib/mnist/dataset";

const CANVAS = 280;

/** A blank 280 × 280 canvas with round pen strokes of `radius` pixels along `points` (straight segments). */
function drawStrokes(points: Array<[number, number]>, radius = 11): InkImage {
  const data = new Float32Array(CANVAS * CANVAS);
  for (let i = 0; i + 1 < points.length; i++) {
    const [ax, ay] = points[i]!,
      [bx, by] = points[i + 1]!;
    const steps = Math.max(1, Math.ceil(Math.hypot(bx - ax, by - ay)));
    for (let s = 0; s <= steps; s++) {
      const cx = ax + ((bx - ax) * s) / steps,
        cy = ay + ((by - ay) * s) / steps;
      for (let y = Math.floor(cy - radius - 1); y <= cy + radius + 1; y++) {
        for (let x = Math.floor(cx - radius - 1); x <= cx + radius + 1; x++) {
          if (x < 0 || y < 0 || x >= CANVAS || y >= CANVAS) continue;
          // One pixel of anti-aliased edge, as a canvas draws it.
          const cover = Math.min(1, Math.max(0, radius + 0.5 - Math.hypot(x + 0.5 - cx, y + 0.5 - cy)));
          data[y * CANVAS + x] = Math.max(data[y * CANVAS + x]!, cover);
        }
      }
    }
  }
  return { data, width: CANVAS, height: CANVAS };
}

/** Random scribbles of 2..5 points anywhere on the canvas, seeded. */
function randomDrawings(count: number, seed: number): InkImage[] {
  const rng = createRng(seed);
  return Array.from({ length: count }, () => {
    const n = 2 + Math.floor(rng() * 4);
    const points = Array.from({ length: n }, (): [number, number] => [20 + rng() * 240, 20 + rng() * 240]);
    return drawStrokes(points, 4 + rng() * 10);
  });
}

function sum(values: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < values.length; i++) s += values[i]!;
  return s;
}

function asImage(digit: Float32Array): InkImage {
  return { data: digit, width: 28, height: 28 };
}

describe("preprocessDrawing (MNIST's normalisation of a drawn digit)", () => {
  const drawings = randomDrawings(40, 7);

  it("scales the ink's bounding box so its longer side fills 20 of the 28 pixels", () => {
    for (const drawing of drawings) {
      const digit = preprocessDrawing(drawing)!;
      const box = inkBoundingBox(asImage(digit), 0)!;
      const longer = Math.max(box.x1 - box.x0 + 1, box.y1 - box.y0 + 1);
      expect(longer).toBeGreaterThanOrEqual(19);
      expect(longer).toBeLessThanOrEqual(20);
    }
  });

  it("puts the centre of mass within half a pixel of (14, 14)", () => {
    for (const drawing of drawings) {
      const com = centreOfMass(asImage(preprocessDrawing(drawing)!))!;
      expect(Math.abs(com.x - 14)).toBeLessThanOrEqual(0.5);
      expect(Math.abs(com.y - 14)).toBeLessThanOrEqual(0.5);
    }
  });

  it("keeps the aspect ratio: a tall bar stays a tall bar", () => {
    const bar = drawStrokes([
      [140, 40],
      [140, 240],
    ]);
    const fitted = resampleToFit(bar, inkBoundingBox(bar)!);
    expect(fitted.height).toBe(20);
    // 22 pixels wide (the pen's 11-pixel radius each side) of 223 tall: 22 × 20 / 223 = 1.97, so 2 columns.
    expect(fitted.width).toBe(2);
  });

  it("area-averages so the ink is conserved: sum(out) = scale² · sum(in), shrinking or enlarging", () => {
    const small = drawStrokes(
      [
        [135, 135],
        [138, 140],
      ],
      2,
    );
    for (const drawing of [...drawings, small]) {
      const box = inkBoundingBox(drawing, 0)!;
      const fitted = resampleToFit(drawing, box);
      const inkIn = sum(drawing.data);
      expect(sum(fitted.data)).toBeCloseTo(fitted.scale ** 2 * inkIn, 2);
    }
    // The small stroke was enlarged (scale > 1) and no pixel exceeds full ink.
    const enlarged = resampleToFit(small, inkBoundingBox(small, 0)!);
    expect(enlarged.scale).toBeGreaterThan(1);
    expect(Math.max(...enlarged.data)).toBeLessThanOrEqual(1 + 1e-6);
  });

  it("gives back a real MNIST test digit drawn into the canvas at 10×, shifted by at most one pixel", () => {
    const { pixels } = loadMnist().test;
    for (let index = 0; index < 50; index++) {
      const original = Float32Array.from(pixels.subarray(index * 784, (index + 1) * 784), (v) => v / 255);
      const back = preprocessDrawing(upscaleDigit(original, 10, 1))!;
      let best = Infinity;
      for (let dy = -1; dy <= 1; dy++) {
        for (let dx = -1; dx <= 1; dx++) {
          let diff = 0;
          for (let y = 0; y < 28; y++)
            for (let x = 0; x < 28; x++) {
              const sy = y + dy,
                sx = x + dx;
              const o = sy >= 0 && sy < 28 && sx >= 0 && sx < 28 ? original[sy * 28 + sx]! : 0;
              diff += Math.abs(back[y * 28 + x]! - o);
            }
          best = Math.min(best, diff / sum(original));
        }
      }
      // MNIST's own boxes are 20 pixels on the longer side give or take the faint fringe: a few per cent of ink moves.
      expect(best, `test digit ${index}`).toBeLessThan(0.25);
    }
  });

  it("answers null for a blank canvas and names bad shapes", () => {
    expect(preprocessDrawing({ data: new Float32Array(100), width: 10, height: 10 })).toBeNull();
    expect(() => preprocessDrawing({ data: new Float32Array(99), width: 10, height: 10 })).toThrow(
      /data has 99 values, expected 10 × 10/,
    );
    expect(() => upscaleDigit(new Uint8Array(10), 10)).toThrow(/a digit has 784 pixels/);
    expect(() => inkFromAlpha(new Uint8ClampedArray(8), 2, 2)).toThrow(/rgba has 8 bytes, expected 2 × 2 × 4/);
  });

  it("reads ink from a canvas's alpha channel", () => {
    const rgba = new Uint8ClampedArray([0, 0, 0, 255, 0, 0, 0, 0, 9, 9, 9, 51, 0, 0, 0, 128]);
    expect(Array.from(inkFromAlpha(rgba, 2, 2).data)).toEqual([1, 0, 0.2, 128 / 255].map((v) => Math.fround(v)));
  });
});
