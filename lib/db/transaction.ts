// Write transactions that take SQLite's write lock at BEGIN (IMMEDIATE), so a read-then-write cannot interleave
// with another process's: enqueue-if-empty, claim and retry rely on it.
import "server-only";
import { sql, type Kysely } from "kysely";
import type { DB } from "../../generated/kysely/types";
import type { Db } from "./client";

export type Tx = Kysely<DB>;

/**
 * Runs `work` inside BEGIN IMMEDIATE … COMMIT on the one connection Kysely holds (ROLLBACK if it throws).
 * Kysely's SQLite driver serialises every query of this process behind that connection, so `work` must use the
 * `tx` it is given: a query on `db.kysely` inside it would wait for the transaction to end, forever.
 */
export async function immediateTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  return db.kysely.connection().execute(async (tx) => {
    await sql`BEGIN IMMEDIATE`.execute(tx);
    try {
      const result = await work(tx);
      await sql`COMMIT`.execute(tx);
      return result;
    } catch (err) {
      // SQLite ends the transaction itself after some errors (SQLITE_FULL, SQLITE_IOERR): a ROLLBACK then fails with
      // "no transaction is active" and would replace the error that says what happened.
      if (db.sqlite.inTransaction) await sql`ROLLBACK`.execute(tx);
      throw err;
    }
  });
}
