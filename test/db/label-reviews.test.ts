import { afterEach, describe, expect, it } from "vitest";
import { deleteRun } from "../../lib/db/deletion";
import { insertLabelReview, listLabelReviewHistory, listLatestLabelReviews } from "../../lib/db/labels";
import { createEngineTestDb, type EngineTestDb } from "../helpers/db";
import { insertRun } from "./run-fixture";

describe("label reviews in the database", () => {
  let db: EngineTestDb | undefined;
  afterEach(async () => db?.cleanup());

  const review = (digitIndex: number, verdict: string, correctedLabel: number | null = null, subset = "test") => ({
    subset,
    digitIndex,
    verdict,
    correctedLabel,
    sessionId: "a".repeat(64),
  });

  it("the latest review of a digit wins and the history keeps every one", async () => {
    db = await createEngineTestDb();
    await insertLabelReview(db, review(7, "mislabelled", 1));
    await insertLabelReview(db, review(3, "ambiguous"));
    await insertLabelReview(db, review(7, "fine"));
    await insertLabelReview(db, review(7, "ambiguous", null, "train"));
    const latest = await listLatestLabelReviews(db, "test");
    expect(latest.map((r) => [r.digitIndex, r.verdict])).toEqual([
      [3, "ambiguous"],
      [7, "fine"],
    ]);
    expect((await listLatestLabelReviews(db, "train")).map((r) => r.verdict)).toEqual(["ambiguous"]);
    expect((await listLabelReviewHistory(db)).map((r) => r.verdict)).toEqual([
      "mislabelled",
      "ambiguous",
      "fine",
      "ambiguous",
    ]);
  });

  it("deleting a run keeps the reviews: they belong to digits, not runs", async () => {
    db = await createEngineTestDb();
    const runId = await insertRun(db, { status: "succeeded" });
    await insertLabelReview(db, review(5, "mislabelled", 2));
    const deletion = await deleteRun(db, runId);
    expect(deletion).toMatchObject({ outcome: "deleted", runId });
    expect(await listLabelReviewHistory(db)).toHaveLength(1);
  });
});
