// Which deployable units a workspace file belongs to: what is applied together, so an object defined twice
// within one unit is a real conflict, while the same name in alternative files (base and overlay, staging and
// production folders) is not. A unit is a folder's own files (a folder without a kustomization), a
// kustomization's resources (followed through the bases and components it lists), or an Application's path
// (Slipway's reads its folder recursively; Argo CD's its folder, recursively with `directory.recurse`), or a Flux
// Kustomization's path (recursively).

import * as path from 'path';
import { fileURLToPath } from 'url';
import { APPLICATION_GROUP } from '../../kube/application';
import { isRecord } from '../../kube/objects';
import { gathered, isKustomizationName, isRemoteEntry, Kustomization, kustomizationOf } from '../configs/kustomization';
import type { WorkspaceIndex } from './workspaceIndex';

const ARGO_CD_GROUP = 'argoproj.io';
const FLUX_KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io';
const KUSTOMIZATION_UNIT = 'kustomization:';

function filePath(uri: string): string | undefined {
  if (!uri.startsWith('file:')) return undefined;
  try {
    return fileURLToPath(uri);
  } catch {
    return undefined;
  }
}

/** A folder (or one of its subfolders) holds `file`. */
function within(dir: string, file: string, recursive: boolean): boolean {
  return recursive ? file.startsWith(dir + path.sep) : path.dirname(file) === dir;
}

interface AppPath {
  /** the Application's (or Flux Kustomization's) folder, relative to a workspace root */
  relative: string;
  recursive: boolean;
  /** which Application: its file and document */
  id: string;
}

class UnitMap {
  /** the kustomization file of each folder that has one */
  private readonly kustomizations = new Map<string, Kustomization | undefined>();
  private readonly closures = new Map<string, Set<string>>();
  private readonly units = new Map<string, string[]>();
  private readonly files: Set<string>;
  private readonly apps: AppPath[] = [];

  constructor(
    index: WorkspaceIndex,
    private readonly roots: readonly string[],
  ) {
    const files = new Set<string>();
    for (const uri of index.uris()) {
      const file = filePath(uri);
      if (!file) continue;
      files.add(file);
      if (isKustomizationName(path.basename(file)))
        this.kustomizations.set(path.dirname(file), kustomizationOf(index.get(uri)));
    }
    this.files = files;
    for (const r of index.resources()) {
      const app = applicationPath(r.summary.apiVersion, r.summary.kind, r.placed.doc.value);
      if (app) this.apps.push({ ...app, id: `${r.placed.index}\n${r.uri}` });
    }
  }

  /** Whether a kustomization renders objects the workspace cannot show: remote bases or Helm charts. */
  outsideSources(dir: string): boolean {
    const k = this.kustomizations.get(dir);
    return !!k && (gathered(k).some(isRemoteEntry) || k.helmCharts > 0);
  }

  /** The kustomization folders that render a file (directly or through the bases that list it). */
  kustomizationsOf(uri: string): string[] {
    return this.unitsOf(uri)
      .filter((u) => u.startsWith(KUSTOMIZATION_UNIT))
      .map((u) => u.slice(KUSTOMIZATION_UNIT.length));
  }

  /** The files a kustomization folder renders from: its resources, and theirs for the folders it lists. */
  private closure(dir: string, visiting = new Set<string>()): Set<string> {
    const known = this.closures.get(dir);
    if (known) return known;
    const out = new Set<string>();
    const k = this.kustomizations.get(dir);
    if (visiting.has(dir) || !k) return out;
    visiting.add(dir);
    for (const entry of gathered(k)) {
      if (isRemoteEntry(entry)) continue;
      const target = path.resolve(dir, entry);
      if (this.files.has(target)) out.add(target);
      else if (this.kustomizations.has(target)) for (const f of this.closure(target, visiting)) out.add(f);
    }
    visiting.delete(dir);
    this.closures.set(dir, out);
    return out;
  }

