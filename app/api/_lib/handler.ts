// The route handlers' shared answers: a database locked past the busy timeout becomes 503 with Retry-After (not
// 500), and a bad parameter becomes a 400 JSON body that names the field and what it must be, never the value sent.
import { BUSY_RETRY_AFTER_S, isDatabaseBusy } from "@/lib/db/faults";

/** `{ error, field, expected }`: the field and the rule, nothing the client sent (no reflected text). */
export function badParameter(field: string, expected: string): Response {
  return Response.json(
    { error: `${field} must be ${expected}`, field, expected },
    { status: 400, headers: { "Cache-Control": "no-store" } },
  );
}

/** 404 as JSON with a sentence naming what is missing (ids only, which the route has parsed as numbers). */
export function notFoundAnswer(error: string): Response {
  return Response.json({ error }, { status: 404, headers: { "Cache-Control": "no-store" } });
}

export function busyAnswer(): Response {
  return Response.json(
    {
      error: `the database is busy (locked by another process): retry in ${BUSY_RETRY_AFTER_S} s`,
      retryAfterSeconds: BUSY_RETRY_AFTER_S,
    },
    { status: 503, headers: { "Retry-After": String(BUSY_RETRY_AFTER_S), "Cache-Control": "no-store" } },
  );
}

/**
 * Wraps a route handler: a database busy error (another writer held the lock past the busy timeout) answers 503
 * with Retry-After; anything else is rethrown, a bug for Next to log as a 500.
 */
export function withBusyAnswer<A extends unknown[]>(
  handler: (...args: A) => Promise<Response>,
): (...args: A) => Promise<Response> {
  return async (...args: A) => {
    try {
      return await handler(...args);
    } catch (err) {
      if (isDatabaseBusy(err)) return busyAnswer();
      throw err;
    }
  };
}

/** A failed zod parse of a query as 400: the first offending parameter and the rule it broke (zod's message). */
export function badQuery(issues: readonly { path: readonly PropertyKey[]; message: string }[]): Response {
  const issue = issues[0];
  const field = issue ? issue.path.map(String).join(".") || "query" : "query";
  return badParameter(field, issue ? issue.message.replace(/^Invalid (input|option): /, "") : "valid");
}
