// Guards for the admin route handlers: session cookie (else 401), CSRF token and same-origin fetch metadata on
// every mutating request (else 403), bounded JSON bodies (else 400/415). Every answer is uncacheable.
import "server-only";
import type { Db } from "../../db/client";
import { jsonNestingDepth } from "../../core/json-depth";
import { readEnv } from "../../env";
import { csrfMatches, findSession, type AdminSession } from "./session";
import { readSessionToken } from "./session-cookie";

/** Header carrying the session's CSRF token on POST requests. */
export const CSRF_HEADER = "x-csrf-token";
/** Largest JSON body an admin API reads: the job form is well under 4 KB. */
export const MAX_BODY_BYTES = 64 * 1024;
/** Deepest nesting of arrays and objects a JSON body may have: a sweep of jobs is 3 levels (body, jobs, hidden). */
export const MAX_BODY_DEPTH = 8;

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): Response {
  return Response.json(body, { status, headers: { "Cache-Control": "no-store", ...headers } });
}

/** True when ADMIN_PASSWORD is set (a bad value throws here, naming the variable). */
export function adminEnabled(): boolean {
  return readEnv().ADMIN_PASSWORD !== undefined;
}

export const ADMIN_DISABLED_MESSAGE =
  "the admin page is disabled: set ADMIN_PASSWORD (at least 12 characters) in the server's environment; npm run up generates one into data/admin-password.txt";

/** Whether the request came over HTTPS (directly or as a proxy reports it), so cookies get the Secure flag. */
export function isSecureRequest(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto") === "https";
}

/**
 * 503 while ADMIN_PASSWORD is unset. Retry-After (an hour) says the refusal is a state of this server, not of the
 * request: it lasts until someone sets the password and restarts it.
 */
export function adminDisabledResponse(): Response {
  return jsonResponse(503, { error: ADMIN_DISABLED_MESSAGE }, { "Retry-After": "3600" });
}

export type AdminAuth = { ok: true; session: AdminSession } | { ok: false; response: Response };

/**
 * The request's admin session, or the error response: 503 without ADMIN_PASSWORD, 401 without a live session,
 * and for `mutating` requests 403 when the fetch is cross-site or the CSRF header is missing or wrong.
 * Route handlers only: the session cookie is read through Next's cookies().
 */
export async function authorizeAdmin(db: Db, request: Request, options: { mutating: boolean }): Promise<AdminAuth> {
  if (!adminEnabled()) return { ok: false, response: adminDisabledResponse() };
  const session = await findSession(db, await readSessionToken());
  if (!session)
    return {
      ok: false,
      response: jsonResponse(401, { error: "login required: POST the admin password to /api/admin/login" }),
    };
  if (options.mutating) {
    const site = request.headers.get("sec-fetch-site");
    if (site !== null && site !== "same-origin" && site !== "none") {
      return {
        ok: false,
        response: jsonResponse(403, { error: `cross-site request refused (Sec-Fetch-Site: ${site})` }),
      };
    }
    if (!csrfMatches(session, request.headers.get(CSRF_HEADER))) {
      return {
        ok: false,
        response: jsonResponse(403, {
          error: `missing or wrong CSRF token: send the session's token in the ${CSRF_HEADER} header`,
        }),
      };
    }
  }
  return { ok: true, session };
}

export class BodyError extends Error {
  constructor(
    readonly status: 400 | 415,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body of at most `maxBytes`, stopping as soon as more arrives (a 10 MB upload is not buffered).
 * Throws BodyError: 415 unless Content-Type is application/json, 400 when too large (the contract for a
 * 10 MB body: 400 with the reason, nothing queued), nested deeper than MAX_BODY_DEPTH (counted on the text, before
 * parsing) or not JSON.
 */
export async function readJsonBody(request: Request, maxBytes = MAX_BODY_BYTES): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type))
    throw new BodyError(415, `send the body as application/json, got "${type.slice(0, 80)}"`);
  const tooLarge = () => new BodyError(400, `request body exceeds ${maxBytes / 1024} KiB`);
  const declared = Number(request.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) throw tooLarge();
  if (!request.body) throw new BodyError(400, "empty body: expected a JSON object");
  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel().catch(() => {});
      throw tooLarge();
    }
    chunks.push(value);
  }
  const text = Buffer.concat(chunks).toString("utf8");
  if (jsonNestingDepth(text, MAX_BODY_DEPTH) > MAX_BODY_DEPTH)
    throw new BodyError(400, `the body nests arrays or objects more than ${MAX_BODY_DEPTH} levels deep`);
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, "the body is not valid JSON");
  }
}

export function bodyErrorResponse(err: unknown): Response {
  if (err instanceof BodyError)
    return jsonResponse(err.status, { error: err.message, fieldErrors: {}, formErrors: [err.message] });
  throw err;
}
