// One writer per directory: two stores appending to the same log would interleave records and
// destroy it. The lock file holds the owner's pid; a lock left by a process that no longer
// exists (killed, crashed) is taken over.
import * as fs from 'fs';
import * as path from 'path';

const LOCK_FILE = 'LOCK';

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export interface DirLock {
  release(): Promise<void>;
}

export async function lockDir(dir: string): Promise<DirLock> {
  const file = path.join(dir, LOCK_FILE);
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await fs.promises.writeFile(file, String(process.pid), { flag: 'wx' });
      return { release: () => fs.promises.rm(file, { force: true }) };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const owner = Number((await fs.promises.readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isSafeInteger(owner) && owner > 0 && isAlive(owner)) {
      throw new Error(`store ${dir} is in use by process ${owner}`);
    }
    await fs.promises.rm(file, { force: true });
  }
  throw new Error(`could not lock store ${dir}`);
}
