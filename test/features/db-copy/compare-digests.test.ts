// A copy's check flags a table whose row count or any blob column's checksum differs between source and target.
import { describe, expect, it } from "vitest";
import type { TableDigest } from "../../../lib/db/copy-verify";
import { compareDigests } from "../../../lib/features/db-copy/copy-database";

const source: TableDigest[] = [
  { table: "Run", rows: 1, blobSha256: { probeIndices: "aa" } },
  { table: "Epoch", rows: 2, blobSha256: { probeProbs: "bb", valProbs: "cc" } },
];

describe("compareDigests", () => {
  it("passes tables whose counts and checksums agree", () => {
    expect(compareDigests(source, structuredClone(source)).every((c) => c.ok)).toBe(true);
  });

  it("flags a differing blob checksum, naming both sides", () => {
    const target = structuredClone(source);
    target[1]!.blobSha256.valProbs = "cd";
    const checks = compareDigests(source, target);
    expect(checks.map((c) => c.ok)).toEqual([true, false]);
    expect(checks[1]!.blobs.valProbs).toEqual(["cc", "cd"]);
  });

  it("flags a differing row count and a table missing from the target", () => {
    const fewer: TableDigest[] = [{ ...source[0]! }, { ...source[1]!, rows: 1 }];
    expect(compareDigests(source, fewer).map((c) => c.ok)).toEqual([true, false]);
    expect(compareDigests(source, [source[1]!]).map((c) => c.ok)).toEqual([false, true]);
  });
});
