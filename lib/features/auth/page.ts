// The admin pages' guard: a server component calls requireAdminPage() and gets the session or a redirect to /login.
import "server-only";
import { redirect } from "next/navigation";
import { getDb } from "../../db/client";
import { findSession, type AdminSession } from "./session";
import { readSessionToken } from "./session-cookie";

/** The logged-in session, or a redirect to /login that comes back to `returnTo` (a local path) afterwards. */
export async function requireAdminPage(returnTo: string): Promise<AdminSession> {
  const session = await findSession(getDb(), await readSessionToken());
  if (!session) redirect(`/login?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** The session if logged in, else null (the login page uses it to skip itself). */
export async function currentAdminSession(): Promise<AdminSession | null> {
  return findSession(getDb(), await readSessionToken());
}
