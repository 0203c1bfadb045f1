// Decodes Kubernetes protobuf request bodies (application/vnd.kubernetes.protobuf) into the JSON
// object the same client would have sent as application/json, so the rest of the API server
// only ever sees JSON. Typed clients (kubectl create/expose/run/autoscale, client-go) send this
// format and do not retry with JSON when it is refused.
import { isRecord } from '../../../kube/objects';
import { ApiError, badRequest } from '../apiErrors';
import { KINDS, MESSAGES } from './messages';
import { WireError, WireReader, WireType } from './wire';

/** "k8s\0": every Kubernetes protobuf body starts with it, ahead of a runtime.Unknown envelope. */
export const PROTOBUF_MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf';

// Nesting in real objects stays far below this (CronJob → … → httpHeaders is about a dozen);
// the cap keeps a hostile body from exhausting the stack.
const MAX_DEPTH = 100;

type Scalar = 's' | 'b' | 'i32' | 'i64' | 'u32' | 'u64' | 'f32' | 'f64' | 'y';
type Special = 'time' | 'mtime' | 'qty' | 'ios' | 'raw' | 'fields';
type ValueType = { scalar: Scalar } | { special: Special } | { message: string };

interface FieldSpec {
  name: string;
  type: ValueType;
  map?: { key: ValueType; value: ValueType };
  repeated: boolean;
  /** a zero value on the wire is kept: the Go field is a pointer, or its JSON has no omitempty */
  keepZero: boolean;
  inline: boolean;
}

type MessageSpec = Map<number, FieldSpec>;

const SCALARS = new Set<string>(['s', 'b', 'i32', 'i64', 'u32', 'u64', 'f32', 'f64', 'y']);
const SPECIALS = new Set<string>(['time', 'mtime', 'qty', 'ios', 'raw', 'fields']);

let specs: Map<string, MessageSpec> | undefined;

function parseType(word: string): ValueType {
  if (SCALARS.has(word)) return { scalar: word as Scalar };
  if (SPECIALS.has(word)) return { special: word as Special };
  if (!(word in MESSAGES)) throw new Error(`protobuf table: unknown message ${word}`);
  return { message: word };
}

/** Parses the compact tables once; a dangling reference is a bug in the table and fails loudly. */
export function messageSpecs(): Map<string, MessageSpec> {
  if (specs) return specs;
  const out = new Map<string, MessageSpec>();
  for (const [name, text] of Object.entries(MESSAGES)) {
    const fields: MessageSpec = new Map();
    for (const entry of text.split(', ')) {
      const m = /^(\d+) (\S+) (\S+?)([*?^!]?)$/.exec(entry);
      if (!m) throw new Error(`protobuf table: bad entry "${entry}" in ${name}`);
      const [, num, fieldName, typeWord, flag] = m;
      const mapType = /^\{(\w+):([\w.]+)\}$/.exec(typeWord);
      const type = mapType ? { scalar: 's' as const } : parseType(typeWord);
      fields.set(Number(num), {
        name: fieldName,
        type,
        map: mapType ? { key: parseType(mapType[1]), value: parseType(mapType[2]) } : undefined,
        repeated: flag === '*',
        keepZero: flag === '?' || flag === '!',
        inline: flag === '^',
      });
    }
    out.set(name, fields);
  }
  specs = out;
  return out;
}

/** The message a body of this apiVersion and kind carries, if the server can decode it. */
export function messageFor(apiVersion: string, kind: string): string | undefined {
  // DeleteOptions is registered in every group version, so clients label it with any of them
  if (kind === 'DeleteOptions') return 'DeleteOptions';
  return KINDS[`${apiVersion} ${kind}`];
}

/**
 * Decodes "k8s\0" + runtime.Unknown{typeMeta, raw} into `{apiVersion, kind, ...object}`.
 * Malformed bytes are a 400; a kind the tables do not cover is a 415, as the real API server
 * answers for kinds it cannot read from protobuf.
 */
export function decodeKubernetesProtobuf(buf: Buffer): DecodedObject {
  return decodeEnvelope(buf, 0);
}

