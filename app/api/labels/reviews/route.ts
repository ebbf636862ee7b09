// GET /api/labels/reviews: every label review ever made, oldest first, as CSV (the latest per digit is the one counted).
import { getDb } from "@/lib/db/client";
import { reviewsCsv } from "@/lib/features/labels/reviews";
import { withBusyAnswer } from "@/app/api/_lib/handler";

export const dynamic = "force-dynamic";

export const GET = withBusyAnswer(async () => {
  const body = await reviewsCsv(getDb());
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": 'attachment; filename="label-reviews.csv"',
      "Cache-Control": "no-store",
    },
  });
});
