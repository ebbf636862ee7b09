// Helpers for statements run directly on better-sqlite3 (the blob path), matching Prisma's storage formats.

/** Prisma's SQLite adapter stores DateTime as ISO-8601 text with an explicit +00:00 offset. */
export function sqlDate(date: Date = new Date()): string {
  return date.toISOString().replace("Z", "+00:00");
}
