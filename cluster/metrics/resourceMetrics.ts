// The resource metrics pipeline, as metrics-server gives it to `kubectl top` and the HorizontalPodAutoscaler:
// each node's runtime is read for its containers' cumulative CPU time and working-set memory, and CPU usage is
// the rate between two readings (the window). Reading costs the engine a stats call per container, so it runs
// only while someone asks: the first question after a quiet minute starts it (two readings a second apart, so
// a rate is there at once) and it stops again a minute after the last one.
import { goDuration } from '../kubelet/goDuration';
import type { ContainerRuntime, ContainerUsage } from '../runtime/types';

/** how often usage is read while metrics are asked for */
export const DEFAULT_SCRAPE_MS = 10_000;
/** how long after the last question reading goes on */
const IDLE_MS = 60_000;
/** the second reading of a fresh start, for a first rate */
const FIRST_RATE_MS = 1_000;

export interface ContainerMetrics {
  name: string;
  /** cores */
  cpu: number;
  /** bytes */
  memory: number;
}

export interface PodUsage {
  namespace: string;
  name: string;
  node: string;
  /** when the later reading was made, and the time between the two (ms) */
  at: number;
  windowMs: number;
  containers: ContainerMetrics[];
}

export interface NodeUsage {
  name: string;
  at: number;
  windowMs: number;
  cpu: number;
  memory: number;
}

interface NodeReader {
  name: string;
  runtime: ContainerRuntime;
  /** the last reading of each container (pod uid/container) */
  last: Map<string, ContainerUsage>;
  pods: PodUsage[];
}

export class ResourceMetrics {
  private readonly nodes: NodeReader[] = [];
  private timer?: NodeJS.Timeout;
  private lastAsked = 0;
  private reading?: Promise<void>;

  constructor(private readonly scrapeMs = DEFAULT_SCRAPE_MS) {}

  /** A node whose runtime can tell its containers' usage; others are not read. */
  addNode(name: string, runtime: ContainerRuntime): void {
    if (runtime.usage) this.nodes.push({ name, runtime, last: new Map(), pods: [] });
  }

  /** Whether any node can be read (the simulated runtime cannot). */
  get available(): boolean {
    return this.nodes.length > 0;
  }

  /** The pods' latest usage (those with two readings yet); starts reading if it was idle. */
  async pods(): Promise<PodUsage[]> {
    await this.asked();
    return this.nodes.flatMap((n) => n.pods);
  }

  /** Each node's usage: the sum of its pods'. */
  async nodeUsage(): Promise<NodeUsage[]> {
    await this.asked();
    return this.nodes.map((n) => ({
      name: n.name,
      at: Math.max(0, ...n.pods.map((p) => p.at)) || Date.now(),
      windowMs: Math.max(0, ...n.pods.map((p) => p.windowMs)) || this.scrapeMs,
      cpu: sum(n.pods.flatMap((p) => p.containers.map((c) => c.cpu))),
      memory: sum(n.pods.flatMap((p) => p.containers.map((c) => c.memory))),
    }));
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  private async asked(): Promise<void> {
    this.lastAsked = Date.now();
    if (this.timer || !this.available) return;
    this.timer = setInterval(() => {
      if (Date.now() - this.lastAsked > IDLE_MS) return this.stop();
      void this.readAll();
    }, this.scrapeMs);
    this.timer.unref();
    // a first rate needs two readings
    await this.readAll();
    await new Promise((resolve) => setTimeout(resolve, FIRST_RATE_MS));
    await this.readAll();
  }

  /** One reading of every node, never two at once. */
  private readAll(): Promise<void> {
    this.reading ??= Promise.all(this.nodes.map((n) => read(n).catch(() => undefined)))
      .then(() => undefined)
      .finally(() => (this.reading = undefined));
    return this.reading;
  }
}

async function read(node: NodeReader): Promise<void> {
  const now = await node.runtime.usage!();
  const byPod = new Map<string, PodUsage>();
  const next = new Map<string, ContainerUsage>();
  for (const u of now) {
    const key = `${u.pod.uid}/${u.container}`;
    next.set(key, u);
    const before = node.last.get(key);
    if (!before || u.at <= before.at) continue;
    const windowMs = u.at - before.at;
    const cpu = Math.max(0, u.cpuNanoSeconds - before.cpuNanoSeconds) / (windowMs * 1e6);
    let pod = byPod.get(u.pod.uid);
    if (!pod) {
      pod = { namespace: u.pod.namespace, name: u.pod.name, node: node.name, at: u.at, windowMs, containers: [] };
      byPod.set(u.pod.uid, pod);
    }
    pod.containers.push({ name: u.container, cpu, memory: u.memoryWorkingSetBytes });
  }
  node.last = next;
  node.pods = [...byPod.values()];
}

function sum(xs: number[]): number {
  return xs.reduce((a, b) => a + b, 0);
}

/** "15s", "10.038s": the window as metrics-server writes it. */
export function windowText(ms: number): string {
  return goDuration(Math.round(ms));
}
