// Next.js configuration; a bad DATABASE_URL fails the build and the server start, not the first request.
import { z } from "zod";

const env = z
  .object({
    DATABASE_URL: z
      .string()
      .regex(
        /^(file:|postgres(ql)?:\/\/)/,
        "must be a SQLite file: URL (file:./data/mnist-lens.db) or a PostgreSQL URL (postgresql://user:password@host:5432/db)",
      )
      .optional(),
  })
  .safeParse(process.env);
if (!env.success) {
  throw new Error(
    `invalid environment: ${env.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`,
  );
}

/**
 * The fixed security headers (lib/core/security-headers.ts's STATIC_SECURITY_HEADERS, which a test keeps equal) on
 * every response, static files included; proxy.ts sets them again with the Content-Security-Policy on everything
 * else, where it also runs.
 */
export const STATIC_SECURITY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "strict-origin-when-cross-origin",
};

/** @type {import('next').NextConfig} */
const nextConfig = {
  // NEXT_DIST_DIR lets several checkouts' builds (or parallel test runs) live side by side.
  distDir: process.env.NEXT_DIST_DIR ?? ".next",
  // Training runs in a separate process; inside Next, tfjs computes attributions (lib/features/explain). It stays
  // unbundled so the wasm backend finds its .wasm files in node_modules.
  serverExternalPackages: ["@tensorflow/tfjs", "@tensorflow/tfjs-backend-wasm", "better-sqlite3"],
  poweredByHeader: false,
  async headers() {
    return [
      {
        source: "/:path*",
        headers: Object.entries(STATIC_SECURITY_HEADERS).map(([key, value]) => ({ key, value })),
      },
    ];
  },
};

export default nextConfig;
