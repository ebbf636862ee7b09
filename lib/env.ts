// The environment, validated once: a bad value fails at start with the variable named.
import path from "node:path";
import { z } from "zod";
import { backendNameSchema } from "./model/backend-name";

export const DEFAULT_DATABASE_FILE = path.join("data", "mnist-lens.db");

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^file:/, "must be a SQLite file: URL, e.g. file:./data/mnist-lens.db")
    .default(`file:${path.resolve(DEFAULT_DATABASE_FILE)}`),
  TFJS_BACKEND: backendNameSchema.default("auto"),
});

export type Env = z.infer<typeof envSchema>;

export function readEnv(source: NodeJS.ProcessEnv = process.env): Env {
  const parsed = envSchema.safeParse(source);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new Error(`invalid environment: ${problems}`);
  }
  return parsed.data;
}

/** The filesystem path of a SQLite `file:` URL, resolved against the working directory. */
export function sqlitePath(url: string): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return path.resolve(file);
}