  unitsOf(uri: string): string[] {
    const known = this.units.get(uri);
    if (known) return known;
    const file = filePath(uri);
    const out: string[] = [];
    if (file) {
      const dir = path.dirname(file);
      if (!this.kustomizations.has(dir)) out.push(`folder:${dir}`);
      for (const k of this.kustomizations.keys()) if (this.closure(k).has(file)) out.push(KUSTOMIZATION_UNIT + k);
      for (const app of this.apps) {
        for (const root of this.roots) {
          const appDir = path.resolve(root, app.relative);
          // a kustomization at the Application's folder is what it applies: that unit is counted above
          if (!this.kustomizations.has(appDir) && within(appDir, file, app.recursive)) out.push(`app:${app.id}`);
        }
      }
    }
    this.units.set(uri, out);
    return out;
  }

  share(a: string, b: string): boolean {
    const mine = this.unitsOf(a);
    return this.unitsOf(b).some((u) => mine.includes(u));
  }
}

/** The folder a Slipway or Argo CD Application or a Flux Kustomization applies, when it names one. */
function applicationPath(apiVersion: string, kind: string, value: unknown): Omit<AppPath, 'id'> | undefined {
  if (!isRecord(value) || !isRecord(value.spec)) return undefined;
  const group = apiVersion.split('/')[0];
  if (group === APPLICATION_GROUP && kind === 'Application') {
    const source = isRecord(value.spec.source) ? value.spec.source : {};
    return { relative: typeof source.path === 'string' ? source.path : '.', recursive: true };
  }
  if (group === FLUX_KUSTOMIZE_GROUP && kind === 'Kustomization') {
    // Flux applies every manifest under its path when the folder has no kustomization of its own
    const folder = value.spec.path;
    return { relative: typeof folder === 'string' ? folder : '.', recursive: true };
  }
  if (group === ARGO_CD_GROUP && kind === 'Application') {
    // one source, or the first of several that names a path
    const sources = [value.spec.source, ...(Array.isArray(value.spec.sources) ? value.spec.sources : [])];
    const source = sources.find((x) => isRecord(x) && typeof x.path === 'string');
    if (!isRecord(source)) return undefined;
    const directory = isRecord(source.directory) ? source.directory : {};
    return { relative: String(source.path), recursive: directory.recurse === true };
  }
  return undefined;
}

/** Deployable units per workspace state, worked out once per change of the index. */
export class DeployableUnits {
  private map?: { stamp: string; units: UnitMap };
  private roots: string[] = [];

  constructor(private readonly index: WorkspaceIndex) {}

  setRoots(folders: string[]): void {
    this.roots = folders.map((f) => path.resolve(f));
    this.map = undefined;
  }

  /** Whether two files are applied together somewhere (then one object in both is defined twice). */
  share(a: string, b: string): boolean {
    return a === b || this.current().share(a, b);
  }

  private current(): UnitMap {
    const stamp = this.index.stamp();
    if (this.map?.stamp !== stamp) this.map = { stamp, units: new UnitMap(this.index, this.roots) };
    return this.map.units;
  }

  /**
   * A kustomization rendering the file that also renders objects from outside the workspace (a remote base, a
   * Helm chart), whose folder is returned: then an object the file refers to may well come from there.
   */
  outsideSourceOf(uri: string): string | undefined {
    const units = this.current();
    return units.kustomizationsOf(uri).find((dir) => units.outsideSources(dir));
  }

  /** A file's (or folder's) path as a message names it: relative to its workspace folder. */
  displayPath(uriOrPath: string): string {
    const file = uriOrPath.startsWith('file:') ? filePath(uriOrPath) : uriOrPath;
    if (!file) return uriOrPath;
    for (const root of this.roots) {
      const rel = path.relative(root, file);
      if (!rel.startsWith('..') && !path.isAbsolute(rel)) return rel ? rel.split(path.sep).join('/') : '.';
    }
    return file;
  }
}
