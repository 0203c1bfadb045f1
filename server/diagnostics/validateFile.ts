// All diagnostics of one file: per YAML document, syntax first; Kubernetes objects then get their
// kind resolved, schema, workspace checks and hints. Long files yield every few milliseconds, so
// completion and hover answer while they are checked and a newer edit stops the work.

import { Diagnostic, DiagnosticSeverity } from 'vscode-languageserver';
import { isRecord } from '../../kube/objects';
import { ParsedFile, PlacedDoc } from '../documents/parsedFile';
import { pairOf, scalarString } from '../documents/yamlTree';
import { Settings } from '../settings';
import { projectOf } from '../configs/fileRoles';
import { TimeSlices } from '../timeSlices';
import { summarize } from '../workspace/resources';
import { WorkspaceIndex } from '../workspace/workspaceIndex';
import { resolveKind } from './apiVersions';
import { configFileDiagnostics } from './configFileDiagnostics';
import { LocalDiagnostic, toDiagnostic } from './diagnostic';
import { hintDiagnostics } from './hints';
import { holdsAfterBuild } from './kustomizeAware';
import { builtinSchemaDiagnostics, customSchemaDiagnostics } from './schema';
import { syntaxDiagnostics } from './syntax';
import { workspaceDiagnostics } from './workspaceChecks';

/** A document that looks like a Kubernetes object (it has metadata) but lacks apiVersion or kind. */
function incompleteObject(placed: PlacedDoc): LocalDiagnostic[] {
  const doc = placed.doc;
  const root = doc.tree;
  if (root?.kind !== 'map' || !pairOf(root, 'metadata')) return [];
  const pairs = { apiVersion: pairOf(root, 'apiVersion'), kind: pairOf(root, 'kind') };
  const present = pairs.kind ?? pairs.apiVersion;
  if (!present) return [];
  const out: LocalDiagnostic[] = [];
  const missing: string[] = [];
  for (const [key, pair] of Object.entries(pairs)) {
    if (!pair) missing.push(key);
    else if (scalarString(pair.value) === undefined) {
      const v = pair.value;
      const range = v.kind === 'scalar' && !v.empty ? doc.range(v.start, v.end) : doc.range(pair.keyStart, pair.keyEnd);
      out.push({
        range,
        severity: DiagnosticSeverity.Error,
        message: `${key}: Invalid value: must be a string`,
        code: 'schema',
      });
    }
  }
  if (missing.length) {
    out.push({
      range: doc.range(present.keyStart, present.keyEnd),
      severity: DiagnosticSeverity.Error,
      message: `${missing.join(', ')}: Required value: a Kubernetes object needs apiVersion and kind`,
      code: 'schema',
    });
  }
  return out;
}

export function documentDiagnostics(
  uri: string,
  placed: PlacedDoc,
  index: WorkspaceIndex,
  settings: Settings,
): LocalDiagnostic[] {
  const doc = placed.doc;
  const project = projectOf(index);
  const role = project.roleOf(uri, placed);
  if (role !== 'resource') return configFileDiagnostics(uri, role, doc, index);
  const out = syntaxDiagnostics(doc);
  if (doc.errors.length) return out;
  if (!doc.kube || !isRecord(doc.value)) return out.concat(incompleteObject(placed));
  const resolution = resolveKind(doc, index);
  if (resolution.type === 'problem') out.push(...resolution.diagnostics);
  else if (resolution.type === 'builtin') out.push(...builtinSchemaDiagnostics(doc));
  else out.push(...customSchemaDiagnostics(doc, resolution.version.schema));
  const summary = summarize(doc);
  if (summary) {
    out.push(...workspaceDiagnostics({ uri, placed, summary }, index));
    // hints are for objects that can be applied as they are
    if (resolution.type !== 'problem') out.push(...hintDiagnostics(doc, summary, settings.hints));
  }
  const self = summary && { uri, placed, summary };
  return self ? out.filter((d) => holdsAfterBuild(d, self, index, project)) : out;
}

/** Diagnostics for a file, or undefined when `slices` says the result is no longer wanted. */
export async function validateFile(
  uri: string,
  file: ParsedFile,
  index: WorkspaceIndex,
  settings: Settings,
  slices = new TimeSlices(),
  progress?: (checked: number, total: number) => void,
): Promise<Diagnostic[] | undefined> {
  const out: Diagnostic[] = [];
  for (let i = 0; i < file.docs.length; i++) {
    if (!(await slices.pause())) return undefined;
    progress?.(i, file.docs.length);
    const placed = file.docs[i];
    for (const d of documentDiagnostics(uri, placed, index, settings)) out.push(toDiagnostic(d, placed.line));
  }
  return out;
}
