// What a commit's folder holds for the syncer: plain manifest files, and kustomization folders whose
// content is rendered rather than read.
import * as path from 'path';
import { KUSTOMIZATION_FILES } from './kustomize';

export interface TreeEntry {
  mode: string;
  /** blob, tree or commit (a submodule) */
  type: string;
  id: string;
  /** posix, relative to the listed tree */
  path: string;
}

export interface ManifestTree {
  all: TreeEntry[];
  /** .yaml/.yml/.json blobs outside kustomization folders, sorted by path */
  manifests: TreeEntry[];
  /** outermost folders holding a kustomization file; `treeId` is absent for the listed tree itself ('.') */
  kustomizations: { dir: string; file: string; treeId?: string }[];
}

/** Parses `git ls-tree -z` output: "<mode> <type> <id>\t<path>\0". */
export function parseLsTree(out: string): TreeEntry[] {
  const entries: TreeEntry[] = [];
  for (const rec of out.split('\0')) {
    if (!rec) continue;
    const tab = rec.indexOf('\t');
    const [mode, type, id] = rec.slice(0, tab).split(' ');
    entries.push({ mode, type, id, path: rec.slice(tab + 1) });
  }
  return entries;
}

/** Whether a file name is read as manifests (.yaml, .yml, .json). */
export function isManifestName(name: string): boolean {
  return /\.(ya?ml|json)$/i.test(name);
}

/** Hidden files and folders (.github/, .vscode/) are not manifests, as in a folder read from disk. */
function hidden(p: string): boolean {
  return p.split('/').some((c) => c.startsWith('.'));
}

/** Which files of a commit's tree are manifests and which folders kustomize renders. */
export function planTree(all: TreeEntry[]): ManifestTree {
  const trees = new Map(all.filter((e) => e.type === 'tree').map((e) => [e.path, e.id]));
  const found = new Map<string, string>();
  for (const e of all) {
    if (e.type !== 'blob' || hidden(e.path)) continue;
    const base = path.posix.basename(e.path);
    if (!KUSTOMIZATION_FILES.includes(base)) continue;
    const dir = path.posix.dirname(e.path);
    // with several spellings in one folder, kustomize itself refuses; take the first so its error is shown
    if (!found.has(dir)) found.set(dir, base);
  }
  const dirs = [...found.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const outermost: string[] = [];
  for (const d of dirs) if (!outermost.some((o) => under(d, o))) outermost.push(d);

  const manifests = all
    .filter(
      (e) =>
        e.type === 'blob' &&
        e.mode !== '120000' &&
        isManifestName(e.path) &&
        !hidden(e.path) &&
        !outermost.some((o) => under(e.path, o)),
    )
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return {
    all,
    manifests,
    kustomizations: outermost.map((dir) => ({
      dir,
      file: found.get(dir)!,
      treeId: dir === '.' ? undefined : trees.get(dir),
    })),
  };
}

function under(p: string, dir: string): boolean {
  return dir === '.' || p === dir || p.startsWith(dir + '/');
}
