// The environment, validated once: a bad value fails at start with the variable named.
import { isIP } from "node:net";
import path from "node:path";
import { z } from "zod";
import { backendNameSchema } from "./core/backend-name";

export const DEFAULT_DATABASE_FILE = path.join("data", "mnist-lens.db");

const envSchema = z.object({
  DATABASE_URL: z
    .string()
    .regex(
      /^(file:|postgres(ql)?:\/\/)/,
      "must be a SQLite file: URL (file:./data/mnist-lens.db) or a PostgreSQL URL (postgresql://user:password@host:5432/db)",
    )
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
  /**
   * Comma-separated IP addresses of reverse proxies that append the client's address to X-Forwarded-For. Only then
   * does the login limiter tell clients apart (lib/features/auth/client-address.ts); unset, every client is one
   * "unknown" address and a correct password is never refused. The app must then be reachable only through them.
   */
  TRUSTED_PROXIES: z
    .string()
    .default("")
    .transform((text) =>
      text
        .split(",")
        .map((p) => p.trim())
        .filter((p) => p !== ""),
    )
    .refine((list) => list.every((p) => isIP(p.replace(/^::ffff:/i, "")) !== 0), {
      message: "must be comma-separated IP addresses, e.g. 127.0.0.1,::1",
    }),
  /**
   * How long a statement waits for another process's write lock before giving up (the pages then answer 503 with
   * Retry-After). 15 s by default: longer than any recording transaction measured (an epoch's blobs, < 1 s).
   */
  DATABASE_BUSY_TIMEOUT_MS: z.coerce.number().int().min(100).max(600_000).default(15_000),
  /** Longest estimated training time of the jobs queued in one request, in hours (lib/core/job-cost.ts). */
  MAX_JOB_TRAINING_HOURS: z.coerce.number().positive().max(10_000).default(6),
  /** Most storage the jobs queued in one request may need (embeddings, checkpoints, projections), in GB (10^9 bytes). */
  MAX_JOB_STORAGE_GB: z.coerce.number().positive().max(100_000).default(5),
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

export type DatabaseEngine = "sqlite" | "postgres";

/** The engine a DATABASE_URL names by its scheme: `file:` is SQLite, `postgres://` or `postgresql://` PostgreSQL. */
export function databaseEngine(url: string): DatabaseEngine {
  if (url.startsWith("file:")) return "sqlite";
  if (/^postgres(ql)?:\/\//.test(url)) return "postgres";
  throw new Error(`DATABASE_URL must start with file: or postgresql://, got ${url.slice(0, 16)}…`);
}

/** The filesystem path of a SQLite `file:` URL, resolved against the working directory. */
export function sqlitePath(url: string): string {
  const file = url.replace(/^file:/, "").replace(/\?.*$/, "");
  return path.resolve(file);
}
