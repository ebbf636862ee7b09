// POST /api/admin/labels/reviews: an admin's verdict on one digit's label ({ subset, index, verdict,
// correctedLabel? }); 201 with the review's id, 400 naming the bad field. Session and CSRF as every admin action.
import { authorizeAdmin, bodyErrorResponse, jsonResponse, readJsonBody } from "@/lib/features/auth/request";
import { getDb } from "@/lib/db/client";
import { reviewInputSchema } from "@/lib/core/labels-view";
import { recordReview } from "@/lib/features/labels/reviews";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const POST = withBusyAnswer(async (request: Request): Promise<Response> => {
  const db = getDb();
  const auth = await authorizeAdmin(db, request, { mutating: true });
  if (!auth.ok) return auth.response;
  let body: unknown;
  try {
    body = await readJsonBody(request);
  } catch (err) {
    return bodyErrorResponse(err);
  }
  const parsed = reviewInputSchema.safeParse(body);
  if (!parsed.success) {
    const fieldErrors: Record<string, string[]> = {};
    for (const issue of parsed.error.issues) {
      const field = issue.path.map(String).join(".") || "body";
      (fieldErrors[field] ??= []).push(issue.message);
    }
    const first = parsed.error.issues[0]!;
    return jsonResponse(400, { error: first.message, fieldErrors });
  }
  const id = await recordReview(db, parsed.data, auth.session.id);
  return jsonResponse(201, { id, review: parsed.data });
});
