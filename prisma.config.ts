// Prisma CLI configuration: the JS engine over better-sqlite3, so nothing is downloaded.
import { mkdirSync } from "node:fs";
import path from "node:path";
import { defineConfig } from "prisma/config";
import { PrismaBetterSQLite3 } from "@prisma/adapter-better-sqlite3";

// Prisma's config file turns off .env loading; the default is lib/env.ts's.
const url = process.env.DATABASE_URL ?? `file:${path.resolve("data", "mnist-lens.db")}`;
// The schema reads env("DATABASE_URL"); unset, the schema is invalid and the CLI falls back to downloading an engine.
process.env.DATABASE_URL = url;
// SQLite creates the file but not its folder; a missing folder surfaces as "External error id#0".
mkdirSync(path.dirname(path.resolve(url.replace(/^file:/, "").replace(/\?.*$/, ""))), { recursive: true });

export default defineConfig({
  experimental: { adapter: true },
  engine: "js",
  schema: path.join("prisma", "schema.prisma"),
  migrations: { path: path.join("prisma", "migrations") },
  adapter: async () => new PrismaBetterSQLite3({ url }),
});
