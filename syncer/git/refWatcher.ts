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

/**
 * Calls onChange when the branch's ref, HEAD or packed-refs change on disk: at once for a lone update, debounced
 * for a burst, and never twice for the same content.
 */
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
  let lastFired = 0;
  let stopped = false;
  // updates between this call and the watches being in place are caught by comparing the files
  const before = fingerprint(files);
  let firedAt = before;
  const fire = () => {
    timer = undefined;
    firstPending = 0;
    if (stopped) return;
    // the events of one update (several per rename on some systems) call once: only a changed ref calls
    const now = fingerprint(files);
    if (now === firedAt) return;
    firedAt = now;
    lastFired = Date.now();
    onChange();
  };
  const schedule = () => {
    if (stopped) return;
    const now = Date.now();
    // a lone update (a commit) calls at once; updates that follow within debounceMs are coalesced
    if (!timer && now - lastFired >= debounceMs) return fire();
    if (!firstPending) firstPending = now;
    if (timer) clearTimeout(timer);
    timer = setTimeout(fire, Math.max(0, Math.min(debounceMs, firstPending + maxWaitMs - now)));
  };

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

/**
 * What the watched files hold: small ones (a loose ref, HEAD) by content, since a rewritten file may reuse the
 * inode within the same millisecond; packed-refs, which may be large, by inode, size and time.
 */
function fingerprint(files: Set<string>): string {
  return [...files]
    .map((f) => {
      try {
        const s = fs.statSync(f);
        return s.size <= 256 ? fs.readFileSync(f, 'utf8') : `${s.ino}:${s.size}:${s.mtimeMs}`;
      } catch {
        return '-';
      }
    })
    .join('|');
}
