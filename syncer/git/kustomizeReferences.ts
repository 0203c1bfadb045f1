// Checks what a kustomization refers to before kubectl renders it, as Argo CD confines kustomize to the
// repository: every local path must stay inside the repository and exist in the commit (kustomize would take a
// missing one for a remote base and fetch it), and remote bases (URLs, git addresses) are refused unless the
// Application allows them. kustomize's own load restrictor keeps files (patches, generator inputs) inside each
// kustomization's folder; bases may be any folder of the repository, so the check follows them too.
import * as path from 'path';
import { parse } from 'yaml';
import { SourceError } from './errors';
import { KUSTOMIZATION_FILES } from './kustomize';
import type { TreeEntry } from './tree';

/** What the check needs of a commit: the type of a repository path and the text of a blob. */
export interface CommitFiles {
  /** 'blob', 'link' (a symbolic link), 'tree', or undefined when the commit has no such path */
  typeOf(repoPath: string): 'blob' | 'link' | 'tree' | undefined;
  read(repoPath: string): Promise<string>;
}

/** A commit's blobs (from ls-tree -r) as the kustomization check sees them; folders are implied by the paths. */
export function commitFiles(blobs: TreeEntry[], read: (id: string) => Promise<string>): CommitFiles {
  const byPath = new Map(blobs.map((e) => [e.path, e]));
  const folders = new Set<string>(['.']);
  for (const e of blobs) {
    for (let d = path.posix.dirname(e.path); d !== '.' && !folders.has(d); d = path.posix.dirname(d)) folders.add(d);
  }
  return {
    typeOf: (p) => {
      const e = byPath.get(p);
      if (e) return e.mode === '120000' ? 'link' : 'blob';
      return folders.has(p) ? 'tree' : undefined;
    },
    read: (p) => read(byPath.get(p)!.id),
  };
}

export interface ReferenceCheck {
  /** the kustomization folder, repository-relative ('.' for the root) */
  dir: string;
  allowRemoteBases: boolean;
  /** names the commit in messages ("/repo at 1a2b3c4") */
  where: string;
}

export interface ReferenceResult {
  /** every folder holding a kustomization that the render reads, repository-relative */
  folders: string[];
  /** every file the kustomizations name (resources, patches, generator inputs), repository-relative */
  files: string[];
}

const MAX_KUSTOMIZATION_BYTES = 1024 * 1024;
/** a base chain deeper than this is a cycle or an attack, not a layout */
const MAX_KUSTOMIZATIONS = 500;

/** Fields whose string entries, or whose entries' `path`, name files or folders (kustomize's own list). */
const PATH_LISTS = [
  'resources',
  'bases',
  'components',
  'crds',
  'patchesStrategicMerge',
  'generators',
  'transformers',
  'validators',
  'configurations',
];
const PATH_OBJECT_LISTS = ['patches', 'patchesJson6902', 'replacements'];
const GENERATORS = ['configMapGenerator', 'secretGenerator'];
/** entries that may be folders with their own kustomization */
const FOLDER_LISTS = new Set(['resources', 'bases', 'components']);

/** A URL, an scp-like git address (git@host:org/repo) or a host path (github.com/org/repo): kustomize fetches these. */
export function isRemoteReference(entry: string): boolean {
  return (
    /^[a-z][a-z0-9+.-]*:\/\//i.test(entry) ||
    /^[^/\s]+@[^/\s:]+:/.test(entry) ||
    /\?(ref|version|submodules|timeout)=/.test(entry) ||
    entry.includes('//')
  );
}

interface Entry {
  field: string;
  value: string;
}

