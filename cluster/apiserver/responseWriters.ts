// Writing an answer: JSON over HTTPS, or the object itself (read-only) to an in-process client, as
// Kubernetes' endpoints/handlers/responsewriters.
import type { ServerResponse } from 'http';
import type { ApiError } from './apiErrors';
import { objectResponse } from './localExchange';
import { deepFreeze, storedJson } from '../store/values';
import { isRecord, typeMetaFirst } from '../../kube/objects';

/**
 * An in-process client that takes objects gets the answer as a read-only value: stored objects are
 * deep-frozen already, and freezing stops at them, so only the fresh wrapper (a list, a Status) is frozen.
 */
export function sendObject(res: ServerResponse, code: number, body: unknown): boolean {
  const local = objectResponse(res);
  if (!local) return false;
  local.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private' });
  local.writeObject(deepFreeze(body));
  local.end();
  return true;
}

/**
 * A JSON answer as kube-apiserver's encoder writes it: the document and a newline (clients that compare bodies
 * byte for byte, error Status bodies above all, expect it).
 */
export function sendJson(res: ServerResponse, code: number, body: unknown, contentType = 'application/json'): void {
  const text = (typeof body === 'string' ? body : JSON.stringify(body)) + '\n';
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
  });
  res.end(text);
}

/** The one writer of a failed request's Status, to HTTPS and in-process clients alike. */
export function sendStatus(res: ServerResponse, err: ApiError): void {
  const status = err.toStatus();
  if (!sendObject(res, err.code, status)) sendJson(res, err.code, status);
}

/**
 * An answer with the warnings of the request, one header value each (kubectl prints each one); pretty (the
 * `pretty` query parameter) indents it by two spaces, as kube-apiserver does.
 */
export function reply(res: ServerResponse, code: number, body: unknown, warnings: string[] = [], pretty = false): void {
  if (warnings.length)
    res.setHeader(
      'Warning',
      warnings.map((w) => `299 - ${JSON.stringify(w)}`),
    );
  if (sendObject(res, code, body)) return;
  const ordered = isRecord(body) ? typeMetaFirst(body) : body;
  if (pretty) return sendJson(res, code, JSON.stringify(ordered, null, 2));
  // a stored object as it was written (type and metadata first already): no need to serialize it again
  sendJson(res, code, storedJson(body) ?? ordered);
}
