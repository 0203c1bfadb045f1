// Reading and decoding request bodies: JSON, YAML or Kubernetes protobuf, at most 3 MiB as the real API server allows.
import type { IncomingMessage } from 'http';
import { parse as parseYaml } from 'yaml';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf/decode';
import { ApiError, badRequest, tooLarge } from './status';
import { isLocalIncoming } from './localExchange';

export const MAX_BODY_BYTES = 3 * 1024 * 1024;

/** A JSON body a client in the same process handed over as its value (decodeBody takes it as is). */
export class BodyValue {
  constructor(readonly value: unknown) {}
}

/** A request body: bytes off the wire, or the text or value a client in the same process handed over. */
export type RawBody = Buffer | string | BodyValue;

export function readBody(req: IncomingMessage): Promise<RawBody> {
  if (isLocalIncoming(req)) {
    if (req.localValue !== undefined) return Promise.resolve(new BodyValue(req.localValue));
    const body = req.localBody;
    // the same limit as on the wire (a UTF-8 character is at most 3 bytes per UTF-16 unit)
    if (body.length * 3 > MAX_BODY_BYTES && Buffer.byteLength(body) > MAX_BODY_BYTES) return Promise.reject(tooLarge());
    return Promise.resolve(body);
  }
  return new Promise((resolve, reject) => {
    const declared = Number(req.headers['content-length'] ?? 0);
    if (declared > MAX_BODY_BYTES) {
      req.resume();
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (c: Buffer) => {
      if (failed) return;
      size += c.length;
      if (size > MAX_BODY_BYTES) {
        failed = true;
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => !failed && resolve(Buffer.concat(chunks)));
    req.on('error', (e) => !failed && reject(e));
  });
}

export function mediaType(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

const BODY_MEDIA_TYPES = new Set(['', 'application/json', 'application/yaml']);

/** Decodes a JSON, YAML or protobuf body into a JSON value; bad syntax is a 400 that says where. */
export function decodeBody(buf: RawBody, contentType: string | undefined): any {
  if (buf instanceof BodyValue) return buf.value;
  const mt = mediaType(contentType);
  // typed clients such as kubectl create send protobuf and never retry with JSON
  if (mt === PROTOBUF_MEDIA_TYPE) return decodeKubernetesProtobuf(typeof buf === 'string' ? Buffer.from(buf) : buf);
  const text = typeof buf === 'string' ? buf : buf.toString('utf8');
  if (text.trim() === '') throw badRequest('the request body is empty');
  // no type is JSON, as for kube-apiserver; any other type (text/plain, CBOR, ...) is refused, not guessed at
  if (!BODY_MEDIA_TYPES.has(mt)) {
    const accepted = `application/json, application/yaml, ${PROTOBUF_MEDIA_TYPE}`;
    const got = mt ? ` (got ${mt})` : '';
    const message = `the body of the request was in an unknown format - accepted media types include: ${accepted}${got}`;
    throw new ApiError(415, 'UnsupportedMediaType', message);
  }
  const yamlish = mt.includes('yaml');
  try {
    if (!yamlish) return JSON.parse(text);
  } catch (e: any) {
    // kubectl always sends JSON; other clients may send YAML under a JSON type
    try {
      return parseStrictYaml(text);
    } catch {
      throw badRequest(`couldn't get version/kind; json parse error: ${e.message}`);
    }
  }
  try {
    return parseStrictYaml(text);
  } catch (e: any) {
    throw badRequest(`error converting YAML to JSON: ${e.message}`);
  }
}

function parseStrictYaml(text: string): any {
  // aliases are limited so a "billion laughs" body cannot exhaust memory
  return parseYaml(text, { maxAliasCount: 100, uniqueKeys: true });
}