/** A decoded object: its type meta from the envelope, its fields as their JSON would be. */
export type DecodedObject = { apiVersion: string; kind: string } & Record<string, unknown>;

function decodeEnvelope(buf: Buffer, depth: number): DecodedObject {
  if (buf.length < PROTOBUF_MAGIC.length || !buf.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC)) {
    throw badRequest(
      'the request body is not a Kubernetes protobuf object: it does not start with the "k8s\\x00" prefix',
    );
  }
  try {
    const env = readUnknown(buf.subarray(PROTOBUF_MAGIC.length));
    if (env.contentEncoding)
      throw badRequest(`unsupported content encoding "${env.contentEncoding}" in the protobuf request body`);
    if (!env.kind) throw badRequest("Object 'Kind' is missing in the protobuf request body");
    if (!env.apiVersion) throw badRequest("Object 'apiVersion' is missing in the protobuf request body");
    let obj: Record<string, unknown>;
    if (env.contentType && env.contentType !== PROTOBUF_MEDIA_TYPE) {
      // the envelope may carry another encoding; JSON is the only other one clients use
      if (!env.contentType.startsWith('application/json'))
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the protobuf request body wraps content of type "${env.contentType}", which is not supported`,
        );
      const parsed = parseJson(env.raw, 'the object inside the protobuf request body');
      if (!isRecord(parsed)) throw badRequest('the object inside the protobuf request body is not a JSON object');
      obj = parsed;
    } else {
      const message = messageFor(env.apiVersion, env.kind);
      if (!message) {
        throw new ApiError(
          415,
          'UnsupportedMediaType',
          `the body of the request was in an unknown format - ${env.kind} (${env.apiVersion}) cannot be read from ${PROTOBUF_MEDIA_TYPE}; accepted media types include: application/json, application/yaml`,
        );
      }
      obj = decodeMessage(message, new WireReader(env.raw), depth + 1);
    }
    const { apiVersion: _a, kind: _k, ...rest } = obj;
    return { apiVersion: env.apiVersion, kind: env.kind, ...rest };
  } catch (e) {
    if (e instanceof WireError) throw badRequest(`unable to decode the protobuf request body: ${e.message}`);
    throw e;
  }
}

interface Envelope {
  apiVersion: string;
  kind: string;
  raw: Buffer;
  contentEncoding: string;
  contentType: string;
}

// runtime.Unknown: 1 typeMeta {1 apiVersion, 2 kind}, 2 raw, 3 contentEncoding, 4 contentType
function readUnknown(buf: Buffer): Envelope {
  const env: Envelope = { apiVersion: '', kind: '', raw: Buffer.alloc(0), contentEncoding: '', contentType: '' };
  const r = new WireReader(buf);
  while (!r.eof) {
    const { field, wire } = r.tag();
    if (field === 1 && wire === WireType.Bytes) {
      const t = new WireReader(r.bytes());
      while (!t.eof) {
        const tag = t.tag();
        if (tag.field === 1 && tag.wire === WireType.Bytes) env.apiVersion = t.bytes().toString('utf8');
        else if (tag.field === 2 && tag.wire === WireType.Bytes) env.kind = t.bytes().toString('utf8');
        else t.skip(tag.wire);
      }
    } else if (field === 2 && wire === WireType.Bytes) env.raw = r.bytes();
    else if (field === 3 && wire === WireType.Bytes) env.contentEncoding = r.bytes().toString('utf8');
    else if (field === 4 && wire === WireType.Bytes) env.contentType = r.bytes().toString('utf8');
    else r.skip(wire);
  }
  return env;
}

function decodeMessage(name: string, r: WireReader, depth: number): Record<string, unknown> {
  if (depth > MAX_DEPTH) throw new WireError(`objects nested deeper than ${MAX_DEPTH} levels`);
  const spec = messageSpecs().get(name)!;
  const out: Record<string, unknown> = {};
  while (!r.eof) {
    const { field, wire } = r.tag();
    const f = spec.get(field);
    if (!f) {
      // a field newer than our tables: the JSON equivalent would be an unknown field, so skip it
      r.skip(wire);
      continue;
    }
    const where = `${name}.${f.name}`;
    if (f.map) {
      expectWire(wire, WireType.Bytes, where);
      const [k, v] = decodeMapEntry(f.map.key, f.map.value, new WireReader(r.bytes()), depth + 1, where);
      const target = (out[f.name] ??= {}) as object;
      // defineProperty keeps keys such as "__proto__" as plain data
      Object.defineProperty(target, k, { value: v, enumerable: true, writable: true, configurable: true });
      continue;
    }
    if (f.repeated) {
      const list = (out[f.name] ??= []) as unknown[];
      if (wire === WireType.Bytes && 'scalar' in f.type && packable(f.type.scalar)) {
        // proto2 writes repeated numbers unpacked, but a packed run is valid on the wire too
        const p = new WireReader(r.bytes());
        while (!p.eof) list.push(decodeScalar(f.type.scalar, packedWire(f.type.scalar), p, where));
      } else {
        list.push(decodeValue(f.type, wire, r, depth, where, true));
      }
      continue;
    }
    const v = decodeValue(f.type, wire, r, depth, where, f.keepZero);
    if (f.inline && v && typeof v === 'object') {
      Object.assign(out, v);
      continue;
    }
    if (v === undefined || (!f.keepZero && isZero(f.type, v))) delete out[f.name];
    else out[f.name] = v;
  }
  return out;
}

function decodeMapEntry(kt: ValueType, vt: ValueType, r: WireReader, depth: number, where: string): [string, unknown] {
  let key: unknown;
  let value: unknown;
  while (!r.eof) {
    const { field, wire } = r.tag();
    if (field === 1) key = decodeValue(kt, wire, r, depth, `${where} key`, true);
    else if (field === 2) value = decodeValue(vt, wire, r, depth, `${where} value`, true);
    else r.skip(wire);
  }
  return [key === undefined ? '' : String(key), value === undefined ? zeroOf(vt) : value];
}

function zeroOf(t: ValueType): unknown {
  if ('scalar' in t) return t.scalar === 's' || t.scalar === 'y' ? '' : t.scalar === 'b' ? false : 0;
  if ('special' in t) return t.special === 'qty' ? '0' : t.special === 'ios' ? 0 : null;
  return {};
}

/** Zero values of omitempty Go value fields: gogo writes them anyway, JSON leaves them out. */
function isZero(t: ValueType, v: unknown): boolean {
  if ('message' in t) return false; // structs are never omitted from Go's JSON
  // a Go IntOrString value at zero means "unset" (a targetPort that defaults to the port)
  if ('special' in t) return t.special === 'ios' ? v === 0 || v === '' : false;
  return v === '' || v === 0 || v === false;
}

function decodeValue(
  t: ValueType,
  wire: number,
  r: WireReader,
  depth: number,
  where: string,
  keepZero: boolean,
): unknown {
  if ('scalar' in t) return decodeScalar(t.scalar, wire, r, where);
  expectWire(wire, WireType.Bytes, where);
  const body = new WireReader(r.bytes());
  if ('message' in t) return decodeMessage(t.message, body, depth + 1);
  switch (t.special) {
    case 'time':
    case 'mtime':
      return decodeTime(body, t.special === 'mtime', where);
    case 'qty': {
      const q = fieldsOf(body, where);
      return q.get(1)?.toString('utf8') ?? '0';
    }
    case 'ios': {
      // IntOrString: 1 type (0 int, 1 string), 2 intVal, 3 strVal
      let type = 0n;
      let intVal = 0;
      let strVal = '';
      while (!body.eof) {
        const tag = body.tag();
        if (tag.field === 1) type = expectVarint(tag.wire, body, where);
        else if (tag.field === 2) intVal = Number(BigInt.asIntN(32, expectVarint(tag.wire, body, where)));
        else if (tag.field === 3) {
          expectWire(tag.wire, WireType.Bytes, where);
          strVal = body.bytes().toString('utf8');
        } else body.skip(tag.wire);
      }
      return type === 1n ? strVal : intVal;
    }
    case 'raw':
    case 'fields': {
      // RawExtension and FieldsV1 both hold their content in field 1 as raw bytes
      const raw = fieldsOf(body, where).get(1);
      if (!raw || raw.length === 0) return keepZero ? null : undefined;
      if (t.special === 'raw' && raw.subarray(0, PROTOBUF_MAGIC.length).equals(PROTOBUF_MAGIC))
        return decodeEnvelope(raw, depth + 1);
      return parseJson(raw, where);
    }
  }
}

/** The length-delimited fields of a small message, by number (last occurrence wins). */
function fieldsOf(r: WireReader, where: string): Map<number, Buffer> {
  const out = new Map<number, Buffer>();
  while (!r.eof) {
    const { field, wire } = r.tag();
    if (wire === WireType.Bytes) out.set(field, r.bytes());
    else if (field === 1) throw new WireError(`${where} has wire type ${wire}, expected length-delimited`);
    else r.skip(wire);
  }
  return out;
}

// meta/v1 Time and MicroTime: 1 seconds, 2 nanos since the Unix epoch. Go's zero time is sent as
// an empty message and has no JSON value, so it is left out (creationTimestamp on create).
function decodeTime(r: WireReader, micro: boolean, where: string): string | undefined {
  let seconds = 0n;
  let nanos = 0;
  while (!r.eof) {
    const { field, wire } = r.tag();
    if (field === 1) seconds = BigInt.asIntN(64, expectVarint(wire, r, where));
    else if (field === 2) nanos = Number(BigInt.asIntN(32, expectVarint(wire, r, where)));
    else r.skip(wire);
  }
  if (seconds === 0n && nanos === 0) return undefined;
  const ms = Number(seconds) * 1000;
  const date = new Date(ms);
  const year = date.getUTCFullYear();
  if (
    !Number.isFinite(ms) ||
    Number.isNaN(date.getTime()) ||
    year < 0 ||
    year > 9999 ||
    nanos < 0 ||
    nanos > 999_999_999
  ) {
    throw new WireError(`${where} is not a valid time`);
  }
  const base = date.toISOString().slice(0, 19);
  return micro ? `${base}.${String(Math.floor(nanos / 1000)).padStart(6, '0')}Z` : `${base}Z`;
}

function decodeScalar(t: Scalar, wire: number, r: WireReader, where: string): string | number | boolean {
  switch (t) {
    case 's':
      expectWire(wire, WireType.Bytes, where);
      return r.bytes().toString('utf8');
    case 'y':
      expectWire(wire, WireType.Bytes, where);
      return r.bytes().toString('base64');
    case 'b':
      return expectVarint(wire, r, where) !== 0n;
    case 'i32':
      return Number(BigInt.asIntN(32, expectVarint(wire, r, where)));
    case 'i64':
      return Number(BigInt.asIntN(64, expectVarint(wire, r, where)));
    case 'u32':
      return Number(BigInt.asUintN(32, expectVarint(wire, r, where)));
    case 'u64':
      return Number(expectVarint(wire, r, where));
    case 'f32':
      expectWire(wire, WireType.Fixed32, where);
      return r.fixed32().readFloatLE(0);
    case 'f64':
      expectWire(wire, WireType.Fixed64, where);
      return r.fixed64().readDoubleLE(0);
  }
}

function packable(t: Scalar): boolean {
  return t !== 's' && t !== 'y';
}

function packedWire(t: Scalar): number {
  return t === 'f32' ? WireType.Fixed32 : t === 'f64' ? WireType.Fixed64 : WireType.Varint;
}

function expectVarint(wire: number, r: WireReader, where: string): bigint {
  expectWire(wire, WireType.Varint, where);
  return r.varint();
}

function expectWire(wire: number, want: number, where: string): void {
  if (wire !== want) throw new WireError(`${where} has wire type ${wire}, expected ${want}`);
}

function parseJson(raw: Buffer, where: string): unknown {
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch (e) {
    throw new WireError(`${where} is not valid JSON: ${(e as Error).message}`);
  }
}
