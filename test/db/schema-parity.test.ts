// The two engines' schemas, as their migrations build them, have the same tables, columns and indexes; and the
// PostgreSQL Prisma schema is the one generated from the SQLite schema.
import { readFileSync } from "node:fs";
import Database from "better-sqlite3";
import pg from "pg";
import { describe, expect, inject, it } from "vitest";
import { MIGRATIONS_TABLE } from "../../lib/db/migrate-postgres";
import { POSTGRES_SCHEMA, SQLITE_SCHEMA, postgresSchemaFrom } from "../../scripts/postgres-schema";
import { testEngine } from "../helpers/db";

interface Shape {
  /** table → "column nullable|required" lines, sorted */
  columns: Record<string, string[]>;
  /** "table(index name): unique? columns" lines, sorted */
  indexes: string[];
}

const IGNORED = new Set(["_prisma_migrations", MIGRATIONS_TABLE, "sqlite_sequence"]);

function sqliteShape(file: string): Shape {
  const db = new Database(file, { readonly: true });
  try {
    const tables = (
      db.prepare("SELECT name FROM sqlite_schema WHERE type = 'table' ORDER BY name").all() as { name: string }[]
    )
      .map((t) => t.name)
      .filter((t) => !IGNORED.has(t));
    const columns: Shape["columns"] = {};
    const indexes: string[] = [];
    for (const table of tables) {
      const info = db.prepare(`PRAGMA table_info("${table}")`).all() as { name: string; notnull: number; pk: number }[];
      columns[table] = info.map((c) => `${c.name} ${c.notnull || c.pk ? "required" : "nullable"}`).sort();
      const list = db.prepare(`PRAGMA index_list("${table}")`).all() as {
        name: string;
        unique: number;
        origin: string;
      }[];
      for (const index of list) {
        if (index.origin === "pk") continue;
        const cols = (db.prepare(`PRAGMA index_info("${index.name}")`).all() as { name: string }[]).map((c) => c.name);
        indexes.push(`${table}(${index.name}): ${index.unique ? "unique " : ""}${cols.join(",")}`);
      }
    }
    return { columns, indexes: indexes.sort() };
  } finally {
    db.close();
  }
}

async function postgresShape(url: string): Promise<Shape> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const cols = await client.query<{ table_name: string; column_name: string; is_nullable: string }>(
      `SELECT table_name, column_name, is_nullable FROM information_schema.columns
       WHERE table_schema = 'public' ORDER BY table_name, column_name`,
    );
    const columns: Shape["columns"] = {};
    for (const c of cols.rows) {
      if (IGNORED.has(c.table_name)) continue;
      (columns[c.table_name] ??= []).push(`${c.column_name} ${c.is_nullable === "YES" ? "nullable" : "required"}`);
    }
    for (const table of Object.keys(columns)) columns[table]!.sort();
    const idx = await client.query<{ table: string; name: string; unique: boolean; primary: boolean; cols: string[] }>(
      `SELECT t.relname AS table, i.relname AS name, ix.indisunique AS unique, ix.indisprimary AS primary,
              array(SELECT a.attname FROM unnest(ix.indkey) WITH ORDINALITY k(attnum, ord)
                    JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = k.attnum ORDER BY k.ord)::text[] AS cols
       FROM pg_index ix JOIN pg_class i ON i.oid = ix.indexrelid JOIN pg_class t ON t.oid = ix.indrelid
       JOIN pg_namespace n ON n.oid = t.relnamespace WHERE n.nspname = 'public'`,
    );
    const indexes = idx.rows
      .filter((r) => !r.primary && !IGNORED.has(r.table))
      .map((r) => `${r.table}(${r.name}): ${r.unique ? "unique " : ""}${r.cols.join(",")}`)
      .sort();
    return { columns, indexes };
  } finally {
    await client.end();
  }
}

describe("the SQLite and PostgreSQL schemas", () => {
  it("prisma/postgresql/schema.prisma is generated from prisma/schema.prisma (npm run db:schema)", () => {
    expect(readFileSync(POSTGRES_SCHEMA, "utf8")).toBe(postgresSchemaFrom(readFileSync(SQLITE_SCHEMA, "utf8")));
  });

  it.runIf(testEngine() === "postgres")(
    "have the same tables, columns, nullability and indexes once migrated",
    async () => {
      const sqlite = sqliteShape(inject("templateDb"));
      const { serverUrl, template } = inject("postgresTemplate");
      const url = new URL(serverUrl);
      url.pathname = `/${template}`;
      const postgres = await postgresShape(url.toString());
      expect(Object.keys(sqlite.columns).length).toBeGreaterThan(10);
      expect(sqlite.indexes.length).toBeGreaterThan(5);
      expect(Object.keys(postgres.columns).sort()).toEqual(Object.keys(sqlite.columns).sort());
      for (const table of Object.keys(sqlite.columns))
        expect(postgres.columns[table], table).toEqual(sqlite.columns[table]);
      expect(postgres.indexes).toEqual(sqlite.indexes);
    },
  );

  it.runIf(testEngine() === "postgres")(
    "compress every PostgreSQL blob column with lz4 (pglz made recording an epoch 7-8 times slower)",
    async () => {
      const { serverUrl, template } = inject("postgresTemplate");
      const url = new URL(serverUrl);
      url.pathname = `/${template}`;
      const client = new pg.Client({ connectionString: url.toString() });
      await client.connect();
      try {
        const { rows } = await client.query<{ column: string; compression: string }>(
          `SELECT c.relname || '.' || a.attname AS column, a.attcompression AS compression
           FROM pg_attribute a JOIN pg_class c ON c.oid = a.attrelid JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE n.nspname = 'public' AND a.atttypid = 'bytea'::regtype AND a.attnum > 0 AND NOT a.attisdropped`,
        );
        expect(rows.length).toBeGreaterThan(10);
        expect(rows.filter((r) => r.compression !== "l").map((r) => r.column)).toEqual([]);
      } finally {
        await client.end();
      }
    },
  );
});
