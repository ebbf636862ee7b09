// Next.js configuration; a bad DATABASE_URL fails the build and the server start, not the first request.
import { z } from "zod";

const env = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(/^file:/, "must be a SQLite file: URL, e.g. file:./data/mnist-lens.db")
      .optional(),
  })
  .safeParse(process.env);
if (!env.success) {
  throw new Error(
    `invalid environment: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets several checkouts' builds (or parallel test runs) live side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // tfjs never runs inside Next (training is a separate process), so nothing of it is bundled.
  serverExternalPackages: ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "better-sqlite3"],
  poweredByHeader: false,
};

export default nextConfig;
