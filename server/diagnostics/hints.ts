// What a reviewer would point out in a pod template: floating image tags, no resource requests or
// limits, no readiness probe. Each one can be switched off in the settings.

import { DiagnosticSeverity } from 'vscode-languageserver';
import type { PathSegment } from '../../kube/fieldErrors';
import { isRecord } from '../../kube/objects';
import { YamlDoc } from '../documents/parsedFile';
import { nodeAtPath } from '../documents/yamlTree';
import { firstLineRange } from '../positions';
import { LONG_RUNNING, ResourceSummary } from '../workspace/resources';
import { HintSettings } from '../settings';
import { LocalDiagnostic } from './diagnostic';

function get(value: unknown, path: readonly PathSegment[]): unknown {
  let cur = value;
  for (const seg of path) cur = Array.isArray(cur) ? cur[Number(seg)] : isRecord(cur) ? cur[String(seg)] : undefined;
  return cur;
}

/** The tag of an image reference, '' when it has none, undefined when pinned by digest. */
export function imageTag(image: string): string | undefined {
  if (image.includes('@')) return undefined;
  const slash = image.lastIndexOf('/');
  const colon = image.lastIndexOf(':');
  return colon > slash ? image.slice(colon + 1) : '';
}

function isEmptyResources(r: unknown): boolean {
  if (!isRecord(r)) return true;
  const has = (x: unknown) => isRecord(x) && Object.keys(x).length > 0;
  return !has(r.requests) && !has(r.limits);
}

export function hintDiagnostics(doc: YamlDoc, summary: ResourceSummary, settings: HintSettings): LocalDiagnostic[] {
  if (!summary.podSpecPath || (!settings.imageTag && !settings.resources && !settings.readinessProbe)) return [];
  return doc.cached('hints', settings, () => {
    const out: LocalDiagnostic[] = [];
    const spec = get(doc.value, summary.podSpecPath!);
    if (!isRecord(spec)) return out;
    for (const group of ['initContainers', 'containers']) {
      const list = spec[group];
      if (!Array.isArray(list)) continue;
      list.forEach((c, i) => {
        if (!isRecord(c)) return;
        const at: PathSegment[] = [...summary.podSpecPath!, group, i];
        if (!doc.has(at)) return;
        // positions only for a hint given: most containers get none
        const item = () => nodeAtPath(doc.tree, at)!;
        const anchor = () => {
          const node = item();
          const nameNode = nodeAtPath(node, ['name']);
          const firstKey = node.kind === 'map' ? node.pairs[0] : undefined;
          return nameNode && nameNode.kind === 'scalar' && !nameNode.empty
            ? doc.range(nameNode.start, nameNode.end)
            : firstKey
              ? doc.range(firstKey.keyStart, firstKey.keyEnd)
              : firstLineRange(doc, node);
        };
        const label = typeof c.name === 'string' ? `Container "${c.name}"` : 'This container';
        if (settings.imageTag && typeof c.image === 'string') {
          const tag = imageTag(c.image);
          if (tag === '' || tag === 'latest') {
            const imageNode = nodeAtPath(item(), ['image'])!;
            out.push({
              range: doc.range(imageNode.start, imageNode.end),
              severity: DiagnosticSeverity.Warning,
              message:
                tag === ''
                  ? `Image "${c.image}" has no tag, so it means :latest and changes under you: pin a version (or a digest)`
                  : `Image "${c.image}" uses :latest, which changes under you: pin a version (or a digest)`,
              code: 'image-tag',
              data: { image: c.image },
            });
          }
        }
        if (settings.resources && isEmptyResources(c.resources)) {
          out.push({
            range: anchor(),
            severity: DiagnosticSeverity.Information,
            message: `${label} has no resource requests or limits: the scheduler cannot place it by what it needs, and it may use a whole node`,
            code: 'resources',
          });
        }
        if (
          settings.readinessProbe &&
          group === 'containers' &&
          LONG_RUNNING.has(summary.kind) &&
          c.readinessProbe === undefined
        ) {
          out.push({
            range: anchor(),
            severity: DiagnosticSeverity.Information,
            message: `${label} has no readinessProbe: it receives Service traffic as soon as it starts`,
            code: 'readiness-probe',
          });
        }
      });
    }
    return out;
  });
}
