// PostgreSQL rows in SQLite's shapes, so one set of Kysely row types (generated from the SQLite schema) and one set of
// queries serve both engines: int8 and numeric as numbers, booleans as 0/1, timestamps as sqlDate()'s ISO text.
import type { ClientConfig, CustomTypesConfig } from "pg";
import pg from "pg";
import { sqlDate } from "./sql";

const OID = { bool: 16, int8: 20, numeric: 1700, timestamp: 1114, timestamptz: 1184 } as const;

/** Parsers of the pool Kysely runs on (Prisma's pool keeps pg's defaults: its client maps types itself). */
export const SQLITE_SHAPED_TYPES: CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: "text" | "binary") => {
    switch (oid) {
      case OID.bool:
        return (text: string) => (text === "t" ? 1 : 0);
      case OID.int8:
      case OID.numeric:
        // Counts, sums and ids: far below 2^53 here (a blob's bytes, a table's rows).
        return (text: string) => Number(text);
      case OID.timestamp:
        // Stored as UTC without a zone (Prisma's DateTime): "2026-12-02 07:47:26.12" → "2026-12-02T07:47:26.120+00:00".
        return (text: string) => sqlDate(new Date(`${text.replace(" ", "T")}Z`));
      case OID.timestamptz:
        return (text: string) => sqlDate(new Date(text));
      default:
        return pg.types.getTypeParser(oid, format ?? "text");
    }
  }) as CustomTypesConfig["getTypeParser"],
};

/**
 * The pg connection settings of a postgresql:// URL: lock_timeout makes a statement behind another's lock give up
 * after the busy timeout (the pages then answer 503, as on SQLite), and UTC makes CURRENT_TIMESTAMP defaults UTC
 * like the values Prisma and sqlDate() write.
 */
export function postgresConnection(url: string, busyTimeoutMs: number): ClientConfig {
  return {
    connectionString: url,
    options: `-c lock_timeout=${Math.round(busyTimeoutMs)} -c TimeZone=UTC`,
    application_name: "mnist-lens",
  };
}
