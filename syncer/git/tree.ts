// What a commit's folder holds for the syncer: plain manifest files, and kustomization and Helm chart folders
// whose content is rendered rather than read.
import * as path from 'path';
import { directoryFilter, DirectoryOptions } from './directoryFilter';
import { KUSTOMIZATION_FILES } from './kustomize';

/** The file that makes a folder a Helm chart. */
export const CHART_FILE = 'Chart.yaml';

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
  /** .yaml/.yml/.json blobs outside rendered folders, sorted by path */
  manifests: TreeEntry[];
  /**
   * outermost folders holding a kustomization file (kustomize) or Chart.yaml (helm); `treeId` is absent for the
   * listed tree itself ('.')
   */
  rendered: RenderedFolder[];
}

export interface RenderedFolder {
  dir: string;
  /** the kustomization file's or Chart.yaml's name */
  file: string;
  tool: 'kustomize' | 'helm';
  treeId?: string;
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

/**
 * Which files of a commit's tree are manifests and which folders kustomize or helm renders. A listed tree that
 * is a kustomization or a chart is rendered whole. Otherwise only its own files are read, and with `recurse`
 * the folders under it too, where the outermost kustomization and chart folders are rendered; include and
 * exclude choose among the files (a rendered folder by its kustomization file's or Chart.yaml's path).
 */
export function planTree(all: TreeEntry[], directory: DirectoryOptions = {}): ManifestTree {
  const trees = new Map(all.filter((e) => e.type === 'tree').map((e) => [e.path, e.id]));
  const found = new Map<string, { file: string; tool: RenderedFolder['tool'] }>();
  for (const e of all) {
    if (e.type !== 'blob' || hidden(e.path)) continue;
    const base = path.posix.basename(e.path);
    const tool = KUSTOMIZATION_FILES.includes(base) ? 'kustomize' : base === CHART_FILE ? 'helm' : undefined;
    if (!tool) continue;
    const dir = path.posix.dirname(e.path);
    // with several spellings in one folder, kustomize itself refuses; take the first so its error is shown
    const known = found.get(dir);
    if (!known || (known.tool === 'helm' && tool === 'kustomize')) found.set(dir, { file: base, tool });
  }
  const folder = (dir: string): RenderedFolder => ({
    dir,
    ...found.get(dir)!,
    treeId: dir === '.' ? undefined : trees.get(dir),
  });
  if (found.has('.')) return { all, manifests: [], rendered: [folder('.')] };

  const wanted = directoryFilter(directory);
  const inScope = (p: string) => (directory.recurse === true || !p.includes('/')) && wanted(p);
  const dirs = [...found.keys()].sort((a, b) => a.length - b.length || (a < b ? -1 : 1));
  const outermost: string[] = [];
  for (const d of dirs) if (!outermost.some((o) => under(d, o))) outermost.push(d);
  const rendered = outermost.filter((d) => directory.recurse === true && wanted(`${d}/${found.get(d)!.file}`));

  const manifests = all
    .filter(
      (e) =>
        e.type === 'blob' &&
        e.mode !== '120000' &&
        isManifestName(e.path) &&
        !hidden(e.path) &&
        !outermost.some((o) => under(e.path, o)) &&
        inScope(e.path),
    )
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { all, manifests, rendered: rendered.map(folder) };
}

function under(p: string, dir: string): boolean {
  return dir === '.' || p === dir || p.startsWith(dir + '/');
}
