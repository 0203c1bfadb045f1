// `slipway cluster` (or `slipway up`) as its own process, as a user runs it, for benchmarks that measure the
// cluster from outside (start-up, its RSS) or must keep their own work off its event loop. Resolves once
// /readyz answers 200 over HTTPS, with a client holding the cluster's token and CA.
import { spawn, ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';
import { performance } from 'perf_hooks';
import { ApiClient } from '../kubeclient/apiClient';
import { until } from './until';

const CLI = path.resolve(__dirname, '../syncer/cli.js');

export interface ClusterProcess {
  child: ChildProcess;
  pid: number;
  url: string;
  /** performance.now() when the process was spawned and when /readyz first answered 200 */
  spawnedAt: number;
  readyAt: number;
  /** everything the process printed so far */
  output(): string;
  client(): ApiClient;
  stop(): Promise<void>;
}

export interface ClusterProcessOptions {
  state: string;
  /** the CLI's command and options after the state folder: ['cluster', '--nodes', '1'] or ['up', 'samples/x'] */
  args: string[];
  env?: NodeJS.ProcessEnv;
  /** node options before the CLI (e.g. --cpu-prof) */
  nodeArgs?: string[];
}

function readyz(url: string, ca: string): Promise<boolean> {
  return new Promise((resolve) =>
    https
      .get(`${url}/readyz`, { ca }, (res) => {
        res.resume();
        resolve(res.statusCode === 200);
      })
      .on('error', () => resolve(false)),
  );
}

export function startClusterProcess(o: ClusterProcessOptions): Promise<ClusterProcess> {
  const spawnedAt = performance.now();
  const [command, ...rest] = o.args;
  const child = spawn(process.execPath, [...(o.nodeArgs ?? []), CLI, command, '--state', o.state, ...rest], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env: o.env ?? process.env,
  });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  return new Promise((resolve, reject) => {
    const exited = (c: number | null) => reject(new Error(`the cluster exited ${c}: ${out}`));
    child.on('exit', exited);
    let seen = false;
    child.stdout!.on('data', async () => {
      // `slipway cluster` says "API server: URL", `slipway up` "Slipway cluster ready in N ms at URL"
      const m = /(?:API server:| ms at) (https:\/\/\S+)/.exec(out);
      if (!m || seen) return;
      seen = true;
      const url = m[1];
      const ca = fs.readFileSync(path.join(o.state, 'pki', 'ca.crt'), 'utf8');
      while (!(await readyz(url, ca))) await new Promise((r) => setTimeout(r, 10));
      const readyAt = performance.now();
      const token = fs.readFileSync(path.join(o.state, 'token'), 'utf8').trim();
      resolve({
        child,
        pid: child.pid!,
        url,
        spawnedAt,
        readyAt,
        output: () => out,
        client: () => ApiClient.forCluster({ server: url, token, ca }),
        stop: () =>
          new Promise<void>((r) => {
            child.off('exit', exited);
            if (child.exitCode !== null) return r();
            child.once('exit', () => r());
            child.kill('SIGTERM');
          }),
      });
    });
  });
}

/** Resident memory of a process now, in MiB (Linux /proc). */
export function rssMiB(pid: number): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(status)![1]) / 1024;
}

/** The load average as printed beside figures taken on shared cores. */
export function loadAverage(): string {
  return `load average ${os
    .loadavg()
    .map((n) => n.toFixed(2))
    .join(' / ')}`;
}

/** Pods are admitted once the namespace's default ServiceAccount exists: waits for it in `default`. */
export async function untilPodsAdmitted(client: ApiClient): Promise<void> {
  await until(
    'the default ServiceAccount',
    () => client.get('/api/v1/namespaces/default/serviceaccounts/default'),
    120_000,
    50,
  );
}
