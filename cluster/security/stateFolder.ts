// The state folder holds Secrets (in the store's log and snapshots), keys, the token and pod logs: only its owner
// may read any of it, whatever modes a folder made earlier (or by hand, or under another umask) has. New files are
// created private by their writers; this makes what already exists private at start.
import * as fs from 'fs';
import * as path from 'path';

export const PRIVATE_DIR_MODE = 0o700;
export const PRIVATE_FILE_MODE = 0o600;

/** Folders walked whole; volumes/ is made private at its top two levels only, its folders' content is the pods'. */
const DATA_FOLDERS = ['store', 'pki', 'logs'];
/** token is not here: one others could read is replaced, not reused (token.ts) */
const DATA_FILES = ['kubeconfig'];

export function secureStateFolder(stateDir: string): void {
  fs.mkdirSync(stateDir, { recursive: true, mode: PRIVATE_DIR_MODE });
  makePrivate(stateDir, 0);
  for (const name of DATA_FOLDERS) makePrivate(path.join(stateDir, name), Infinity);
  makePrivate(path.join(stateDir, 'volumes'), 1);
  for (const name of DATA_FILES) makePrivate(path.join(stateDir, name), 0);
}

/** chmod of a file or folder, and of what a folder holds down to depth levels; symlinks are left alone. */
function makePrivate(target: string, depth: number): void {
  let st: fs.Stats;
  try {
    st = fs.lstatSync(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw e;
  }
  if (st.isDirectory()) {
    if ((st.mode & 0o777) !== PRIVATE_DIR_MODE) fs.chmodSync(target, PRIVATE_DIR_MODE);
    if (depth > 0) for (const name of fs.readdirSync(target)) makePrivate(path.join(target, name), depth - 1);
  } else if (st.isFile() && (st.mode & 0o777) !== PRIVATE_FILE_MODE) {
    fs.chmodSync(target, PRIVATE_FILE_MODE);
  }
}
