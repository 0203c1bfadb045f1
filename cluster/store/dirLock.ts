// One writer per directory: two stores appending to the same log would interleave records and
// destroy it. Node has no OS file locks without native code, so the lock is a file whose every
// change is atomic and can never be stolen from a live owner:
// - LOCK is created complete with link(2) of a private file, which fails if LOCK exists.
// - It names its owner: pid, the process's start time and the boot id (a pid alone is reused, by
//   this very process as PID 1 in a container restarted after kill -9), and a random token.
// - A lock whose owner is gone is taken over only by the one process that wins a claim on that
//   exact lock (link of a claim file named for its content, again exclusive) and, holding the
//   claim, still finds the same content in LOCK; it then renames its own lock file over LOCK.
//   Never unlink and create, which let two processes both believe they took over.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';

const LOCK_FILE = 'LOCK';
const ATTEMPTS = 20;

interface Owner {
  pid: number;
  token: string;
  /** start time of the process in clock ticks since boot (/proc/<pid>/stat), where Linux tells it */
  start?: string;
  boot?: string;
}

/**
 * Tokens of the locks this process holds or is taking, to tell its own lock (or claim) from one that a previous
 * process with the same pid left behind.
 */
const ours = new Set<string>();

function readProc(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return undefined;
  }
}

function startTime(pid: number | 'self'): string | undefined {
  const stat = readProc(`/proc/${pid}/stat`);
  if (!stat) return undefined;
  // fields after the command name (which may hold spaces) start at field 3; starttime is field 22
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
}

const bootId = (): string | undefined => readProc('/proc/sys/kernel/random/boot_id')?.trim();

function parseOwner(raw: string): Owner | undefined {
  const text = raw.trim();
  // locks written before owners were recorded in full hold the pid alone
  if (/^\d+$/.test(text)) return { pid: Number(text), token: '' };
  try {
    const o = JSON.parse(text) as Partial<Owner>;
    return typeof o.pid === 'number' && typeof o.token === 'string' ? (o as Owner) : undefined;
  } catch {
    return undefined;
  }
}

function isAlive(o: Owner): boolean {
  if (o.pid === process.pid) return ours.has(o.token);
  try {
    process.kill(o.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  // the pid exists; it is the owner only if it is the same boot and the same process start
  if (o.boot && bootId() && o.boot !== bootId()) return false;
  const start = o.start && startTime(o.pid);
  return !(start && start !== o.start);
}

export interface DirLock {
  release(): Promise<void>;
}

export async function lockDir(dir: string): Promise<DirLock> {
  const file = path.join(dir, LOCK_FILE);
  const token = crypto.randomBytes(16).toString('hex');
  const me: Owner = { pid: process.pid, token, start: startTime('self'), boot: bootId() };
  const content = JSON.stringify(me) + '\n';
  const mine = path.join(dir, `${LOCK_FILE}.${me.token}.tmp`);
  ours.add(me.token);
  let locked = false;
  try {
    for (let attempt = 0; attempt < ATTEMPTS && !locked; attempt++) {
      await fs.promises.writeFile(mine, content, { mode: 0o600 });
      locked = (await linkNew(mine, file)) || (await takeOverIfStale(dir, file, mine));
    }
    if (locked) return acquired(file, me);
    throw new Error(`could not lock store ${dir}: its LOCK file kept changing`);
  } finally {
    if (!locked) ours.delete(me.token);
    await fs.promises.rm(mine, { force: true });
  }
}

async function linkNew(from: string, to: string): Promise<boolean> {
  try {
    await fs.promises.link(from, to);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

/** Replaces LOCK with the file mine if its owner is gone; false when it changed meanwhile (try again). */
async function takeOverIfStale(dir: string, file: string, mine: string): Promise<boolean> {
  const stale = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
  if (stale === undefined) return false; // released meanwhile
  const owner = parseOwner(stale);
  if (owner && isAlive(owner)) throw new Error(`store ${dir} is in use by process ${owner.pid}`);
  const id = crypto.createHash('sha256').update(stale).digest('hex').slice(0, 16);
  // a claimer that died mid-takeover leaves its claim; the next index is the next chance
  for (let k = 0; k < ATTEMPTS; k++) {
    const claimFile = (n: number) => path.join(dir, `${LOCK_FILE}.takeover-${id}-${n}`);
    const claim = claimFile(k);
    if (!(await linkNew(mine, claim))) {
      const claimer = parseOwner(await fs.promises.readFile(claim, 'utf8').catch(() => ''));
      if (claimer && isAlive(claimer)) throw new Error(`store ${dir} is being locked by process ${claimer.pid}`);
      continue;
    }
    try {
      // holding the claim, nobody else changes LOCK while it still has this content
      const now = await fs.promises.readFile(file, 'utf8').catch(() => undefined);
      if (now !== stale) return false;
      await fs.promises.rename(mine, file);
      for (let j = 0; j < k; j++) await fs.promises.rm(claimFile(j), { force: true }); // claims of dead claimers
      return true;
    } finally {
      await fs.promises.rm(claim, { force: true });
    }
  }
  return false;
}

/** Files of attempts that a kill -9 cut short; a minute old, no live attempt can still be using one. */
async function sweepLeftovers(dir: string): Promise<void> {
  const names = await fs.promises.readdir(dir).catch(() => [] as string[]);
  const cutoff = Date.now() - 60_000;
  for (const name of names) {
    if (!name.startsWith(`${LOCK_FILE}.`)) continue;
    const leftover = path.join(dir, name);
    const stat = await fs.promises.lstat(leftover).catch(() => undefined);
    if (stat && stat.mtimeMs < cutoff) await fs.promises.rm(leftover, { force: true });
  }
}

function acquired(file: string, me: Owner): DirLock {
  void sweepLeftovers(path.dirname(file));
  return {
    async release() {
      const current = await fs.promises.readFile(file, 'utf8').catch(() => '');
      if (parseOwner(current)?.token === me.token) await fs.promises.rm(file, { force: true });
      ours.delete(me.token);
    },
  };
}
