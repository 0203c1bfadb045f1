// Starts a real embedded cluster on a temp state folder and runs the real kubectl against it.
import * as assert from 'assert';
import { execFile, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import type { IncomingHttpHeaders } from 'http';
import * as os from 'os';
import * as path from 'path';
import { startCluster, RunningCluster, ClusterOptions } from '../../cluster/embeddedCluster';

export interface KubectlResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** An answer of the API server as it came over HTTPS. */
export interface RawReply {
  status: number;
  headers: IncomingHttpHeaders;
  text: string;
  /** the body's bytes, for binary answers (protobuf) */
  bytes: Buffer;
  /** the text parsed as JSON; undefined when it is not JSON */
  body: any;
}

export interface KubectlOptions {
  input?: string;
  timeoutMs?: number;
  /** variables added to kubectl's environment */
  env?: Record<string, string>;
}

export interface TestCluster {
  cluster: RunningCluster;
  dir: string;
  kubectl(args: string[], opts?: KubectlOptions): Promise<KubectlResult>;
  /** kubectl ARGS (stdin: input), which must succeed; its standard output */
  ok(args: string[], input?: string): Promise<string>;
  /**
   * One HTTPS request with the admin token, for the exact bytes and codes kubectl hides. A body that is not a
   * string or Buffer is sent as JSON; Content-Type is application/json unless headers say otherwise.
   */
  request(method: string, path: string, body?: unknown, headers?: Record<string, string>): Promise<RawReply>;
  /** kubectl ARGS -o json, which must succeed; the parsed output */
  json(args: string[]): Promise<any>;
  /** kubectl apply -f - of a manifest, which must succeed */
  apply(manifest: string): Promise<void>;
  /** a long-running kubectl (get -w, logs -f): returns the process and its output so far; env adds variables */
  kubectlStream(
    args: string[],
    env?: Record<string, string>,
  ): { stop(): void; output(): string; exited: Promise<number> };
  stop(): Promise<void>;
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export async function startTestCluster(options: Partial<ClusterOptions> = {}): Promise<TestCluster> {
  const dir = tempDir('slipway-test-');
  const cluster = await startCluster({ stateDir: path.join(dir, 'state'), ...options });
  // kubectl keeps caches and config under HOME; keep them inside the test's folder
  const env = { ...process.env, HOME: dir, KUBECONFIG: cluster.kubeconfig };
  const base = ['--kubeconfig', cluster.kubeconfig, '--cache-dir', path.join(dir, 'kube-cache')];
  const t: TestCluster = {
    cluster,
    dir,
    async json(args) {
      const r = await t.kubectl([...args, '-o', 'json']);
      assert.strictEqual(r.code, 0, r.stderr);
      return JSON.parse(r.stdout);
    },
    async apply(manifest) {
      const r = await t.kubectl(['apply', '-f', '-'], { input: manifest });
      assert.strictEqual(r.code, 0, r.stderr);
    },
    kubectl(args, opts = {}) {
      return runKubectl(cluster.kubeconfig, dir, args, opts);
    },
    request(method, urlPath, body, headers = {}) {
      return rawRequest(cluster, method, urlPath, body, headers);
    },
    async ok(args, input) {
      const r = await t.kubectl(args, { input });
      assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
      return r.stdout;
    },
    kubectlStream(args, extraEnv = {}) {
      const child = spawn('kubectl', [...base, ...args], { env: { ...env, ...extraEnv } });
      let out = '';
      child.stdout.on('data', (d) => (out += d));
      child.stderr.on('data', (d) => (out += d));
      const exited = new Promise<number>((resolve) => child.on('exit', (code) => resolve(code ?? -1)));
      return { stop: () => child.kill('SIGTERM'), output: () => out, exited };
    },
    async stop() {
      await cluster.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
  return t;
}

/**
 * Registers the suite's before/after hooks that start and stop a cluster; `t` is set once `before` has run.
 */
export function useTestCluster(options: Partial<ClusterOptions> = {}): { t: TestCluster } {
  const c = {} as { t: TestCluster };
  before(async () => {
    c.t = await startTestCluster(options);
  });
  after(async () => c.t?.stop());
  return c;
}

/** The real kubectl against kubeconfig, with its HOME and caches in dir. */
export function runKubectl(
  kubeconfig: string,
  dir: string,
  args: string[],
  opts: KubectlOptions = {},
): Promise<KubectlResult> {
  const env = { ...process.env, HOME: dir, KUBECONFIG: kubeconfig, ...opts.env };
  const base = ['--kubeconfig', kubeconfig, '--cache-dir', path.join(dir, 'kube-cache')];
  return new Promise((resolve) => {
    const options = { env, timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 };
    const child = execFile('kubectl', [...base, ...args], options, (err, stdout, stderr) => {
      const code = err ? (typeof (err as any).code === 'number' ? (err as any).code : 1) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    if (opts.input !== undefined) child.stdin!.end(opts.input);
  });
}

/** Polls until fn returns a truthy value or the deadline passes. */
export async function eventually<T>(fn: () => T | Promise<T>, timeoutMs = 10_000, what = 'condition'): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (e) {
      last = e;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}${last ? `: ${last}` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export const SAMPLE_DIR = path.resolve(__dirname, '../../../samples/guestbook');

function rawRequest(
  cluster: RunningCluster,
  method: string,
  urlPath: string,
  body: unknown,
  headers: Record<string, string>,
): Promise<RawReply> {
  const data =
    body === undefined
      ? undefined
      : Buffer.isBuffer(body)
        ? body
        : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body));
  const u = new URL(cluster.url + urlPath);
  return new Promise((resolve, reject) => {
    const req = https.request(
      {
        host: u.hostname,
        port: u.port,
        path: u.pathname + u.search,
        method,
        ca: cluster.caCert,
        headers: { Authorization: `Bearer ${cluster.token}`, 'Content-Type': 'application/json', ...headers },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const bytes = Buffer.concat(chunks);
          const text = bytes.toString();
          let parsed: unknown;
          try {
            parsed = JSON.parse(text);
          } catch {
            parsed = undefined;
          }
          resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, body: parsed });
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}
