// What an unquoted YAML scalar means to Kubernetes. kubectl and kube-apiserver read manifests with
// sigs.k8s.io/yaml over go-yaml v2, which follows YAML 1.1: `0755` is the octal 493 (a volume's defaultMode),
// `yes`, `on`, `y` are true and `no`, `off`, `n` false, underscores group digits. Timestamps stay strings (go-yaml v2
// gives interface{} targets the text) and `12:30` is no sexagesimal number, unlike the YAML 1.1 schema of the
// `yaml` package. Every reader of manifests (the API server, the syncer, the language server's parsers) resolves
// plain scalars here, so the editor reports what the cluster will read.
import type { ScalarTag } from 'yaml';

/** The value of a plain (unquoted, untagged) scalar: null, a boolean, a number, or the text itself. */
export function plainScalarValue(raw: string): unknown {
  const fixed = FIXED.get(raw);
  if (fixed !== undefined) return fixed.value;
  const first = raw.charCodeAt(0);
  if (first === DOT) return FLOAT_AFTER_DOT.test(raw) ? Number(raw) : raw;
  const signed = first === PLUS || first === MINUS;
  if (!signed && (first < ZERO || first > NINE)) return raw;
  const number = numberValue(raw.replace(/_/g, ''));
  return number ?? raw;
}

const DOT = 46;
const PLUS = 43;
const MINUS = 45;
const ZERO = 48;
const NINE = 57;

type Fixed = { value: unknown; tag: string };
const BOOL = 'tag:yaml.org,2002:bool';
const NULL = 'tag:yaml.org,2002:null';
const FLOAT = 'tag:yaml.org,2002:float';
const INT = 'tag:yaml.org,2002:int';

const FIXED = new Map<string, Fixed>();
for (const [value, tag, words] of [
  [true, BOOL, 'y Y yes Yes YES true True TRUE on On ON'],
  [false, BOOL, 'n N no No NO false False FALSE off Off OFF'],
  [null, NULL, '~ null Null NULL'],
  [NaN, FLOAT, '.nan .NaN .NAN'],
  [Infinity, FLOAT, '.inf .Inf .INF +.inf +.Inf +.INF'],
  [-Infinity, FLOAT, '-.inf -.Inf -.INF'],
] as const) {
  for (const w of words.split(' ')) FIXED.set(w, { value, tag });
}
FIXED.set('', { value: null, tag: NULL });

/** A float that starts with a dot, as Go's ParseFloat reads it. */
const FLOAT_AFTER_DOT = /^\.[0-9]+(?:[eE][-+]?[0-9]+)?$/;
/** Go's strconv.ParseInt with base 0: hexadecimal, octal (0o or a leading 0), binary, decimal. */
const GO_INT = /^([-+]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|([0-9]+))$/;
/** go-yaml v2's yamlStyleFloat */
const YAML_FLOAT = /^[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?$/;

function numberValue(plain: string): number | undefined {
  const m = GO_INT.exec(plain);
  if (m) {
    const [, sign, hex, oct, bin, leadingZeroOct, dec] = m;
    const magnitude =
      hex !== undefined
        ? parseInt(hex, 16)
        : oct !== undefined
          ? parseInt(oct, 8)
          : bin !== undefined
            ? parseInt(bin, 2)
            : leadingZeroOct !== undefined
              ? parseInt(leadingZeroOct, 8)
              : Number(dec);
    // a decimal with a leading zero and an 8 or 9 ("08") is no octal: Go then reads it as a float
    if (!Number.isNaN(magnitude)) return sign === '-' ? -magnitude : magnitude;
  }
  if (YAML_FLOAT.test(plain)) return Number(plain);
  return undefined;
}

/** The tag a plain scalar resolves to. */
export function plainScalarTag(raw: string): string {
  const fixed = FIXED.get(raw);
  if (fixed) return fixed.tag;
  const v = plainScalarValue(raw);
  if (typeof v !== 'number') return 'tag:yaml.org,2002:str';
  return Number.isInteger(v) && !/[.eE]/.test(raw.replace(/^0[xX].*/, '')) ? INT : FLOAT;
}

function stringifyScalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'number') {
    if (Number.isNaN(v)) return '.nan';
    if (!Number.isFinite(v)) return v > 0 ? '.inf' : '-.inf';
  }
  return String(v);
}

/** Replaces the scalar tags of the `yaml` package's schema (customTags option) with KUBERNETES_SCALAR_TAGS. */
export function withKubernetesScalars<T extends { tag: string }>(tags: T[]): (T | ScalarTag)[] {
  const replaced = new Set([NULL, BOOL, INT, FLOAT, 'tag:yaml.org,2002:timestamp']);
  return [...tags.filter((t) => !replaced.has(t.tag)), ...KUBERNETES_SCALAR_TAGS];
}

/** A `test` for the `yaml` package's tag matching (it calls test.test(text)) by resolved tag. */
function resolvesTo(tag: string): RegExp {
  return { test: (raw: string) => plainScalarTag(raw) === tag } as unknown as RegExp;
}

/**
 * Scalar tags for the `yaml` package that resolve plain scalars as go-yaml v2 does; they replace the schema's
 * own null, bool, int and float tags (and the YAML 1.1 timestamps and sexagesimals, which Kubernetes never sees).
 */
export const KUBERNETES_SCALAR_TAGS: ScalarTag[] = [NULL, BOOL, INT, FLOAT].map((tag) => ({
  tag,
  default: true,
  test: resolvesTo(tag),
  resolve: (raw: string) => plainScalarValue(raw),
  stringify: ({ value }) => stringifyScalar(value),
  identify: (v: unknown) =>
    tag === NULL
      ? v === null || v === undefined
      : tag === BOOL
        ? typeof v === 'boolean'
        : tag === INT
          ? typeof v === 'number' && Number.isInteger(v)
          : typeof v === 'number',
}));
