// The bearer token every API request must carry, generated on first start and kept in the state folder.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeSecretFile } from './secretFiles';

export function ensureToken(stateDir: string): string {
  const file = path.join(stateDir, 'token');
  try {
    const t = fs.readFileSync(file, 'utf8').trim();
    if (t) return t;
  } catch {
    // first start
  }
  const token = crypto.randomBytes(32).toString('base64url');
  writeSecretFile(file, token + '\n');
  return token;
}

/** Constant-time comparison of an Authorization header against the token. */
export function bearerMatches(header: string | undefined, token: string): boolean {
  // the scheme is case-insensitive (RFC 9110), as kube-apiserver takes it: "bearer" works too
  if (!header || header.length < 7 || header.slice(0, 7).toLowerCase() !== 'bearer ') return false;
  const given = Buffer.from(header.slice(7).trim());
  const want = Buffer.from(token);
  return given.length === want.length && crypto.timingSafeEqual(given, want);
}
