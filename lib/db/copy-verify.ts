// What a copy is checked by: per table of a scope, the row count and a SHA-256 of every blob column (over the rows in
// id order), read the same way from the source and the target so the two can be compared field by field.
import "server-only";
import { createHash, type Hash } from "node:crypto";
import type { Db } from "./client";
import type { TableShape } from "./copy-plan";
import { batchRowsOf, readScopeBatches, scopeTables, type ResolvedScope } from "./copy";

export interface TableDigest {
  table: string;
  rows: number;
  /** Blob column → hex SHA-256 over every row's (id, null-or-length, bytes), rows in id order. */
  blobSha256: Record<string, string>;
}

/**
 * The digest of every table a scope copies, reading only ids and blob columns, a few rows at a time. `resolved` and
 * `shapes` are the source's: the rows and columns checked are those the copy carried.
 */
export async function digestScope(
  db: Db,
  resolved: ResolvedScope,
  shapes: Map<string, TableShape>,
): Promise<TableDigest[]> {
  const digests: TableDigest[] = [];
  for (const table of scopeTables(resolved.scope, shapes)) {
    const shape = shapes.get(table)!;
    const hashes = new Map<string, Hash>(shape.blobColumns.map((c) => [c, createHash("sha256")]));
    let rows = 0;
    for await (const batch of readScopeBatches(db, table, resolved, ["id", ...shape.blobColumns], batchRowsOf(shape))) {
      rows += batch.length;
      for (const row of batch) {
        for (const [column, hash] of hashes) {
          const value = row[column];
          const header = Buffer.alloc(12);
          header.writeDoubleLE(Number(row.id), 0);
          // -1 marks NULL, so a NULL and an empty blob hash differently.
          header.writeInt32LE(value instanceof Uint8Array ? value.byteLength : -1, 8);
          hash.update(header);
          if (value instanceof Uint8Array) hash.update(value);
        }
      }
    }
    digests.push({
      table,
      rows,
      blobSha256: Object.fromEntries([...hashes].map(([c, h]) => [c, h.digest("hex")])),
    });
  }
  return digests;
}
