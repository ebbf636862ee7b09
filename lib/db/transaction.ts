// Write transactions that hold the database's one writer's lock from their start, so a read-then-write cannot
// interleave with another process's: enqueue-if-empty, claim and retry rely on it. SQLite: BEGIN IMMEDIATE.
// PostgreSQL: a transaction-scoped advisory lock, taken first, serialises these transactions the same way (plain
// writes elsewhere go on concurrently under MVCC, as they do between SQLite's transactions).
import "server-only";
import { sql, type Kysely } from "kysely";
import type { DB } from "../../generated/kysely/types";
import type { Db } from "./client";

export type Tx = Kysely<DB>;

/** The advisory lock key of immediateTransaction on PostgreSQL ("mnist" in ASCII). */
const WRITER_LOCK_KEY = 0x6d6e697374;

/**
 * Runs `work` inside one write transaction (ROLLBACK if it throws). On SQLite, Kysely's driver serialises every query
 * of this process behind its one connection, so `work` must use the `tx` it is given: a query on `db.kysely` inside
 * it would wait for the transaction to end, forever. On PostgreSQL it would run outside the transaction.
 */
export async function immediateTransaction<T>(db: Db, work: (tx: Tx) => Promise<T>): Promise<T> {
  if (db.engine === "postgres") {
    return db.kysely.transaction().execute(async (tx) => {
      await sql`SELECT pg_advisory_xact_lock(${WRITER_LOCK_KEY})`.execute(tx);
      return work(tx);
    });
  }
  const sqlite = db.sqlite;
  return db.kysely.connection().execute(async (tx) => {
    await sql`BEGIN IMMEDIATE`.execute(tx);
    try {
      const result = await work(tx);
      await sql`COMMIT`.execute(tx);
      return result;
    } catch (err) {
      // SQLite ends the transaction itself after some errors (SQLITE_FULL, SQLITE_IOERR): a ROLLBACK then fails with
      // "no transaction is active" and would replace the error that says what happened.
      if (sqlite.inTransaction) await sql`ROLLBACK`.execute(tx);
      throw err;
    }
  });
}
