// Go to definition and find references between objects: names in pod templates and Ingresses lead
// to the ConfigMaps, Secrets, claims, ServiceAccounts and Services they name; a Service's selector
// leads to the workloads it selects.

import { Location, Position } from 'vscode-languageserver';
import { YamlDoc } from './documents/parsedFile';
import { placedAt, toFileRange } from './documents/placement';
import { contains, FeatureContext } from './featureContext';
import { Reference, ResourceSummary, summarize } from './workspace/resources';
import { PlacedResource, sameNamespace } from './workspace/workspaceIndex';

function nameLocation(r: PlacedResource): Location {
  return { uri: r.uri, range: toFileRange(r.summary.nameRange, r.placed.line) };
}

interface Here {
  self: PlacedResource;
  reference?: Reference;
  onName: boolean;
  onSelector: boolean;
}

function here(ctx: FeatureContext, pos: Position): Here | undefined {
  const at = placedAt(ctx.file, pos);
  if (!at) return undefined;
  const summary = summarize(at.placed.doc);
  if (!summary) return undefined;
  const line = at.placed.line;
  const self: PlacedResource = { uri: ctx.uri, placed: at.placed, summary };
  const reference = summary.references.find((r) => contains(toFileRange(r.range, line), pos));
  const onName = contains(toFileRange(summary.nameRange, line), pos);
  let onSelector = false;
  if (summary.kind === 'Service' && summary.selector) {
    const key = toFileRange(summary.selector.keyRange, line);
    onSelector = contains(key, pos) || isInsideSelector(at.placed.doc, summary, at.offset);
  }
  return { self, ...(reference ? { reference } : {}), onName, onSelector };
}

function isInsideSelector(doc: YamlDoc, summary: ResourceSummary, offset: number): boolean {
  let cur = doc.tree;
  for (const seg of summary.selector!.path) {
    if (cur?.kind !== 'map') return false;
    cur = cur.pairs.find((p) => p.key === seg)?.value;
  }
  return !!cur && offset >= cur.start && offset <= cur.end;
}

/** Workloads whose pods a Service selects. */
function selectedBy(ctx: FeatureContext, service: ResourceSummary): PlacedResource[] {
  return service.selector ? ctx.index.podsMatching(service.selector.labels, service.namespace) : [];
}

export function definition(ctx: FeatureContext, pos: Position): Location[] {
  const h = here(ctx, pos);
  if (!h) return [];
  if (h.reference)
    return ctx.index.find(h.reference.kind, h.reference.name, h.self.summary.namespace).map(nameLocation);
  if (h.onSelector) return selectedBy(ctx, h.self.summary).map(nameLocation);
  return [];
}

/** Everything in the workspace that refers to an object (by name, or a Service selecting its pods). */
export function referencesTo(ctx: FeatureContext, target: ResourceSummary): Location[] {
  const out: Location[] = [];
  for (const r of ctx.index.resources()) {
    for (const ref of r.summary.references) {
      if (
        ref.kind === target.kind &&
        ref.name === target.name &&
        sameNamespace(r.summary.namespace, target.namespace)
      ) {
        out.push({ uri: r.uri, range: toFileRange(ref.range, r.placed.line) });
      }
    }
    const s = r.summary;
    if (s.kind === 'Service' && s.selector && target.podLabels && sameNamespace(s.namespace, target.namespace)) {
      const labels = Object.entries(s.selector.labels);
      if (labels.length && labels.every(([k, v]) => target.podLabels![k] === v))
        out.push({ uri: r.uri, range: toFileRange(s.selector.keyRange, r.placed.line) });
    }
  }
  return out;
}

export function references(ctx: FeatureContext, pos: Position, includeDeclaration: boolean): Location[] {
  const h = here(ctx, pos);
  if (!h) return [];
  let targets: PlacedResource[] = [];
  if (h.reference) targets = ctx.index.find(h.reference.kind, h.reference.name, h.self.summary.namespace);
  else if (h.onName) targets = [h.self];
  else if (h.onSelector) return selectedBy(ctx, h.self.summary).map(nameLocation);
  const out: Location[] = [];
  // an object defined many times is referred to by the same places: look them up once per distinct target
  const searched = new Set<string>();
  const seen = new Set<string>();
  const add = (l: Location): void => {
    const key = `${l.uri}#${l.range.start.line}:${l.range.start.character}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(l);
    }
  };
  for (const t of targets) {
    if (includeDeclaration) add(nameLocation(t));
    const s = t.summary;
    const key = JSON.stringify([s.kind, s.name, s.namespace ?? null, s.podLabels ?? null]);
    if (searched.has(key)) continue;
    searched.add(key);
    referencesTo(ctx, s).forEach(add);
  }
  if (!targets.length && h.reference) {
    // nothing defines it: the other places that name it are still worth seeing
    out.push(
      ...referencesTo(ctx, {
        kind: h.reference.kind,
        name: h.reference.name,
        namespace: h.self.summary.namespace,
      } as ResourceSummary),
    );
  }
  return out;
}
