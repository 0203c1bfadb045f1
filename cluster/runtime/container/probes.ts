// Probes against a real container: exec runs the command in it through the engine (exit code 0 succeeds),
// httpGet asks the pod's IP (2xx and 3xx succeed), tcpSocket opens a connection to it, grpc asks its health
// service (grpcHealth.ts); each within the probe's timeoutSeconds. The output is what follows
// "Liveness probe failed: " in the Unhealthy event.
import type Docker from 'dockerode';
import type { Container, Probe } from 'kubernetes-types/core/v1';
import * as http from 'http';
import * as net from 'net';
import { PassThrough } from 'stream';
import { ProbeResult } from '../types';
import { grpcHealthProbe } from './grpcHealth';

function port(p: number | string | undefined, spec: Container): number {
  if (typeof p === 'number') return p;
  const named = spec.ports?.find((x) => x.name === p)?.containerPort;
  return named ?? Number(p);
}

function withTimeout(p: Promise<ProbeResult>, seconds: number, what: string): Promise<ProbeResult> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<ProbeResult>((resolve) => {
    timer = setTimeout(
      () => resolve({ success: false, output: `${what} (Client.Timeout exceeded after ${seconds}s)` }),
      seconds * 1000,
    );
  });
  return Promise.race([p, late]).finally(() => clearTimeout(timer));
}

async function execProbe(docker: Docker, id: string, command: string[]): Promise<ProbeResult> {
  const exec = await docker.getContainer(id).exec({ Cmd: command, AttachStdout: true, AttachStderr: true });
  const stream = await exec.start({});
  const chunks: Buffer[] = [];
  const sink = new PassThrough();
  sink.on('data', (c: Buffer) => chunks.push(c));
  docker.modem.demuxStream(stream, sink, sink);
  await new Promise((resolve) => stream.on('end', resolve));
  const info = await exec.inspect();
  const output = Buffer.concat(chunks).toString('utf8').trim();
  return info.ExitCode === 0
    ? { success: true, output }
    : { success: false, output: output || `command ${JSON.stringify(command)} exited with ${info.ExitCode}` };
}

function httpProbe(ip: string, p: number, path: string, headers: Record<string, string>): Promise<ProbeResult> {
  const url = `http://${ip}:${p}${path.startsWith('/') ? path : `/${path}`}`;
  return new Promise((resolve) => {
    const req = http.get(url, { headers }, (res) => {
      res.resume();
      const code = res.statusCode ?? 0;
      resolve(
        code >= 200 && code < 400
          ? { success: true, output: '' }
          : { success: false, output: `HTTP probe failed with statuscode: ${code}` },
      );
    });
    req.on('error', (e) => resolve({ success: false, output: `Get "${url}": ${e.message}` }));
  });
}

function tcpProbe(ip: string, p: number): Promise<ProbeResult> {
  return new Promise((resolve) => {
    const s = net.connect(p, ip, () => {
      s.destroy();
      resolve({ success: true, output: '' });
    });
    s.on('error', (e) => resolve({ success: false, output: `dial tcp ${ip}:${p}: ${e.message}` }));
  });
}

export function runProbe(docker: Docker, id: string, ip: string, spec: Container, probe: Probe): Promise<ProbeResult> {
  const timeout = probe.timeoutSeconds ?? 1;
  if (probe.exec?.command)
    return withTimeout(
      execProbe(docker, id, probe.exec.command).catch((e) => ({ success: false, output: String(e?.message ?? e) })),
      timeout,
      'command timed out',
    );
  if (probe.httpGet) {
    const headers = Object.fromEntries((probe.httpGet.httpHeaders ?? []).map((h) => [h.name, h.value]));
    const p = port(probe.httpGet.port, spec);
    return withTimeout(httpProbe(ip, p, probe.httpGet.path ?? '/', headers), timeout, `Get http://${ip}:${p}`);
  }
  if (probe.tcpSocket) {
    const p = port(probe.tcpSocket.port, spec);
    return withTimeout(tcpProbe(ip, p), timeout, `dial tcp ${ip}:${p}: i/o timeout`);
  }
  if (probe.grpc) {
    const p = probe.grpc.port;
    return withTimeout(grpcHealthProbe(ip, p, probe.grpc.service), timeout, `gRPC probe of ${ip}:${p}`);
  }
  return Promise.resolve({ success: false, output: 'the probe names no handler (exec, httpGet, tcpSocket or grpc)' });
}
