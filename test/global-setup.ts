// Migrates one template SQLite database per project with the real Prisma CLI; each test copies it.
import { execFileSync } from "node:child_process";
import { mkdirSync, rmSync } from "node:fs";
import path from "node:path";
import type { TestProject } from "vitest/node";

declare module "vitest" {
  export interface ProvidedContext {
    templateDb: string;
  }
}

export default function setup(project: TestProject): () => void {
  // One template per test process and project, so parallel test runs in one checkout, and the projects of one
  // run (each has its own setup and teardown), do not overwrite or delete each other's.
  const TEMPLATE_DB = path.resolve(`.tmp/test-template-${project.name || "default"}-${process.pid}.db`);
  mkdirSync(path.dirname(TEMPLATE_DB), { recursive: true });
  for (const suffix of ["", "-wal", "-shm"]) rmSync(TEMPLATE_DB + suffix, { force: true });
  execFileSync("npx", ["prisma", "migrate", "deploy"], {
    env: { ...process.env, DATABASE_URL: `file:${TEMPLATE_DB}`, PRISMA_HIDE_UPDATE_MESSAGE: "1" },
    stdio: "pipe",
  });
  project.provide("templateDb", TEMPLATE_DB);
  return () => {
    for (const suffix of ["", "-wal", "-shm"]) rmSync(TEMPLATE_DB + suffix, { force: true });
  };
}
