// Finds the machine's container engine the way the Docker CLI does: DOCKER_HOST first, then the sockets that
// Docker Engine, Docker Desktop, Podman (rootful and rootless), Colima and Rancher Desktop serve the Docker
// Engine API on. Whichever answers is spoken to through dockerode; the engine says what it is (docker or podman).
import Docker from 'dockerode';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { HostResources } from '../types';

export interface Engine {
  docker: Docker;
  /** "docker" or "podman", as containerRuntimeVersion shows it */
  name: string;
  version: string;
  /** where it answered ("unix:///run/podman/podman.sock") */
  address: string;
  /** the engine host's architecture as Go names it ("amd64", "arm64") */
  arch: string;
  /** the engine host's CPUs and memory (a VM's for Docker Desktop, Colima or Podman machine) */
  host?: HostResources;
}

export class NoEngineError extends Error {}

/** The addresses tried, in order: DOCKER_HOST when set, else the usual sockets. */
export function candidateAddresses(env: NodeJS.ProcessEnv = process.env): string[] {
  if (env.DOCKER_HOST) return [env.DOCKER_HOST];
  const home = os.homedir();
  const runtimeDir = env.XDG_RUNTIME_DIR || (process.getuid ? `/run/user/${process.getuid()}` : '');
  const sockets = [
    '/var/run/docker.sock',
    path.join(home, '.docker/run/docker.sock'), // Docker Desktop
    runtimeDir && path.join(runtimeDir, 'podman/podman.sock'), // Podman rootless
    '/run/podman/podman.sock', // Podman rootful
    path.join(home, '.colima/default/docker.sock'),
    path.join(home, '.colima/docker.sock'),
    path.join(home, '.rd/docker.sock'), // Rancher Desktop
  ];
  return sockets.filter((s) => s).map((s) => `unix://${s}`);
}

function client(address: string): Docker {
  if (address.startsWith('unix://')) return new Docker({ socketPath: address.slice('unix://'.length) });
  const m = /^tcp:\/\/([^:/]+)(?::(\d+))?\/?$/.exec(address);
  if (!m) throw new NoEngineError(`DOCKER_HOST=${address} is not a unix:// or tcp:// address`);
  return new Docker({ host: m[1], port: Number(m[2] ?? 2375), protocol: 'http' });
}

/** Asks one address what engine serves it; rejects when nothing answers within timeoutMs. */
export async function probeEngine(address: string, timeoutMs = 5000): Promise<Engine> {
  if (address.startsWith('unix://') && !fs.existsSync(address.slice('unix://'.length)))
    throw new Error('no such socket');
  const docker = client(address);
  let timer: NodeJS.Timeout | undefined;
  const v = await Promise.race([
    docker.version(),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    }),
  ]).finally(() => clearTimeout(timer));
  const podman = (v.Components ?? []).find((c) => /podman/i.test(c.Name));
  return {
    docker,
    name: podman ? 'podman' : 'docker',
    version: podman?.Version ?? v.Version,
    address,
    arch: v.Arch,
    host: await hostResources(docker),
  };
}

/** The engine host's CPUs and memory from its info; undefined when it does not say. */
async function hostResources(docker: Docker): Promise<HostResources | undefined> {
  try {
    const info = (await docker.info()) as { NCPU?: number; MemTotal?: number; OperatingSystem?: string };
    if (!(Number(info.NCPU) > 0 && Number(info.MemTotal) > 0)) return undefined;
    return { cpus: Number(info.NCPU), memoryBytes: Number(info.MemTotal), os: info.OperatingSystem || undefined };
  } catch {
    return undefined;
  }
}

/** The first engine that answers; NoEngineError naming every address tried and why it failed. */
export async function findEngine(env: NodeJS.ProcessEnv = process.env): Promise<Engine> {
  const tried: string[] = [];
  for (const address of candidateAddresses(env)) {
    try {
      return await probeEngine(address);
    } catch (e) {
      tried.push(`  ${address}: ${(e as Error).message}`);
    }
  }
  throw new NoEngineError(
    `no container engine answered the Docker Engine API; tried:\n${tried.join('\n')}\n` +
      'Start Docker, Podman (`podman system service`), Colima or Rancher Desktop, or set DOCKER_HOST; ' +
      'or run with --runtime simulated',
  );
}
