// Checks across files: what a Service selects, what pods refer to, and objects defined twice in what is applied
// together.

import { DiagnosticSeverity } from 'vscode-languageserver';
import { formatLabels } from '../../kube/labelSelector';
import { PlacedResource, WorkspaceIndex } from '../workspace/workspaceIndex';
import { ResourceSummary } from '../workspace/resources';
import { LocalDiagnostic } from './diagnostic';

/** Kinds whose absence from the workspace is worth a warning when referenced. */
const CHECKED_REFERENCES = new Set(['ConfigMap', 'Secret', 'PersistentVolumeClaim', 'ServiceAccount']);

/** How many other places a message names at most (the rest are counted). */
const MAX_LISTED = 5;

/** The first names, and how many more there are. */
function listed(names: string[], count: number): string {
  const shown = names.slice(0, MAX_LISTED).join(', ');
  return count > MAX_LISTED ? `${shown} and ${count - MAX_LISTED} more` : shown;
}

/** A definition's place as a message names it: the workspace-relative path (never a bare file name) and line. */
function where(r: PlacedResource, index: WorkspaceIndex): string {
  return `${index.units.displayPath(r.uri)}:${r.placed.line + r.summary.nameRange.start.line + 1}`;
}

function location(r: PlacedResource) {
  const line = r.placed.line;
  const range = r.summary.nameRange;
  return {
    uri: r.uri,
    range: {
      start: { line: range.start.line + line, character: range.start.character },
      end: { line: range.end.line + line, character: range.end.character },
    },
  };
}

export function workspaceDiagnostics(self: PlacedResource, index: WorkspaceIndex): LocalDiagnostic[] {
  const s: ResourceSummary = self.summary;
  const out: LocalDiagnostic[] = [];
  for (const ref of s.references) {
    if (!CHECKED_REFERENCES.has(ref.kind) || ref.optional) continue;
    if (ref.kind === 'ServiceAccount' && ref.name === 'default') continue;
    if (index.has(ref.kind, ref.name, s.namespace) || index.producers.produces(ref.kind, ref.name)) continue;
    const where = s.namespace ? ` (namespace ${s.namespace})` : '';
    // Secrets are usually kept out of git on purpose (created by hand, by a vault or an operator); a remote base
    // or a Helm chart of the kustomization may make anything
    const outside = index.units.outsideSourceOf(self.uri);
    const secret = ref.kind === 'Secret';
    const missing = `${ref.kind} "${ref.name}" is not defined in the workspace${where}`;
    out.push({
      range: ref.range,
      severity: secret || outside ? DiagnosticSeverity.Information : DiagnosticSeverity.Warning,
      message: outside
        ? `${missing}: it may come from a remote base or Helm chart of the kustomization in ` +
          index.units.displayPath(outside)
        : secret
          ? `${missing}: make sure it exists in the cluster`
          : missing,
      code: 'missing-reference',
      data: { kind: ref.kind, name: ref.name },
    });
  }
  if (s.kind === 'Service' && s.selector && Object.keys(s.selector.labels).length) {
    const { targets, portNames } = index.selection(s.selector.labels, s.namespace);
    if (targets.length === 0) {
      out.push({
        range: s.selector.keyRange,
        // pods may come from a controller the workspace does not show (an operator, a chart)
        severity: DiagnosticSeverity.Information,
        message: `Service selector ${formatLabels(s.selector.labels)} matches no workload in the workspace`,
        code: 'service-selector',
      });
    } else {
      const selected = listed(
        targets.slice(0, MAX_LISTED).map((t) => `${t.summary.kind}/${t.summary.name}`),
        targets.length,
      );
      for (const port of s.servicePorts) {
        if (typeof port.targetPort !== 'string') continue;
        if (portNames.has(port.targetPort)) continue;
        out.push({
          range: port.range,
          severity: DiagnosticSeverity.Warning,
          message: `targetPort "${port.targetPort}" names no container port of the selected pods (${selected})`,
          code: 'target-port',
        });
      }
    }
  }
  if (s.name !== undefined) {
    // each definition is flagged; naming every other one would make n definitions cost n² (and n² of output)
    const twins = index.duplicatesOf(self, MAX_LISTED);
    if (twins.count) {
      out.push({
        range: s.nameRange,
        severity: DiagnosticSeverity.Warning,
        message:
          `${s.kind} "${s.name}"` +
          (s.namespace ? ` in namespace ${s.namespace}` : '') +
          ` is also defined in ${listed(
            twins.first.map((t) => where(t, index)),
            twins.count,
          )}`,
        code: 'duplicate-resource',
        related: twins.first.map((t) => ({ location: location(t), message: `${s.kind} "${s.name}" defined here` })),
      });
    }
  }
  return out;
}
