// ConfigMaps and Secrets: keys, sizes, the keys each Secret type needs, and immutability.

import { base64ErrorOffset } from '../base64';
import { FieldError, mapKey, REDACTED } from '../fieldErrors';
import { isConfigMapKey } from '../names';
import {
  at,
  forbidden,
  immutable,
  invalid,
  invalidEachAtKey,
  Json,
  obj,
  Path,
  required,
  semanticEqual,
  str,
  tooLong,
} from './util';

export const MAX_DATA_SIZE = 1024 * 1024;
const IMMUTABLE_WHEN_SET = 'field is immutable when `immutable` is set';
// a key's path (`data[key]`) is built only when the key is reported
const DATA: Path = ['data'];
const BINARY_DATA: Path = ['binaryData'];
const STRING_DATA: Path = ['stringData'];

/** The value at `map[key]` Kubernetes cannot decode as base64; `shown` stands for it (never a Secret's data). */
function notBase64(map: Path, key: string, value: unknown, shown: unknown): FieldError[] {
  if (typeof value !== 'string') return [];
  const offset = base64ErrorOffset(value);
  return offset === undefined
    ? []
    : [invalid(at(map, mapKey(key)), shown, `illegal base64 data at input byte ${offset}`)];
}

/** Byte length of a base64 value once decoded, as the API server counts it. */
function decodedLength(v: unknown): number {
  return typeof v === 'string' ? Buffer.from(v, 'base64').length : 0;
}

export function validateConfigMap(o: Json): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(o.data);
  const binary = obj(o.binaryData);
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...invalidEachAtKey(DATA, key, key, isConfigMapKey(key)));
    if (key in binary) errs.push(invalid(['data', mapKey(key)], key, 'duplicate of key present in binaryData'));
    size += typeof value === 'string' ? Buffer.byteLength(value) : 0;
  }
  for (const [key, value] of Object.entries(binary)) {
    errs.push(...invalidEachAtKey(BINARY_DATA, key, key, isConfigMapKey(key)));
    errs.push(...notBase64(BINARY_DATA, key, value, value));
    if (key in data) errs.push(invalid(['binaryData', mapKey(key)], key, 'duplicate of key present in data'));
    size += decodedLength(value);
  }
  // The path is empty: the limit is on the whole object.
  if (size > MAX_DATA_SIZE) errs.push(tooLong([], MAX_DATA_SIZE));
  return errs;
}

const SECRET_REQUIRED_KEYS: Record<string, string[]> = {
  'kubernetes.io/dockercfg': ['.dockercfg'],
  'kubernetes.io/dockerconfigjson': ['.dockerconfigjson'],
  'kubernetes.io/ssh-auth': ['ssh-privatekey'],
  'kubernetes.io/tls': ['tls.crt', 'tls.key'],
};

function isJson(text: string): boolean {
  try {
    return typeof JSON.parse(text) === 'object';
  } catch {
    return false;
  }
}

/** stringData is merged into data before Kubernetes validates, so both count. */
export function validateSecret(o: Json): FieldError[] {
  const errs: FieldError[] = [];
  const data = obj(o.data);
  const stringData = obj(o.stringData);
  let size = 0;
  for (const [key, value] of Object.entries(data)) {
    errs.push(...invalidEachAtKey(DATA, key, key, isConfigMapKey(key)));
    errs.push(...notBase64(DATA, key, value, REDACTED));
    if (!(key in stringData)) size += decodedLength(value);
  }
  for (const [key, value] of Object.entries(stringData)) {
    errs.push(...invalidEachAtKey(STRING_DATA, key, key, isConfigMapKey(key)));
    size += typeof value === 'string' ? Buffer.byteLength(value) : 0;
  }
  if (size > MAX_DATA_SIZE) errs.push(tooLong(['data'], MAX_DATA_SIZE));
  const has = (k: string): boolean => k in data || k in stringData;
  const text = (k: string): string =>
    typeof stringData[k] === 'string'
      ? (stringData[k] as string)
      : Buffer.from(str(data[k]) ?? '', 'base64').toString();
  const type = str(o.type) ?? 'Opaque';
  if (type === 'kubernetes.io/service-account-token') {
    const annotations = obj(obj(o.metadata).annotations);
    if (!str(annotations['kubernetes.io/service-account.name']))
      errs.push(required(['metadata', 'annotations', mapKey('kubernetes.io/service-account.name')]));
  } else if (type === 'kubernetes.io/basic-auth') {
    if (!has('username') && !has('password'))
      errs.push(required(['data', mapKey('username')]), required(['data', mapKey('password')]));
  } else if (type === 'kubernetes.io/ssh-auth') {
    if (!text('ssh-privatekey')) errs.push(required(['data', mapKey('ssh-privatekey')]));
  } else {
    for (const key of SECRET_REQUIRED_KEYS[type] ?? []) {
      if (!has(key)) errs.push(required(['data', mapKey(key)]));
      else if (key.startsWith('.docker') && !isJson(text(key)))
        errs.push(invalid(['data', mapKey(key)], REDACTED, 'must be valid JSON'));
    }
  }
  return errs;
}

/** Once `immutable: true` is stored, the contents (and the flag) are frozen. */
function frozenContents(o: Json, old: Json, fields: string[]): FieldError[] {
  if (old.immutable !== true) return [];
  const errs: FieldError[] = [];
  if (o.immutable !== true) errs.push(forbidden(['immutable'], IMMUTABLE_WHEN_SET));
  for (const f of fields) if (!semanticEqual(o[f], old[f])) errs.push(forbidden([f], IMMUTABLE_WHEN_SET));
  return errs;
}

export function validateConfigMapUpdate(o: Json, old: Json): FieldError[] {
  return frozenContents(o, old, ['data', 'binaryData']);
}

/** data with stringData folded in, as the API server stores a Secret. */
function effectiveData(o: Json): Json {
  const out: Json = { ...obj(o.data) };
  for (const [k, v] of Object.entries(obj(o.stringData)))
    if (typeof v === 'string') out[k] = Buffer.from(v).toString('base64');
  return out;
}

export function validateSecretUpdate(o: Json, old: Json): FieldError[] {
  const now = { immutable: o.immutable, data: effectiveData(o) };
  const before = { immutable: old.immutable, data: effectiveData(old) };
  return [...immutable(['type'], o.type ?? 'Opaque', old.type ?? 'Opaque'), ...frozenContents(now, before, ['data'])];
}
