// Peak resident memory of a process and everything it started, from /proc/<pid>/status VmHWM (the
// kernel's own high-water mark of each process). Polling only finds the processes of the tree; a child
// that exits between two polls is counted with the last peak seen.
import * as fs from 'fs';

function readStatus(pid: number): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  } catch {
    return undefined; // gone
  }
}

function kib(status: string, field: string): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status);
  return m ? Number(m[1]) : 0;
}

/** Parent of every process, from /proc/<pid>/stat (the field after the parenthesised command name). */
function childrenByParent(): Map<number, number[]> {
  const out = new Map<number, number[]>();
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    let stat: string;
    try {
      stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
    } catch {
      continue; // gone
    }
    const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
    const list = out.get(ppid) ?? [];
    list.push(Number(entry));
    out.set(ppid, list);
  }
  return out;
}

export class ProcessTreeMemory {
  private peakKiB = new Map<number, number>();
  private timer: NodeJS.Timeout;

  constructor(
    private readonly rootPid: number,
    intervalMs = 500,
  ) {
    this.poll();
    this.timer = setInterval(() => this.poll(), intervalMs);
    this.timer.unref();
  }

  /** Reads the tree now; call it once more just before the server stops. */
  poll(): void {
    const children = childrenByParent();
    const seen = new Set<number>();
    const walk = (pid: number) => {
      if (seen.has(pid)) return;
      seen.add(pid);
      const status = readStatus(pid);
      if (!status) return;
      this.peakKiB.set(pid, Math.max(this.peakKiB.get(pid) ?? 0, kib(status, 'VmHWM')));
      for (const c of children.get(pid) ?? []) walk(c);
    };
    walk(this.rootPid);
  }

  /** Sum over the tree of each process's peak, in MiB (an upper bound when peaks were not simultaneous). */
  peakMiB(): number {
    let total = 0;
    for (const v of this.peakKiB.values()) total += v;
    return total / 1024;
  }

  processes(): number {
    return this.peakKiB.size;
  }

  stop(): void {
    clearInterval(this.timer);
  }
}
