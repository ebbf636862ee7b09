// The admin password: hashed once with scrypt (random salt) when first needed, then every login attempt is
// hashed the same way and compared in constant time; the plaintext is never compared directly.
import "server-only";
import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from "node:crypto";

/** N = 2^14, r = 8: 16 MiB and ~50 ms per hash on the development machine (OWASP's minimum for scrypt is N = 2^13). */
const SCRYPT: ScryptOptions = { N: 2 ** 14, r: 8, p: 1, maxmem: 64 * 1024 * 1024 };
const KEY_BYTES = 32;

export interface PasswordHash {
  salt: Buffer;
  hash: Buffer;
}

function scryptAsync(password: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(password.normalize("NFC"), salt, KEY_BYTES, SCRYPT, (err, key) => (err ? reject(err) : resolve(key))),
  );
}

export async function hashPassword(password: string, salt: Buffer = randomBytes(16)): Promise<PasswordHash> {
  return { salt, hash: await scryptAsync(password, salt) };
}

/** True when `candidate` hashes to `stored`; the comparison takes the same time wherever the bytes differ. */
export async function verifyPassword(candidate: string, stored: PasswordHash): Promise<boolean> {
  // Bound the work an attacker can ask for; a longer candidate cannot be the (≤ 1024-character) password anyway.
  const hash = await scryptAsync(candidate.slice(0, 1024), stored.salt);
  return timingSafeEqual(hash, stored.hash) && candidate.length <= 1024;
}

const globalForAuth = globalThis as unknown as {
  mnistLensAdminHash?: { password: string; hash: Promise<PasswordHash> };
};

/** The hash of ADMIN_PASSWORD for this process (computed on first use), or null when no password is configured. */
export function adminPasswordHash(password: string | undefined): Promise<PasswordHash> | null {
  if (password === undefined) return null;
  if (globalForAuth.mnistLensAdminHash?.password !== password) {
    globalForAuth.mnistLensAdminHash = { password, hash: hashPassword(password) };
  }
  return globalForAuth.mnistLensAdminHash.hash;
}
