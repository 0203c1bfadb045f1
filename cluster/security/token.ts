// The bearer token every API request must carry, generated on first start and kept in the state folder.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeSecretFile } from './secretFiles';

/** Shorter than this is not a token this cluster made (43 characters) and is guessable: it is replaced. */
const MIN_TOKEN_LENGTH = 32;

/** Why an existing token file must not be used, or undefined when it is fine. */
function weakness(file: string, token: string): string | undefined {
  const mode = fs.statSync(file).mode & 0o777;
  if (mode & 0o077) return `it was readable by other users (mode 0${mode.toString(8)})`;
  if (token.length < MIN_TOKEN_LENGTH) return `it was shorter than ${MIN_TOKEN_LENGTH} characters`;
  return undefined;
}

export function ensureToken(stateDir: string): string {
  const file = path.join(stateDir, 'token');
  let existing: string | undefined;
  try {
    existing = fs.readFileSync(file, 'utf8').trim();
  } catch {
    // first start
  }
  if (existing) {
    const why = weakness(file, existing);
    if (!why) return existing;
    process.emitWarning(`${file} was replaced with a new token because ${why}; the kubeconfig is rewritten with it`);
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
