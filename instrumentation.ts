// Runs once when the Next.js server starts: a bad environment (DATABASE_URL, TFJS_BACKEND, ADMIN_PASSWORD)
// stops the start with the variable named, instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { readEnv } = await import("./lib/env");
  const env = readEnv();
  if (env.ADMIN_PASSWORD === undefined) {
    console.warn(
      "mnist-lens: ADMIN_PASSWORD is not set, so /admin is disabled (npm run up generates one into data/admin-password.txt)",
    );
  }
}
