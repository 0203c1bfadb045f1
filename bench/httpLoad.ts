// A bounded HTTP load generator: `connections` keep-alive connections on loopback, each sending its next GET as
// soon as the previous answer has been read, for a fixed time. Counts answers and failures (a connection error or
// a status other than 2xx) and times each request.
import * as http from 'http';
import { performance } from 'perf_hooks';
import { percentile } from './lsp/stats';

export interface LoadResult {
  requests: number;
  failures: number;
  perSecond: number;
  p50Ms: number;
  p99Ms: number;
}

export interface LoadOptions {
  url: string;
  /** e.g. a Host header for an Ingress rule */
  headers?: Record<string, string>;
  connections: number;
  durationMs: number;
}

export async function httpLoad(o: LoadOptions): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: o.connections });
  const latencies: number[] = [];
  let failures = 0;
  const started = performance.now();
  const until = started + o.durationMs;
  const one = () =>
    new Promise<void>((resolve) => {
      const t0 = performance.now();
      const req = http.get(o.url, { agent, headers: o.headers }, (res) => {
        res.resume();
        res.on('end', () => {
          if ((res.statusCode ?? 0) >= 200 && (res.statusCode ?? 0) < 300) latencies.push(performance.now() - t0);
          else failures++;
          resolve();
        });
      });
      req.on('error', () => {
        failures++;
        resolve();
      });
    });
  const client = async () => {
    while (performance.now() < until) await one();
  };
  await Promise.all(Array.from({ length: o.connections }, client));
  const elapsed = performance.now() - started;
  agent.destroy();
  return {
    requests: latencies.length,
    failures,
    perSecond: (latencies.length * 1000) / elapsed,
    p50Ms: percentile(latencies, 50),
    p99Ms: percentile(latencies, 99),
  };
}
