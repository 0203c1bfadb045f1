// /openapi/v3: the index of group/versions with their hashes, and each one's document (kube/openapi.ts),
// built once per group/version until the served resources change; /openapi/v2: the Swagger 2.0 document of all
// of them (kube/openapiV2.ts), in JSON.
import { createHash } from 'crypto';
import type { IncomingMessage, ServerResponse } from 'http';
import { openapiDocument, openapiIndex, type OpenAPIDocument } from '../../kube/openapi';
import { openapiV2Document } from '../../kube/openapiV2';
import { KUBERNETES_VERSION } from '../../kube/schemas';
import type { ResourceRegistry } from '../../kube/registry';
import { pathNotFound } from './apiErrors';
import type { CustomResources } from './customResources';
import { sendJson } from './responseWriters';

export class OpenApiEndpoint {
  private readonly cache = new Map<string, { body: string; hash: string; doc: OpenAPIDocument }>();
  private v2?: { body: string; hash: string };

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

  /**
   * /openapi/v2 in JSON. A client that accepts only the protobuf form (kubectl asks for nothing else) gets a 404,
   * which kubectl takes as "not served" and goes on without, where a JSON body would fail its parse.
   */
  serveV2(req: IncomingMessage, res: ServerResponse): void {
    const accept = req.headers.accept ?? '';
    const json = accept === '' || /application\/json|\*\/\*/.test(accept);
    if (!json) throw pathNotFound();
    if (!this.v2) {
      const docs = this.groupVersions().map((gv) => this.documentFor(gv).doc);
      const body = JSON.stringify(openapiV2Document(docs, KUBERNETES_VERSION.gitVersion));
      this.v2 = { body, hash: createHash('sha512').update(body).digest('hex').slice(0, 64).toUpperCase() };
    }
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Content-Length': Buffer.byteLength(this.v2.body),
      ETag: `"${this.v2.hash}"`,
      'Cache-Control': 'no-cache, private',
    });
    res.end(this.v2.body);
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
