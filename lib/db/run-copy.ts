// Copies one run's training record (run row, epochs, embeddings, test predictions) into another database, without its
// checkpoints, layouts or pair figures: the projection benchmark projects a real run from scratch in a scratch file.
import "server-only";
import type { Db } from "./client";
import { immediateTransaction } from "./transaction";

/**
 * Copies run `runId` of `from` into `to` under the same id (its job link dropped) with its epochs, embeddings and
 * test predictions. Throws when the run does not exist in `from` or its id is taken in `to`.
 */
export async function copyRunRecord(from: Db, to: Db, runId: number): Promise<void> {
  const run = await from.kysely.selectFrom("Run").selectAll().where("id", "=", runId).executeTakeFirst();
  if (!run) throw new Error(`run ${runId} does not exist in ${from.url}`);
  const [epochs, embeddings, predictions] = await Promise.all([
    from.kysely.selectFrom("Epoch").selectAll().where("runId", "=", runId).execute(),
    from.kysely.selectFrom("Embedding").selectAll().where("runId", "=", runId).execute(),
    from.kysely.selectFrom("TestPredictions").selectAll().where("runId", "=", runId).execute(),
  ]);
  await immediateTransaction(to, async (tx) => {
    await tx
      .insertInto("Run")
      .values({ ...run, jobId: null })
      .execute();
    for (const e of epochs) await tx.insertInto("Epoch").values(e).execute();
    for (const e of embeddings) await tx.insertInto("Embedding").values(e).execute();
    for (const p of predictions) await tx.insertInto("TestPredictions").values(p).execute();
  });
}
