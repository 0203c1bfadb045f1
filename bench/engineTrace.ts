// A recording proxy in front of the container engine's Docker Engine API socket: the cluster is pointed at it
// (DOCKER_HOST) and every call it makes is timed as the cluster sees it, request sent → answer read, so a
// benchmark can say where a pod's start goes without touching the cluster's code. Streams (logs, wait) and
// upgraded connections (exec, attach) are passed through; only calls with a plain answer get an end time.
import * as fs from 'fs';
import * as http from 'http';
import * as net from 'net';
import * as path from 'path';
import { performance } from 'perf_hooks';

export interface EngineCall {
  method: string;
  /** the path without the API version prefix and query: "/containers/create", "/containers/ID/start" */
  path: string;
  query: URLSearchParams;
  /** ms (performance.now) when the request arrived and when its answer was read in full */
  start: number;
  end?: number;
  status?: number;
  /** the answer's body, kept for container creates (it holds the new container's id) */
  body?: string;
}

export interface EngineTrace {
  /** DOCKER_HOST value that reaches the engine through the proxy */
  address: string;
  calls: EngineCall[];
  close(): Promise<void>;
}

/** Starts the proxy on a socket in dir, forwarding to the engine at `target` (a unix:// address). */
export async function traceEngine(target: string, dir: string): Promise<EngineTrace> {
  if (!target.startsWith('unix://')) throw new Error(`the trace proxy needs a unix:// engine address, not ${target}`);
  const engineSocket = target.slice('unix://'.length);
  const socketPath = path.join(dir, 'engine-trace.sock');
  fs.rmSync(socketPath, { force: true });
  const calls: EngineCall[] = [];
  const agent = new http.Agent({ keepAlive: true, maxSockets: 256 });
  const server = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://engine');
    const call: EngineCall = {
      method: req.method ?? 'GET',
      path: url.pathname.replace(/^\/v[\d.]+(?=\/)/, ''),
      query: url.searchParams,
      start: performance.now(),
    };
    calls.push(call);
    const keepBody = call.method === 'POST' && call.path === '/containers/create';
    const upstream = http.request(
      { socketPath: engineSocket, method: req.method, path: req.url, headers: req.headers, agent },
      (answer) => {
        call.status = answer.statusCode;
        res.writeHead(answer.statusCode ?? 502, answer.headers);
        const chunks: Buffer[] = [];
        answer.on('data', (c: Buffer) => {
          if (keepBody) chunks.push(c);
          res.write(c);
        });
        answer.on('end', () => {
          call.end = performance.now();
          if (keepBody) call.body = Buffer.concat(chunks).toString('utf8');
          res.end();
        });
      },
    );
    upstream.on('error', (e) => res.destroy(e));
    req.pipe(upstream);
  });
  // exec and attach upgrade their connection: replay the request head to the engine, then pipe both ways
  server.on('upgrade', (req: http.IncomingMessage, socket: net.Socket, head: Buffer) => {
    const engine = net.connect(engineSocket, () => {
      const lines = [`${req.method} ${req.url} HTTP/${req.httpVersion}`];
      for (let i = 0; i < req.rawHeaders.length; i += 2) lines.push(`${req.rawHeaders[i]}: ${req.rawHeaders[i + 1]}`);
      engine.write(lines.join('\r\n') + '\r\n\r\n');
      if (head.length) engine.write(head);
      engine.pipe(socket);
      socket.pipe(engine);
    });
    engine.on('error', () => socket.destroy());
    socket.on('error', () => engine.destroy());
  });
  await new Promise<void>((resolve, reject) => server.listen(socketPath, resolve).on('error', reject));
  return {
    address: `unix://${socketPath}`,
    calls,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        agent.destroy();
      }),
  };
}
