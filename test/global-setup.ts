// Migrates one template SQLite database with the real Prisma CLI; each test copies it.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";

export const TEMPLATE_DB = path.resolve(".tmp/test-template.db");

export default function setup(): void {
  mkdirSync(path.dirname(TEMPLATE_DB), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(TEMPLATE_DB + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: "pipe",
  });
  process.env.MNIST_LENS_TEMPLATE_DB = TEMPLATE_DB;
}
