// The admin session cookie through Next's cookies(): its attributes, and reading, setting and clearing it in a request.
import "server-only";
import { cookies } from "next/headers";
import { SESSION_COOKIE } from "./session";

/** The attributes every session cookie carries (a subset of Next's ResponseCookie options). */
export interface SessionCookieOptions {
  path: "/";
  /** Not readable by scripts. */
  httpOnly: true;
  /** Never sent on a request another site starts. */
  sameSite: "strict";
  /** Only over HTTPS; set when the request came over HTTPS. */
  secure: boolean;
  /** Seconds until the browser drops the cookie; 0 drops it now. */
  maxAge: number;
  expires: Date;
}

/** A new session's cookie attributes: it expires with the session (Max-Age from `nowMs`, and Expires). */
export function sessionCookieOptions(expiresAt: Date, secure: boolean, nowMs = Date.now()): SessionCookieOptions {
  const maxAge = Math.max(0, Math.round((expiresAt.getTime() - nowMs) / 1000));
  return { path: "/", httpOnly: true, sameSite: "strict", secure, maxAge, expires: expiresAt };
}

/** The attributes that remove the cookie: the same path and flags, Max-Age 0 and an Expires in 1970. */
export function clearedSessionCookieOptions(secure: boolean): SessionCookieOptions {
  return { path: "/", httpOnly: true, sameSite: "strict", secure, maxAge: 0, expires: new Date(0) };
}

/** The session token the request's Cookie header carries, if any (route handlers and server components only). */
export async function readSessionToken(): Promise<string | undefined> {
  return (await cookies()).get(SESSION_COOKIE)?.value;
}

/** Sets the session cookie on the response of the current route handler. */
export async function setSessionCookie(token: string, expiresAt: Date, secure: boolean): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, token, sessionCookieOptions(expiresAt, secure));
}

/** Clears the session cookie on the response of the current route handler. */
export async function clearSessionCookie(secure: boolean): Promise<void> {
  (await cookies()).set(SESSION_COOKIE, "", clearedSessionCookieOptions(secure));
}