function entriesOf(k: Record<string, unknown>): Entry[] {
  const out: Entry[] = [];
  const add = (field: string, v: unknown) => {
    // a string with a line break is an inline patch or transformer, not a path
    if (typeof v === 'string' && v.trim() && !v.includes('\n')) out.push({ field, value: v.trim() });
  };
  for (const f of PATH_LISTS)
    for (const v of asList(k[f])) add(f, typeof v === 'object' && v ? (v as { path?: unknown }).path : v);
  for (const f of PATH_OBJECT_LISTS)
    for (const v of asList(k[f])) if (v && typeof v === 'object') add(`${f}[].path`, (v as { path?: unknown }).path);
  for (const f of GENERATORS) {
    for (const g of asList(k[f])) {
      if (!g || typeof g !== 'object') continue;
      const gen = g as { files?: unknown; envs?: unknown; env?: unknown };
      // "key=path" names the key the file's content goes under
      for (const v of asList(gen.files))
        if (typeof v === 'string') add(`${f}[].files`, v.includes('=') ? v.slice(v.indexOf('=') + 1) : v);
      for (const v of [...asList(gen.envs), gen.env]) add(`${f}[].envs`, v);
    }
  }
  const openapi = k.openapi as { path?: unknown } | undefined;
  if (openapi && typeof openapi === 'object') add('openapi.path', openapi.path);
  return out;
}

function asList(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function kustomizationIn(files: CommitFiles, dir: string): string | undefined {
  const name = KUSTOMIZATION_FILES.find((f) => files.typeOf(dir === '.' ? f : `${dir}/${f}`) === 'blob');
  return name && (dir === '.' ? name : `${dir}/${name}`);
}

/**
 * Follows the kustomization in `check.dir` and every base it names; throws a SourceError naming the
 * kustomization file and the entry when one reaches outside the repository, is missing, is a symbolic link, or
 * is remote while remote bases are not allowed.
 */
export async function checkKustomizationReferences(
  files: CommitFiles,
  check: ReferenceCheck,
): Promise<ReferenceResult> {
  const seen = new Set<string>();
  const named = new Set<string>();
  const queue = [check.dir];
  while (queue.length) {
    const dir = queue.shift()!;
    if (seen.has(dir)) continue;
    seen.add(dir);
    if (seen.size > MAX_KUSTOMIZATIONS)
      throw new SourceError(
        `${check.where}: more than ${MAX_KUSTOMIZATIONS} kustomizations reached from ${check.dir}; is there a cycle of bases?`,
      );
    const file = kustomizationIn(files, dir);
    if (!file) continue;
    const fail = (e: Entry, why: string) =>
      new SourceError(`${check.where}: ${file}: ${e.field} entry ${JSON.stringify(e.value)} ${why}`);
    const text = await files.read(file);
    if (text.length > MAX_KUSTOMIZATION_BYTES)
      throw new SourceError(`${check.where}: ${file} is larger than 1 MiB; a kustomization that large is refused`);
    let k: unknown;
    try {
      k = parse(text, { maxAliasCount: 100 });
    } catch (e) {
      throw new SourceError(`${check.where}: ${file} is not valid YAML: ${(e as Error).message.split('\n')[0]}`);
    }
    if (!k || typeof k !== 'object' || Array.isArray(k)) continue; // kustomize reports a malformed file itself
    for (const e of entriesOf(k as Record<string, unknown>)) {
      if (isRemoteReference(e.value)) {
        if (check.allowRemoteBases) continue;
        throw fail(
          e,
          'is a remote base, which is refused: set spec.source.kustomize.allowRemoteBases to true (slipway up --allow-remote-bases) to fetch it, or vendor it into the repository',
        );
      }
      if (path.posix.isAbsolute(e.value))
        throw fail(e, 'is an absolute path; kustomizations may only use paths inside the repository');
      const target = path.posix.normalize(path.posix.join(dir, e.value)).replace(/\/$/, '') || '.';
      if (target === '..' || target.startsWith('../'))
        throw fail(e, 'points outside the repository; kustomizations may only use paths inside the repository');
      const type = files.typeOf(target);
      if (type === 'link') throw fail(e, 'is a symbolic link, which is not followed; commit the file or folder itself');
      if (type === undefined) {
        // kustomize takes a path that does not exist for a remote base and tries to fetch it
        if (check.allowRemoteBases) continue;
        throw fail(
          e,
          `is not a file or folder in the repository (${target}); fix the path (remote bases are refused unless spec.source.kustomize.allowRemoteBases is true)`,
        );
      }
      if (type === 'tree' && FOLDER_LISTS.has(e.field)) queue.push(target);
      if (type === 'blob') named.add(target);
    }
  }
  return { folders: [...seen], files: [...named] };
}
