// POST /api/admin/logout: ends the session (CSRF token required) and clears its cookie.
import { authorizeAdmin, isSecureRequest, jsonResponse } from "@/lib/features/auth/request";
import { deleteSession } from "@/lib/features/auth/session";
import { clearSessionCookie } from "@/lib/features/auth/session-cookie";
import { getDb } from "@/lib/db/client";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const POST = withBusyAnswer(async (request: Request): Promise<Response> => {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: true });
  if (!auth.ok) return auth.response;
  await deleteSession(db, auth.session.id);
  await clearSessionCookie(isSecureRequest(request));
  return jsonResponse(200, { loggedOut: true });
});
