// The pod-template-hash: the label that ties a ReplicaSet and its pods to one Deployment template.
// Like Kubernetes it is FNV-32a over a stable rendering of the template plus the collision count,
// printed in decimal and mapped through the safe-encoding alphabet (no vowels, no 0/1/3), so names
// look like "web-6d4cf56db6". Templates are compared "semantically": nil and empty lists or maps are
// the same, and the hash label itself is ignored.
import { isRecord } from '../../../kube/objects';
import { copyJson } from '../../../kube/copyJson';

export const POD_TEMPLATE_HASH_LABEL = 'pod-template-hash';

// k8s.io/apimachinery/pkg/util/rand: the alphabet SafeEncodeString indexes by character code
const SAFE_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

// fields whose empty value means the same as an absent one (Go maps, and value-typed structs);
// an empty struct behind a pointer (emptyDir: {}) is meaningful and is kept
const EMPTY_MEANS_UNSET = new Set([
  'labels',
  'annotations',
  'nodeSelector',
  'limits',
  'requests',
  'resources',
  'metadata',
  'data',
  'matchLabels',
]);

/** A copy with nulls and empty lists dropped, and empty maps dropped where empty means unset. */
export function normalizeForCompare(v: unknown, key = ''): unknown {
  if (Array.isArray(v)) {
    const out = v.map((x) => normalizeForCompare(x)).filter((x) => x !== undefined);
    return out.length ? out : undefined;
  }
  if (isRecord(v)) {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(v).sort()) {
      const x = normalizeForCompare(v[k], k);
      if (x !== undefined) out[k] = x;
    }
    if (Object.keys(out).length === 0 && EMPTY_MEANS_UNSET.has(key)) return undefined;
    return out;
  }
  return v === null ? undefined : v;
}

/** The template without the pod-template-hash label, normalized. */
function withoutHash(template: unknown): unknown {
  // any JSON: templates are compared as stored, nulls and all
  const t = copyJson(template ?? {}) as { metadata?: { labels?: Record<string, string> } };
  if (t.metadata?.labels) delete t.metadata.labels[POD_TEMPLATE_HASH_LABEL];
  return normalizeForCompare(t) ?? {};
}

/** deploymentutil.EqualIgnoreHash: are two pod templates the same apart from the hash label? */
export function equalIgnoreHash(a: unknown, b: unknown): boolean {
  return JSON.stringify(withoutHash(a)) === JSON.stringify(withoutHash(b));
}

function fnv32a(bytes: Uint8Array, h = 0x811c9dc5): number {
  for (const b of bytes) {
    h ^= b;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h >>> 0;
}

/** rand.SafeEncodeString */
export function safeEncode(s: string): string {
  let out = '';
  for (const ch of s) out += SAFE_ALPHABET[ch.codePointAt(0)! % SAFE_ALPHABET.length];
  return out;
}

/** controller.ComputeHash: the hash of a pod template, varied by the Deployment's collisionCount. */
export function computeHash(template: unknown, collisionCount?: number): string {
  let h = fnv32a(Buffer.from(JSON.stringify(withoutHash(template)), 'utf8'));
  if (collisionCount !== undefined && collisionCount !== null) {
    const b = Buffer.alloc(8);
    b.writeUInt32LE(collisionCount >>> 0, 0);
    h = fnv32a(b, h);
  }
  return safeEncode(String(h));
}
