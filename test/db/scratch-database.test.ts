import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { openDatabase } from "../../lib/db/client";
import { countJobsByStatus } from "../../lib/db/job-counts";
import { createScratchDatabase, dropScratchDatabase } from "../../lib/db/scratch-database";
import { testEngine } from "../helpers/db";

// Scratch databases exist on PostgreSQL only: this file runs in the postgres project.
describe.runIf(testEngine() === "postgres")("scratch PostgreSQL databases", () => {
  it("are created migrated with the blob storage asked for, usable through lib/db, and gone once dropped", async () => {
    const { serverUrl } = inject("postgresTemplate");
    const url = await createScratchDatabase(serverUrl, "mnist_lens_scratch_test", "lz4");
    const db = openDatabase(url);
    const catalog = new pg.Client({ connectionString: url });
    await catalog.connect();
    try {
      expect((await countJobsByStatus(db)).queued).toBe(0);
      const { rows } = await catalog.query<{ attname: string; attcompression: string }>(
        `SELECT attname, attcompression FROM pg_attribute WHERE attrelid = '"Embedding"'::regclass AND attname = 'data'`,
      );
      expect(rows).toEqual([{ attname: "data", attcompression: "l" }]);
    } finally {
      await catalog.end();
      await db.close();
    }
    await dropScratchDatabase(url);
    const again = openDatabase(url);
    try {
      await expect(countJobsByStatus(again)).rejects.toThrow(/does not exist/);
    } finally {
      await again.close();
    }
  });

  it("refuses a prefix that is not a plain lowercase name, and to drop the server's own database", async () => {
    const { serverUrl } = inject("postgresTemplate");
    await expect(createScratchDatabase(serverUrl, 'x"; DROP')).rejects.toThrow(/prefix must be/);
    await expect(dropScratchDatabase(serverUrl)).rejects.toThrow(/not a scratch database/);
  });
});
