// Random bytes for names and ids the cluster makes by the thousand (generateName suffixes, container
// and sandbox ids): slices of a pool filled in one call, instead of one call into the crypto library each.
import { randomFillSync } from 'crypto';

const POOL_BYTES = 4096;
const pool = Buffer.alloc(POOL_BYTES);
let used = POOL_BYTES;

/** n (≤ 4096) random bytes; the view is valid until the next call, so read it at once. */
export function pooledRandomBytes(n: number): Buffer {
  if (n > POOL_BYTES) throw new RangeError(`at most ${POOL_BYTES} bytes at a time`);
  if (used + n > POOL_BYTES) {
    randomFillSync(pool);
    used = 0;
  }
  const bytes = pool.subarray(used, used + n);
  used += n;
  return bytes;
}
