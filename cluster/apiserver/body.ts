// Reading and decoding request bodies: JSON, YAML or Kubernetes protobuf, at most 3 MiB as the real API server allows.
import type { IncomingMessage } from 'http';
import { YAMLParseError } from 'yaml';
import { NestingLimitError, readJson, readYamlValue } from '../../kube/yamlReader';
import { decodeKubernetesProtobuf, PROTOBUF_MEDIA_TYPE } from './protobuf/decode';
import { ApiError, badRequest, tooLarge } from './apiErrors';
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
export function decodeBody(buf: RawBody, contentType: string | undefined): unknown {
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
  // JSON text is read as JSON whatever the type says (kubectl sends server-side apply bodies as JSON under
  // application/apply-patch+yaml): JSON.parse is linear and fast where the YAML parser is neither
  if (!yamlish || /^\s*[[{]/.test(text)) {
    try {
      return readJson(text);
    } catch (e) {
      if (e instanceof NestingLimitError) throw overLimit(e, text);
      // other clients may send YAML under a JSON type
      if (!yamlish) {
        return readYamlBody(text, () =>
          badRequest(`couldn't get version/kind; json parse error: ${(e as Error).message}`),
        );
      }
    }
  }
  return readYamlBody(text, (e) => badRequest(`error converting YAML to JSON: ${e.message}`));
}

function readYamlBody(text: string, syntaxError: (e: Error) => ApiError): unknown {
  try {
    return readYamlValue(text);
  } catch (e) {
    if (e instanceof NestingLimitError) throw overLimit(e, text);
    if (e instanceof YAMLParseError) throw syntaxError(new Error(`${e.message} at ${where(text, e.pos[0])}`));
    throw syntaxError(e as Error);
  }
}

function where(text: string, offset: number): string {
  const before = text.slice(0, offset);
  return `line ${before.split('\n').length}, column ${offset - before.lastIndexOf('\n')}`;
}

/** Too deep is a bad request (as kube-apiserver's decoders say at 10,000 levels); too many keys is too large. */
function overLimit(e: NestingLimitError, text: string): ApiError {
  const at = where(text, e.excess.offset);
  if (e.excess.kind === 'entries') {
    return new ApiError(
      413,
      'RequestEntityTooLarge',
      `Request entity too large: the body holds ${e.message} (at ${at})`,
    );
  }
  return badRequest(`the request body cannot be decoded: ${e.message} (at ${at})`);
}
