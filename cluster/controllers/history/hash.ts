// The short hashes Kubernetes puts in ControllerRevision names and the controller-revision-hash label:
// an FNV-32 of the data (plus the collision count, so a name collision can be stepped around), printed
// in decimal and mapped onto an alphabet without vowels so that it never spells a word.

const ALPHANUMS = 'bcdfghjklmnpqrstvwxz2456789';
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;

/** FNV-1, 32 bits (Go's hash/fnv New32), as ControllerRevision hashes use. */
export function fnv1(data: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of data) h = (Math.imul(h, FNV_PRIME) ^ b) >>> 0;
  return h;
}

/** FNV-1a, 32 bits (Go's hash/fnv New32a), as pod-template hashes use. */
export function fnv1a(data: Uint8Array, seed = FNV_OFFSET): number {
  let h = seed >>> 0;
  for (const b of data) h = Math.imul(h ^ b, FNV_PRIME) >>> 0;
  return h;
}

/** Maps each character onto the vowel-free alphabet (apimachinery's rand.SafeEncodeString). */
export function safeEncode(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += ALPHANUMS[s.charCodeAt(i) % ALPHANUMS.length];
  return out;
}

/** JSON with object keys sorted at every level, so equal data always hashes alike. */
export function canonicalJson(v: unknown): string {
  if (Array.isArray(v)) return `[${v.map((x) => canonicalJson(x === undefined ? null : x)).join(',')}]`;
  if (v !== null && typeof v === 'object') {
    const o = v as Record<string, unknown>;
    const keys = Object.keys(o)
      .filter((k) => o[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(o[k])}`).join(',')}}`;
  }
  return JSON.stringify(v);
}

/** The hash in a ControllerRevision's name: FNV-1 of its data, then of the collision count in decimal. */
export function revisionHash(data: unknown, collisionCount?: number): string {
  let h = fnv1(Buffer.from(canonicalJson(data), 'utf8'));
  if (collisionCount !== undefined) h = fnv1(Buffer.from(String(collisionCount), 'utf8'), h);
  return safeEncode(String(h));
}

/** The hash of a pod template (DaemonSet revisions, pod-template-hash): FNV-1a, collision count as 8 bytes. */
export function templateHash(template: unknown, collisionCount?: number): string {
  let h = fnv1a(Buffer.from(canonicalJson(template), 'utf8'));
  if (collisionCount !== undefined) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv1a(b, h);
  }
  return safeEncode(String(h));
}
