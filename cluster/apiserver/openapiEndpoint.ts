// /openapi/v3: the index of group/versions with their hashes, and each one's document (kube/openapi.ts),
// built once per group/version until the served resources change; /openapi/v2: the Swagger 2.0 document of all
// of them (kube/openapiV2.ts), in JSON or in gnostic's protobuf form (protobuf/openapiV2Document.ts), which
// kubectl asks for (explain --output=plaintext-openapiv2; patch metadata where OpenAPI v3 lacks it).
import { createHash } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { openapiDocument, openapiIndex, type OpenAPIDocument } from '../../kube/openapi';
import { openapiV2Document, type SwaggerDocument } from '../../kube/openapiV2';
import { KUBERNETES_VERSION } from '../../kube/schemas';
import type { ResourceRegistry } from '../../kube/registry';
import { ApiError, pathNotFound } from './apiErrors';
import type { CustomResources } from './customResources';
import { encodeOpenApiV2Document } from './protobuf/openapiV2Document';
import { sendJson } from './responseWriters';

export const OPENAPI_V2_PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';
/** the older spelling, which kube-openapi answers with for both: Go's mime parser refuses the `@` */
const OPENAPI_V2_PROTOBUF_LEGACY = 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf';

/**
 * The media type of /openapi/v2 the Accept header prefers (by q, then by order), as kube-openapi negotiates:
 * JSON for application/json, application/* and * / *, else protobuf (named as the response's Content-Type);
 * undefined for none of them.
 */
export function openapiV2MediaType(accept: string | undefined): string | undefined {
  if (!accept?.trim()) return 'application/json';
  const clauses = accept.split(',').map((part, i) => {
    const [type, ...params] = part.split(';').map((x) => x.trim().toLowerCase());
    const q = params.find((p) => p.startsWith('q='));
    return { type, q: q ? Number(q.slice(2)) : 1, i };
  });
  clauses.sort((a, b) => b.q - a.q || a.i - b.i);
  for (const c of clauses) {
    if (!(c.q > 0)) continue;
    if (c.type === 'application/json' || c.type === 'application/*' || c.type === '*/*') return 'application/json';
    if (c.type === OPENAPI_V2_PROTOBUF || c.type === OPENAPI_V2_PROTOBUF_LEGACY) return OPENAPI_V2_PROTOBUF_LEGACY;
  }
  return undefined;
}

export class OpenApiEndpoint {
  private readonly cache = new Map<string, { body: string; hash: string; doc: OpenAPIDocument }>();
  private v2?: { doc: SwaggerDocument; body: string; hash: string; protobuf?: Buffer };

  constructor(
    private readonly registry: ResourceRegistry,
    private readonly customResources: CustomResources,
  ) {}

  /** The served resources changed (a CRD was written or deleted). */
  invalidate(): void {
    this.cache.clear();
    this.v2 = undefined;
  }

  private groupVersions(): string[] {
    return this.registry
      .groups()
      .flatMap((g) => g.versions.map((v) => (g.group ? `apis/${g.group}/${v}` : `api/${v}`)));
  }

  /** /openapi/v2 as the client accepts it; both forms share the ETag (they vary by Accept), as in kube-openapi. */
  serveV2(req: IncomingMessage, res: ServerResponse): void {
    const type = openapiV2MediaType(req.headers.accept);
    if (!type)
      throw new ApiError(
        406,
        'NotAcceptable',
        `only the following media types are accepted: application/json, ${OPENAPI_V2_PROTOBUF}`,
      );
    if (!this.v2) {
      const docs = this.groupVersions().map((gv) => this.documentFor(gv).doc);
      const doc = openapiV2Document(docs, KUBERNETES_VERSION.gitVersion);
      const body = JSON.stringify(doc);
      this.v2 = { doc, body, hash: createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase() };
    }
    const v2 = this.v2;
    const etag = `"${v2.hash}"`;
    const headers = { ETag: etag, Vary: 'Accept', 'Cache-Control': 'no-cache, private' };
    if (req.headers['if-none-match'] === etag) {
      res.writeHead(304, headers);
      res.end();
      return;
    }
    const data = type === 'application/json' ? v2.body : (v2.protobuf ??= encodeOpenApiV2Document(v2.doc));
    res.writeHead(200, { ...headers, 'Content-Type': type, 'Content-Length': Buffer.byteLength(data) });
    res.end(data);
  }

  serve(path: string, url: URL, res: ServerResponse): void {
    const gvs = this.groupVersions();
    if (path === '/openapi/v3') {
      const hashes = new Map<string, string>();
      for (const gv of gvs) hashes.set(gv, this.documentFor(gv).hash);
      return sendJson(res, 200, openapiIndex(gvs, hashes));
    }
    const gv = path.slice('/openapi/v3/'.length);
    if (!gvs.includes(gv)) throw pathNotFound();
    const doc = this.documentFor(gv);
    const hashed = url.searchParams.get('hash') === doc.hash;
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(doc.body),
      ETag: `"${doc.hash}"`,
      // hashed URLs never change, so clients may cache them forever, as with the real server
      'Cache-Control': hashed ? 'public, immutable' : 'no-cache, private',
    });
    res.end(doc.body);
  }

  private documentFor(gv: string): { body: string; hash: string; doc: OpenAPIDocument } {
    const cached = this.cache.get(gv);
    if (cached) return cached;
    const [group, version] = gv.startsWith('api/') ? ['', gv.slice(4)] : gv.slice(5).split('/');
    const resources = this.registry.all().filter((r) => r.group === group && r.version === version);
    const doc = openapiDocument(
      group ? `${group}/${version}` : version,
      resources,
      this.customResources.schemasFor(group, version),
    );
    const body = JSON.stringify(doc);
    const hash = createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase();
    const entry = { body, hash, doc };
    this.cache.set(gv, entry);
    return entry;
  }
}
