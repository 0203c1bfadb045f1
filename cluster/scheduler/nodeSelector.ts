// Node selectors: spec.nodeSelector and node affinity's nodeSelectorTerms (matchExpressions on labels,
// matchFields on metadata.name), with the operators In, NotIn, Exists, DoesNotExist, Gt and Lt.
import type { Node, Pod } from 'kubernetes-types/core/v1';

export interface NodeSelectorRequirement {
  key: string;
  operator: string;
  values?: string[];
}

export interface NodeSelectorTerm {
  matchExpressions?: NodeSelectorRequirement[];
  matchFields?: NodeSelectorRequirement[];
}

const INTEGER = /^[-+]?\d+$/;

function requirementMatches(r: NodeSelectorRequirement, values: Record<string, string>): boolean {
  const has = Object.prototype.hasOwnProperty.call(values, r.key);
  const v = values[r.key];
  const vals = r.values ?? [];
  switch (r.operator) {
    case 'In':
      return has && vals.includes(v);
    case 'NotIn':
      return !has || !vals.includes(v);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
    case 'Gt':
    case 'Lt': {
      // one integer value is required; a label that is not an integer does not match
      if (!has || vals.length !== 1 || !INTEGER.test(vals[0]) || !INTEGER.test(v)) return false;
      const a = BigInt(v);
      const b = BigInt(vals[0]);
      return r.operator === 'Gt' ? a > b : a < b;
    }
    default:
      return false;
  }
}

/** A term matches when all its expressions and fields do; a term with neither matches nothing. */
export function termMatchesNode(term: NodeSelectorTerm, node: Node | undefined): boolean {
  const exprs = term.matchExpressions ?? [];
  const fields = term.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return false;
  const labels = node?.metadata?.labels ?? {};
  for (const r of exprs) if (!requirementMatches(r, labels)) return false;
  const fieldValues = { 'metadata.name': node?.metadata?.name ?? '' };
  for (const r of fields) {
    // only metadata.name is a valid field, and only with In and NotIn
    if (r.key !== 'metadata.name' || (r.operator !== 'In' && r.operator !== 'NotIn')) return false;
    if (!requirementMatches(r, fieldValues)) return false;
  }
  return true;
}

/** Terms are ORed. */
export function termsMatchNode(terms: readonly NodeSelectorTerm[], node: Node | undefined): boolean {
  return terms.some((t) => termMatchesNode(t, node));
}

/** spec.nodeSelector and required node affinity both have to hold. */
export function podMatchesNodeSelectorAndAffinity(pod: Pod | undefined, node: Node | undefined): boolean {
  const sel: Record<string, string> = pod?.spec?.nodeSelector ?? {};
  const labels = node?.metadata?.labels ?? {};
  for (const [k, v] of Object.entries(sel)) if (labels[k] !== v) return false;
  const required = pod?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
  if (required && !termsMatchNode(required.nodeSelectorTerms ?? [], node)) return false;
  return true;
}

/**
 * The node names required affinity restricts a pod to through matchFields metadata.name In (Kubernetes
 * narrows the nodes to look at in NodeAffinity's PreFilter; DaemonSet pods use this): undefined when any
 * term leaves every node possible, an empty set when the terms contradict each other.
 */
export function requiredNodeNames(pod: Pod | undefined): Set<string> | undefined {
  const terms: NodeSelectorTerm[] | undefined =
    pod?.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution?.nodeSelectorTerms;
  if (!terms || terms.length === 0) return undefined;
  let names: Set<string> | undefined;
  for (const t of terms) {
    let termNames: Set<string> | undefined;
    for (const r of t.matchFields ?? []) {
      if (r.key !== 'metadata.name' || r.operator !== 'In') continue;
      const s = new Set(r.values ?? []);
      termNames = termNames ? new Set([...termNames].filter((n) => s.has(n))) : s;
    }
    if (!termNames) return undefined;
    names = new Set([...(names ?? []), ...termNames]);
  }
  return names;
}
