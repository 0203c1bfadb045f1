// What each YAML document of the workspace is to the tools that read it: a cluster resource, a Helm
// template, a chart's Chart.yaml or values, a kustomization, a kustomize patch or plugin configuration, or
// a tool's configuration. Only cluster resources are validated as Kubernetes objects and indexed.

import { existsSync } from 'fs';
import { fileURLToPath } from 'url';
import { splitApiVersion } from '../../kube/registry';
import type { PlacedDoc, YamlDoc } from '../documents/parsedFile';
import { locate } from '../documents/yamlTree';
import { skaffoldImages } from './builtImages';
import { isTemplateText, isUnderChartTemplates, templateActions } from './helmTemplates';
import { buildKustomizeModel, FileSource, KustomizeModel } from './kustomize';
import { isKustomizationPath } from './kustomization';
import { isToolConfig } from './toolConfigs';

export type DocRole =
  | 'resource'
  | 'not-yaml'
  | 'template'
  | 'chart'
  | 'values'
  | 'kustomization'
  | 'kustomize-plugin'
  | 'strategic-patch'
  | 'json-patch'
  | 'tool-config';

export const KUSTOMIZE_GROUP = 'kustomize.config.k8s.io';

export interface ProjectSource extends FileSource {
  stamp(): string;
}

/** What the workspace's kustomizations, charts and build tools say about its files, worked out once per change. */
export class Project {
  readonly kustomize: KustomizeModel;
  /** images whose tag skaffold or a kustomization sets */
  readonly builtImages: Set<string>;
  private readonly fileRoles = new Map<string, DocRole | undefined>();
  private readonly onDisk = new Map<string, boolean>();

  constructor(private readonly files: FileSource) {
    this.kustomize = buildKustomizeModel(files);
    this.builtImages = new Set([...skaffoldImages(files), ...this.kustomize.taggedImages]);
  }

  private hasFile(uri: string): boolean {
    if (this.files.get(uri)) return true;
    let known = this.onDisk.get(uri);
    if (known === undefined) {
      try {
        known = uri.startsWith('file:') && existsSync(fileURLToPath(uri));
      } catch {
        known = false;
      }
      this.onDisk.set(uri, known);
    }
    return known;
  }

  /** The role every document of the file has, when the file's name or place decides it. */
  private fileRole(uri: string): DocRole | undefined {
    if (this.fileRoles.has(uri)) return this.fileRoles.get(uri);
    const name = uri.slice(uri.lastIndexOf('/') + 1);
    const dir = uri.slice(0, uri.lastIndexOf('/'));
    let role: DocRole | undefined;
    if (isTemplateText(uri)) role = 'not-yaml';
    else if (name === 'Chart.yaml') role = 'chart';
    else if (/^values[^/]*\.ya?ml$/i.test(name) && this.hasFile(`${dir}/Chart.yaml`)) role = 'values';
    // a template without a single action is rendered as it is written, so it is judged as written
    else if (isUnderChartTemplates(uri, (u) => this.hasFile(u)) && this.files.get(uri)?.text.includes('{{') !== false)
      role = 'template';
    else if (this.kustomize.pluginFiles.has(uri)) role = 'kustomize-plugin';
    else {
      const patch = this.kustomize.patchFiles.get(uri);
      if (patch === 'strategic') role = 'strategic-patch';
      else if (patch === 'json6902') role = 'json-patch';
      else if (patch === 'either') {
        const root = this.files.get(uri)?.docs[0]?.doc.tree;
        role = root?.kind === 'seq' ? 'json-patch' : 'strategic-patch';
      }
    }
    this.fileRoles.set(uri, role);
    return role;
  }

  roleOf(uri: string, placed: PlacedDoc): DocRole {
    const role = this.fileRole(uri);
    if (role) return role;
    const doc = placed.doc;
    if (hasTemplateActions(doc)) return 'template';
    const kube = doc.kube;
    const group = kube ? splitApiVersion(kube.apiVersion).group : undefined;
    if (isKustomizationPath(uri) && (!kube || group === KUSTOMIZE_GROUP)) return 'kustomization';
    if (!kube) return 'resource';
    if (group === KUSTOMIZE_GROUP) {
      return kube.kind === 'Kustomization' || kube.kind === 'Component' ? 'kustomization' : 'kustomize-plugin';
    }
    if (kube.apiVersion === 'builtin') return 'kustomize-plugin';
    if (isToolConfig(kube.apiVersion, kube.kind)) return 'tool-config';
    return 'resource';
  }
}

/** What only a Helm (or helmfile, gomplate) template writes: its objects, pipelines and trim markers. */
const HELM_ACTION = /^\{\{-|-\}\}$|\.(?:Values|Release|Chart|Capabilities|Files)\b|\b(?:include|toYaml|tpl|required)\b/;

/**
 * A document with `{{` that is not YAML holding template text in its strings (a ConfigMap with an alerting
 * template, an Argo workflow's `{{inputs.parameters.x}}` stay resources): a document that does not parse, an
 * action outside a string, or a Helm action in a string that is not a block of text.
 */
function hasTemplateActions(doc: YamlDoc): boolean {
  return doc.cached('templateActions', 0, () => {
    if (!doc.text.includes('{{')) return false;
    if (doc.errors.length) return true;
    for (const [start, end] of templateActions(doc.text)) {
      const at = locate(doc.tree, start);
      const node = at?.node;
      const inString = node?.kind === 'scalar' && typeof node.value === 'string' && node.start <= start;
      // text in a comment is no action: a rendered manifest often says which template it came from
      if (!inString && inComment(doc, start)) continue;
      if (!inString || node.end < end || at?.onKey) return true;
      const block = doc.text[node.start] === '|' || doc.text[node.start] === '>';
      if (!block && HELM_ACTION.test(doc.text.slice(start, end))) return true;
    }
    return false;
  });
}

/** Whether an offset is in a comment: after a `#` first on its line or after a blank, outside any scalar. */
function inComment(doc: YamlDoc, offset: number): boolean {
  const text = doc.text;
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  for (let p = text.indexOf('#', lineStart); p >= 0 && p < offset; p = text.indexOf('#', p + 1)) {
    if (p > lineStart && text[p - 1] !== ' ' && text[p - 1] !== '\t') continue;
    const node = locate(doc.tree, p)?.node;
    if (node?.kind === 'scalar' && node.start <= p && p < node.end) continue;
    return true;
  }
  return false;
}

const projects = new WeakMap<ProjectSource, { stamp: string; project: Project }>();

/** The workspace's project model, rebuilt when its files change. */
export function projectOf(source: ProjectSource): Project {
  const stamp = source.stamp();
  const known = projects.get(source);
  if (known && known.stamp === stamp) return known.project;
  const project = new Project(source);
  projects.set(source, { stamp, project });
  return project;
}
