// Notices when a branch tip may have moved in a local repository by watching the files git changes to
// move it: the loose ref, packed-refs (after `git gc` / `git pack-refs`) and HEAD. No polling.
import * as fs from 'fs';
import * as path from 'path';
import { watch as chokidarWatch, FSWatcher } from 'chokidar';

export interface RefWatch {
  stop(): void;
  /** resolves once the file system watches are in place */
  ready: Promise<void>;
}

export interface RefWatchOptions {
  /** the worktree's own git dir (holds HEAD) */
  gitDir: string;
  /** the shared git dir (holds refs/ and packed-refs); equal to gitDir outside linked worktrees */
  commonDir: string;
  branch: string;
  /** quiet time after the last ref update before onChange runs */
  debounceMs?: number;
  /** a steady stream of updates still gives a call at least this often */
  maxWaitMs?: number;
}

/** Calls onChange (debounced) when the branch's ref, HEAD or packed-refs change on disk. */
export function watchRefs(opts: RefWatchOptions, onChange: () => void): RefWatch {
  const debounceMs = opts.debounceMs ?? 20;
  const maxWaitMs = opts.maxWaitMs ?? 200;
  const dirs = [...new Set([path.resolve(opts.gitDir), path.resolve(opts.commonDir)])];
  const headsDir = path.join(path.resolve(opts.commonDir), 'refs', 'heads');
  const branchFile = path.join(headsDir, ...opts.branch.split('/'));
  const files = new Set([branchFile, ...dirs.flatMap((d) => [path.join(d, 'HEAD'), path.join(d, 'packed-refs')])]);

  // what chokidar may descend into: the git dirs themselves and refs/heads below; never objects/
  const refsDir = path.dirname(headsDir);
  const keep = (p: string) =>
    dirs.includes(p) || files.has(p) || p === refsDir || p === headsDir || p.startsWith(headsDir + path.sep);

  let timer: NodeJS.Timeout | undefined;
  let firstPending = 0;
  let stopped = false;
  const fire = () => {
    timer = undefined;
    firstPending = 0;
    if (!stopped) onChange();
  };
  const schedule = () => {
    if (stopped) return;
    const now = Date.now();
    if (!firstPending) firstPending = now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, firstPending + maxWaitMs - now)));
  };

  // updates between this call and the watches being in place are caught by comparing the files
  const before = fingerprint(files);
  const watcher: FSWatcher = chokidarWatch(dirs, {
    ignoreInitial: true,
    atomic: false,
    ignored: (p: string) => !keep(path.resolve(p)),
  });
  watcher.on('all', (_event, p) => {
    if (files.has(path.resolve(p))) schedule();
  });
  watcher.on('error', () => schedule());
  const ready = new Promise<void>((resolve) =>
    watcher.once('ready', () => {
      if (fingerprint(files) !== before) schedule();
      resolve();
    }),
  );
  return {
    ready,
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      void watcher.close();
    },
  };
}

function fingerprint(files: Set<string>): string {
  return [...files]
    .map((f) => {
      try {
        const s = fs.statSync(f);
        return `${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}
