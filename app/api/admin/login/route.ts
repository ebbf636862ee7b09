// POST /api/admin/login {"password": "..."}: sets the session cookie and returns the CSRF token (200), 401 on a wrong password,
// 429 with Retry-After while the client's address (the socket's under `npm start`, or a trusted proxy's report) waits
// out its backoff.
import { z } from "zod";
import { adminPasswordHash, verifyPassword } from "@/lib/features/auth/password";
import { clientAddress } from "@/lib/features/auth/client-address";
import { loginLimiter } from "@/lib/features/auth/rate-limit";
import {
  adminDisabledResponse,
  bodyErrorResponse,
  isSecureRequest,
  jsonResponse,
  readJsonBody,
} from "@/lib/features/auth/request";
import { createSession } from "@/lib/features/auth/session";
import { setSessionCookie } from "@/lib/features/auth/session-cookie";
import { getDb } from "@/lib/db/client";
import { readEnv } from "@/lib/env";
import { withBusyAnswer } from "@/app/api/_lib/handler";

/** Longest a wrong password from an unidentified client (plain `next start`, no trusted proxy) is held before its 401. */
const UNKNOWN_CLIENT_MAX_DELAY_MS = 5000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

const loginSchema = z.object({ password: z.string().min(1, "enter the admin password").max(1024) }).strict();

export const POST = withBusyAnswer(async (request: Request): Promise<Response> => {
  const password = readEnv().ADMIN_PASSWORD;
  const stored = adminPasswordHash(password);
  if (!stored) return adminDisabledResponse();
  // Login CSRF: another site must not log the browser into this one.
  const site = request.headers.get("sec-fetch-site");
  if (site !== null && site !== "same-origin" && site !== "none")
    return jsonResponse(403, { error: `cross-site login refused (Sec-Fetch-Site: ${site})` });
  let body: unknown;
  try {
    body = await readJsonBody(request, 4096);
  } catch (err) {
    return bodyErrorResponse(err);
  }
  const parsed = loginSchema.safeParse(body);
  if (!parsed.success)
    return jsonResponse(400, {
      error: 'expected {"password": "..."}',
      fieldErrors: z.flattenError(parsed.error).fieldErrors,
    });

  const client = clientAddress(request.headers, readEnv().TRUSTED_PROXIES);
  const limiter = loginLimiter();
  const now = Date.now();
  // Only a known address is refused while it waits: refusing "unknown" (plain `next start`) would refuse everyone.
  const waitMs = client.identified ? limiter.retryAfterMs(client.address, now) : 0;
  if (waitMs > 0) {
    const seconds = Math.ceil(waitMs / 1000);
    return jsonResponse(
      429,
      { error: `too many wrong passwords from this address: try again in ${seconds} s`, retryAfterSeconds: seconds },
      { "Retry-After": String(seconds) },
    );
  }
  // Counted as a failure until proven right, so parallel guesses cannot slip past the limit while scrypt runs.
  limiter.recordFailure(client.address, now);
  if (!(await verifyPassword(parsed.data.password, await stored))) {
    // Unidentified clients are never refused; their wrong answers are slowed by the backoff instead (up to 5 s).
    if (!client.identified)
      await sleep(Math.min(UNKNOWN_CLIENT_MAX_DELAY_MS, limiter.retryAfterMs(client.address, Date.now())));
    return jsonResponse(401, { error: "wrong password" });
  }
  limiter.recordSuccess(client.address);
  const { token, session } = await createSession(getDb());
  await setSessionCookie(token, session.expiresAt, isSecureRequest(request));
  // The CSRF token is for API clients (the admin page gets it rendered); no other origin can read this response.
  return jsonResponse(200, { expiresAt: session.expiresAt.toISOString(), csrfToken: session.csrfToken });
});
