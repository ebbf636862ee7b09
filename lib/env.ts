// The environment, validated once: a bad value fails at start with the variable named.
import path from "node:path";
import { z } from "zod";
import { backendNameSchema } from "./core/backend-name";

export const DEFAULT_DATABASE_FILE = path.join("data", "mnist-lens.db");

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(/^file:/, "must be a SQLite file: URL, e.g. file:./data/mnist-lens.db")
    .default(`file:${path.resolve(DEFAULT_DATABASE_FILE)}`),
  TFJS_BACKEND: backendNameSchema.default("auto"),
  /**
   * The admin password (lib/features/auth). Unset: the admin page and its APIs are disabled. `npm run up` generates one
   * into data/admin-password.txt on a first local run. Never a built-in default.
   */
  ADMIN_PASSWORD: z
    .string()
    .min(12, "must be at least 12 characters (npm run up generates a random one into data/admin-password.txt)")
    .max(1024, "must be at most 1024 characters")
    .optional(),
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
