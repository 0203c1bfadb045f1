// A bounded HTTP load generator: `concurrency` workers, each sending one GET after another to a URL until stopped
// (at most `ratePerSecond` in all when given), each request on a new connection unless keepAlive, so every request
// is balanced anew by whatever proxies it. It counts answers and failures (connection errors, timeouts, statuses
// other than 2xx) with their reasons, latencies, and what the answers said (classify): the rolling-update test
// requires zero failures from it, and benchmarks report its requests/s and p99.
import * as http from 'http';
import { performance } from 'perf_hooks';
import { percentile } from './lsp/stats';

export interface LoadOptions {
  url: string;
  /** headers of every request (a Host header for an Ingress rule) */
  headers?: Record<string, string>;
  /** requests in flight at once (default 4) */
  concurrency?: number;
  /** at most this many requests a second in all (default: as fast as the answers come) */
  ratePerSecond?: number;
  /** reuse connections (default false: a new connection per request) */
  keepAlive?: boolean;
  /** a request not answered within this is a failure (default 5000 ms) */
  timeoutMs?: number;
  /** a key for an answer, counted in LoadReport.answers (which version or pod answered) */
  classify?: (body: string) => string;
}

export interface LoadReport {
  requests: number;
  ok: number;
  failed: number;
  /** failures by reason: an error code ("ECONNRESET"), "timeout" or "status 503" */
  failures: Record<string, number>;
  /** the first few failures, with when they happened (ms since the start) */
  firstFailures: string[];
  /** answers by classify's key */
  answers: Record<string, number>;
  durationMs: number;
  requestsPerSecond: number;
  /** of the successful requests */
  latencyMs: { p50: number; p90: number; p99: number; max: number };
}

export interface RunningLoad {
  /** the counts so far */
  report(): LoadReport;
  /** stops sending, waits for the requests in flight, and reports */
  stop(): Promise<LoadReport>;
}

const FIRST_FAILURES_KEPT = 10;

export function startLoad(opts: LoadOptions): RunningLoad {
  const started = Date.now();
  const timeoutMs = opts.timeoutMs ?? 5000;
  const agent = opts.keepAlive ? new http.Agent({ keepAlive: true, maxSockets: opts.concurrency ?? 4 }) : false;
  const latencies: number[] = [];
  const failures: Record<string, number> = {};
  const firstFailures: string[] = [];
  const answers: Record<string, number> = {};
  let issued = 0;
  let stopped = false;
  let ended: number | undefined;

  const fail = (reason: string, detail: string) => {
    failures[reason] = (failures[reason] ?? 0) + 1;
    if (firstFailures.length < FIRST_FAILURES_KEPT) firstFailures.push(`${Date.now() - started} ms: ${detail}`);
  };

  /** waits for the request's turn under ratePerSecond: request n is due n/rate seconds after the start */
  const turn = (n: number) => {
    if (!opts.ratePerSecond) return undefined;
    const wait = started + (n * 1000) / opts.ratePerSecond - Date.now();
    return wait > 0 ? new Promise<void>((resolve) => setTimeout(resolve, wait)) : undefined;
  };

  const one = () =>
    new Promise<void>((resolve) => {
      // sub-millisecond answers (straight to a pod on loopback) need a finer clock than Date.now()
      const sent = performance.now();
      const req = http.get(opts.url, { agent, timeout: timeoutMs, headers: opts.headers }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (body += d));
        res.on('error', (e: NodeJS.ErrnoException) => {
          fail(e.code ?? e.message, `${e.message} while reading the answer`);
          resolve();
        });
        res.on('end', () => {
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            latencies.push(performance.now() - sent);
            if (opts.classify) {
              const key = opts.classify(body);
              answers[key] = (answers[key] ?? 0) + 1;
            }
          } else fail(`status ${status}`, `status ${status}: ${body.slice(0, 200)}`);
          resolve();
        });
      });
      req.on('timeout', () =>
        req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'timeout' })),
      );
      req.on('error', (e: NodeJS.ErrnoException) => {
        fail(e.code ?? e.message, e.message);
        resolve();
      });
    });

  const worker = async () => {
    while (!stopped) {
      await turn(issued++);
      if (stopped) break;
      await one();
    }
  };
  const workers = Array.from({ length: opts.concurrency ?? 4 }, worker);

  const report = (): LoadReport => {
    const durationMs = (ended ?? Date.now()) - started;
    const sorted = [...latencies].sort((a, b) => a - b);
    const at = (p: number) => (sorted.length ? percentile(sorted, p) : 0);
    const failed = Object.values(failures).reduce((a, b) => a + b, 0);
    return {
      requests: sorted.length + failed,
      ok: sorted.length,
      failed,
      failures: { ...failures },
      firstFailures: [...firstFailures],
      answers: { ...answers },
      durationMs,
      requestsPerSecond: durationMs > 0 ? ((sorted.length + failed) * 1000) / durationMs : 0,
      latencyMs: {
        p50: at(50),
        p90: at(90),
        p99: at(99),
        max: sorted[sorted.length - 1] ?? 0,
      },
    };
  };

  return {
    report,
    async stop() {
      stopped = true;
      await Promise.all(workers);
      ended ??= Date.now();
      if (agent) agent.destroy();
      return report();
    },
  };
}
