// Admin sessions in the Session table, keyed by the SHA-256 of the cookie token (hashing is the caller's).
import "server-only";
import type { Db } from "./client";

export interface SessionRow {
  id: string;
  csrfToken: string;
  createdAt: Date;
  expiresAt: Date;
}

export async function insertSession(db: Db, session: SessionRow): Promise<SessionRow> {
  return db.prisma.session.create({ data: session });
}

/** Drops sessions that expired before `now`. Returns how many. */
export async function deleteExpiredSessions(db: Db, now: Date): Promise<number> {
  const result = await db.prisma.session.deleteMany({ where: { expiresAt: { lt: now } } });
  return result.count;
}

/** The session stored under `id` (expired or not), or null. */
export async function getSession(db: Db, id: string): Promise<SessionRow | null> {
  return db.prisma.session.findUnique({ where: { id } });
}

export async function deleteSession(db: Db, id: string): Promise<void> {
  await db.prisma.session.deleteMany({ where: { id } });
}
