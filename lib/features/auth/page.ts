// The admin pages' guard: a server component calls requireAdminPage() and gets the session or a redirect to /login.
import "server-only";
import { cookies } from "next/headers";
import { redirect } from "next/navigation";
import { getDb } from "../../db/client";
import { SESSION_COOKIE, findSession, type AdminSession } from "./session";

/** The logged-in session, or a redirect to /login that comes back to `returnTo` (a local path) afterwards. */
export async function requireAdminPage(returnTo: string): Promise<AdminSession> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  const session = await findSession(getDb(), token);
  if (!session) redirect(`/login?next=${encodeURIComponent(returnTo)}`);
  return session;
}

/** The session if logged in, else null (the login page uses it to skip itself). */
export async function currentAdminSession(): Promise<AdminSession | null> {
  const token = (await cookies()).get(SESSION_COOKIE)?.value;
  return findSession(getDb(), token);
}
