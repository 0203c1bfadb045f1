// A real admission webhook for tests: an HTTPS server on 127.0.0.1 (port 0) with a certificate from a CA made
// for it by openssl, answering AdmissionReviews on each path with the test's handler and recording what came.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import type { AddressInfo } from 'net';
import * as path from 'path';
import type { KubeObject } from '../../kube/objects';

/** The request part of an AdmissionReview, as the API server sent it. */
export interface ReviewRequest {
  uid: string;
  kind: { group: string; version: string; kind: string };
  resource: { group: string; version: string; resource: string };
  subResource?: string;
  requestKind: { group: string; version: string; kind: string };
  requestResource: { group: string; version: string; resource: string };
  name?: string;
  namespace?: string;
  operation: string;
  userInfo: { username: string; groups?: string[] };
  object: KubeObject | null;
  oldObject: KubeObject | null;
  dryRun: boolean;
  options: { kind: string; apiVersion: string; dryRun?: string[]; fieldManager?: string };
}

/** What a handler answers: the response without its uid; `patch` is a JSON patch, base64-encoded for it. */
export interface ReviewAnswer {
  allowed: boolean;
  status?: { code?: number; reason?: string; message?: string };
  patch?: unknown[];
  warnings?: string[];
}

/** A handler that never answers (to test timeouts) returns this. */
export const NEVER = Symbol('never answer');

export type ReviewHandler = (request: ReviewRequest) => ReviewAnswer | typeof NEVER;

export interface WebhookServer {
  port: number;
  /** base64 of the CA's PEM, for clientConfig.caBundle */
  caBundle: string;
  /** https://127.0.0.1:PORT/PATH */
  url(p: string): string;
  handle(p: string, handler: ReviewHandler): void;
  /** the requests received on a path, in order */
  received(p: string): ReviewRequest[];
  /** the apiVersion of each AdmissionReview received on a path, in order */
  reviewVersions(p: string): string[];
  close(): Promise<void>;
}

/** Makes a CA and a serving certificate for localhost, 127.0.0.1 and `dnsNames` with openssl, in dir. */
function makeCertificates(dir: string, dnsNames: string[]): { ca: string; cert: string; key: string } {
  const f = (name: string) => path.join(dir, name);
  const run = (args: string[]) => execFileSync('openssl', args, { stdio: 'pipe' });
  run(
    ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=webhook-test-ca'].concat([
      '-keyout',
      f('ca.key'),
      '-out',
      f('ca.crt'),
    ]),
  );
  run(['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=webhook', '-keyout', f('tls.key'), '-out', f('tls.csr')]);
  const sans = ['DNS:localhost', 'IP:127.0.0.1', ...dnsNames.map((d) => `DNS:${d}`)].join(',');
  fs.writeFileSync(f('ext.cnf'), `subjectAltName=${sans}\nextendedKeyUsage=serverAuth\n`);
  run(
    ['x509', '-req', '-in', f('tls.csr'), '-CA', f('ca.crt'), '-CAkey', f('ca.key'), '-CAcreateserial'].concat([
      '-days',
      '1',
      '-extfile',
      f('ext.cnf'),
      '-out',
      f('tls.crt'),
    ]),
  );
  const read = (name: string) => fs.readFileSync(f(name), 'utf8');
  return { ca: read('ca.crt'), cert: read('tls.crt'), key: read('tls.key') };
}

export async function startWebhookServer(dir: string, dnsNames: string[] = []): Promise<WebhookServer> {
  fs.mkdirSync(dir, { recursive: true });
  const { ca, cert, key } = makeCertificates(dir, dnsNames);
  const handlers = new Map<string, ReviewHandler>();
  const seen = new Map<string, ReviewRequest[]>();
  const versions = new Map<string, string[]>();
  const server = https.createServer({ cert, key }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c) => chunks.push(c));
    req.on('end', () => {
      const p = new URL(req.url ?? '/', 'https://x').pathname;
      const review = JSON.parse(Buffer.concat(chunks).toString());
      const request: ReviewRequest = review.request;
      seen.set(p, [...(seen.get(p) ?? []), request]);
      versions.set(p, [...(versions.get(p) ?? []), review.apiVersion]);
      const handler = handlers.get(p);
      const answer = handler ? handler(request) : { allowed: true };
      if (answer === NEVER) return;
      const { patch, ...rest } = answer;
      const response = {
        uid: request.uid,
        ...rest,
        ...(patch ? { patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(patch)).toString('base64') } : {}),
      };
      res.setHeader('Content-Type', 'application/json');
      res.end(JSON.stringify({ apiVersion: review.apiVersion, kind: 'AdmissionReview', response }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    port,
    caBundle: Buffer.from(ca).toString('base64'),
    url: (p) => `https://127.0.0.1:${port}${p}`,
    handle: (p, h) => handlers.set(p, h),
    received: (p) => seen.get(p) ?? [],
    reviewVersions: (p) => versions.get(p) ?? [],
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
