// Admin sessions in the Session table: the cookie carries a random 256-bit token, the table only its SHA-256,
// so a copy of the database does not let anyone log in. Each session has its own CSRF token.
import "server-only";
import { createHash, randomBytes, timingSafeEqual } from "node:crypto";
import type { Db } from "../../db/client";
import { deleteExpiredSessions, getSession, insertSession } from "../../db/sessions";

export const SESSION_COOKIE = "mnist_lens_admin";
/** Sessions end this long after login. */
export const SESSION_TTL_MS = 8 * 60 * 60 * 1000;

export interface AdminSession {
  id: string;
  csrfToken: string;
  expiresAt: Date;
}

function digest(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Creates a session; returns the cookie token (shown once, never stored) and the session. */
export async function createSession(db: Db, now = new Date()): Promise<{ token: string; session: AdminSession }> {
  const token = randomBytes(32).toString("base64url");
  const session = await insertSession(db, {
    id: digest(token),
    csrfToken: randomBytes(32).toString("base64url"),
    createdAt: now,
    expiresAt: new Date(now.getTime() + SESSION_TTL_MS),
  });
  // Expired sessions are dropped on each login: the only write path that runs when nobody is logged in.
  await deleteExpiredSessions(db, now);
  return { token, session: { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt } };
}

/** The live session of a cookie token, or null (unknown, malformed or expired). Reads only. */
export async function findSession(db: Db, token: string | undefined, now = new Date()): Promise<AdminSession | null> {
  if (!token || token.length > 200) return null;
  const session = await getSession(db, digest(token));
  if (!session || session.expiresAt <= now) return null;
  return { id: session.id, csrfToken: session.csrfToken, expiresAt: session.expiresAt };
}

/** Logout ends a session by its id (an unknown id is not an error). */
export { deleteSession } from "../../db/sessions";

/** Constant-time check of the CSRF token a request carries against its session's. */
export function csrfMatches(session: AdminSession, sent: string | null): boolean {
  if (!sent) return false;
  const a = Buffer.from(session.csrfToken);
  const b = Buffer.from(sent);
  return a.length === b.length && timingSafeEqual(a, b);
}
