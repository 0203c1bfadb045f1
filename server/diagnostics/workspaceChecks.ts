// Checks across files: what a Service selects, what pods refer to, and objects defined twice.

import { DiagnosticSeverity } from 'vscode-languageserver';
import { formatLabels } from '../../kube/labelSelector';
import { PlacedResource, WorkspaceIndex } from '../workspace/workspaceIndex';
import { ResourceSummary } from '../workspace/resources';
import { LocalDiagnostic } from './diagnostic';

/** Kinds whose absence from the workspace is worth a warning when referenced. */
const CHECKED_REFERENCES = new Set(['ConfigMap', 'Secret', 'PersistentVolumeClaim', 'ServiceAccount']);

function where(r: PlacedResource): string {
  const file = decodeURIComponent(r.uri.slice(r.uri.lastIndexOf('/') + 1));
  return `${file}:${r.placed.line + r.summary.nameRange.start.line + 1}`;
}

function location(r: PlacedResource) {
  const line = r.placed.line;
  const range = r.summary.nameRange;
  return {
    uri: r.uri,
    range: { start: { line: range.start.line + line, character: range.start.character }, end: { line: range.end.line + line, character: range.end.character } },
  };
}

export function workspaceDiagnostics(self: PlacedResource, index: WorkspaceIndex): LocalDiagnostic[] {
  const s: ResourceSummary = self.summary;
  const out: LocalDiagnostic[] = [];
  for (const ref of s.references) {
    if (!CHECKED_REFERENCES.has(ref.kind) || ref.optional) continue;
    if (ref.kind === 'ServiceAccount' && ref.name === 'default') continue;
    if (index.find(ref.kind, ref.name, s.namespace).length) continue;
    out.push({
      range: ref.range,
      severity: DiagnosticSeverity.Warning,
      message: `${ref.kind} "${ref.name}" is not defined in the workspace` + (s.namespace ? ` (namespace ${s.namespace})` : ''),
      code: 'missing-reference',
      data: { kind: ref.kind, name: ref.name },
    });
  }
  if (s.kind === 'Service' && s.selector && Object.keys(s.selector.labels).length) {
    const targets = index.podsMatching(s.selector.labels, s.namespace);
    if (targets.length === 0) {
      out.push({
        range: s.selector.keyRange,
        severity: DiagnosticSeverity.Warning,
        message: `Service selector ${formatLabels(s.selector.labels)} matches no workload in the workspace`,
        code: 'service-selector',
      });
    } else {
      for (const port of s.servicePorts) {
        if (typeof port.targetPort !== 'string') continue;
        if (targets.some((t) => t.summary.containerPorts.some((p) => p.name === port.targetPort))) continue;
        out.push({
          range: port.range,
          severity: DiagnosticSeverity.Warning,
          message: `targetPort "${port.targetPort}" names no container port of the selected pods (${targets.map((t) => `${t.summary.kind}/${t.summary.name}`).join(', ')})`,
          code: 'target-port',
        });
      }
    }
  }
  if (s.name !== undefined) {
    const twins = index.find(s.kind, s.name, s.namespace).filter((r) => r !== self && r.summary.namespace === s.namespace && !(r.uri === self.uri && r.placed.index === self.placed.index));
    if (twins.length) {
      out.push({
        range: s.nameRange,
        severity: DiagnosticSeverity.Warning,
        message: `${s.kind} "${s.name}"` + (s.namespace ? ` in namespace ${s.namespace}` : '') + ` is also defined in ${twins.map(where).join(', ')}`,
        code: 'duplicate-resource',
        related: twins.map((t) => ({ location: location(t), message: `${s.kind} "${s.name}" defined here` })),
      });
    }
  }
  return out;
}
