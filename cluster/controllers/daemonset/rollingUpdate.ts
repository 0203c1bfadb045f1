// A DaemonSet's rolling update (Kubernetes' daemonset update.go, rollingUpdate): node by node, either old
// pods deleted within maxUnavailable (their replacements are then created as missing pods) or, with maxSurge,
// a new pod started beside an old one and the old one deleted once the new one is available.
import { scaledValue } from '../kit/intOrPercent';
import type { DaemonSet, Node, Pod } from '../kit/objects';
import { isPodAvailable } from '../kit/podReadiness';
import { isUpdated, nodeToPods } from './daemonPods';
import { nodeShouldRunDaemonPod } from './placement';

/** How many nodes want a pod and the scaled maxUnavailable and maxSurge; adds an empty list for each such node. */
function desiredCounts(ds: DaemonSet, nodes: Node[], byNode: Map<string, Pod[]>) {
  let desired = 0;
  for (const n of nodes) {
    if (!nodeShouldRunDaemonPod(n, ds).shouldRun) continue;
    desired++;
    if (!byNode.has(n.metadata.name)) byNode.set(n.metadata.name, []);
  }
  const ru = ds.spec.updateStrategy?.rollingUpdate ?? {};
  let maxUnavailable = scaledValue(ru.maxUnavailable ?? 1, desired, true);
  const maxSurge = scaledValue(ru.maxSurge ?? 0, desired, true);
  // both zero cannot make progress: behave as maxUnavailable 1
  if (desired > 0 && maxUnavailable === 0 && maxSurge === 0) maxUnavailable = 1;
  return { desired, maxUnavailable, maxSurge };
}

/** The one new and one old pod on a node (terminating ones aside); ok false when there are more. */
function updatedPodsOnNode(ds: DaemonSet, pods: Pod[], hash: string): { newPod?: Pod; oldPod?: Pod; ok: boolean } {
  let newPod: Pod | undefined;
  let oldPod: Pod | undefined;
  for (const p of pods) {
    if (p.metadata.deletionTimestamp) continue;
    if (isUpdated(ds, p, hash)) {
      if (newPod) return { ok: false };
      newPod = p;
    } else {
      if (oldPod) return { ok: false };
      oldPod = p;
    }
  }
  return { newPod, oldPod, ok: true };
}

/** The pods to delete and the nodes to start a new pod on in this step of the rollout. */
export function rollingUpdateStep(
  ds: DaemonSet,
  nodes: Node[],
  pods: Pod[],
  hash: string,
  now: number,
): { remove: Pod[]; create: string[] } {
  const byNode = nodeToPods(pods, false);
  const { maxUnavailable, maxSurge } = desiredCounts(ds, nodes, byNode);
  const minReady = ds.spec.minReadySeconds ?? 0;
  const podNames = new Map(pods.map((p) => [p.metadata.name, p]));
  const toPods = (names: string[]) => names.map((n) => podNames.get(n)!).filter(Boolean);
  const nodeOrder = [...byNode].sort(([a], [b]) => a.localeCompare(b));

  if (maxSurge === 0) {
    // delete just enough old pods to stay within maxUnavailable; the missing pods are created next pass
    let unavailable = 0;
    const replaceNow: string[] = [];
    const candidates: string[] = [];
    for (const [, list] of nodeOrder) {
      const { newPod, oldPod, ok } = updatedPodsOnNode(ds, list, hash);
      if (!ok) {
        unavailable++;
        continue;
      }
      if ((!oldPod && !newPod) || (oldPod && newPod)) {
        unavailable++;
      } else if (newPod) {
        if (!isPodAvailable(newPod, minReady, now)) unavailable++;
      } else if (oldPod) {
        if (!isPodAvailable(oldPod, minReady, now)) replaceNow.push(oldPod.metadata.name);
        else if (unavailable < maxUnavailable) candidates.push(oldPod.metadata.name);
      }
    }
    const room = Math.max(0, Math.min(maxUnavailable - unavailable, candidates.length));
    return { remove: toPods([...replaceNow, ...candidates.slice(0, room)]), create: [] };
  }

  // surge: start a new pod beside an old one, delete the old one once the new one is available
  const deleteOld: string[] = [];
  const deleteMisplaced: string[] = [];
  const candidateNodes: string[] = [];
  const allowedNodes: string[] = [];
  let surging = 0;
  const nodeByName = new Map(nodes.map((n) => [n.metadata.name, n]));
  for (const [nodeName, list] of nodeOrder) {
    const { newPod, oldPod, ok } = updatedPodsOnNode(ds, list, hash);
    if (!ok) {
      surging++;
      continue;
    }
    if (!oldPod) continue;
    if (!newPod) {
      if (!isPodAvailable(oldPod, minReady, now)) {
        const node = nodeByName.get(nodeName);
        if (!node || !nodeShouldRunDaemonPod(node, ds).shouldRun) {
          deleteMisplaced.push(oldPod.metadata.name);
          continue;
        }
        allowedNodes.push(nodeName);
      } else if (surging < maxSurge) {
        candidateNodes.push(nodeName);
      }
    } else if (!isPodAvailable(newPod, minReady, now)) {
      surging++;
    } else {
      deleteOld.push(oldPod.metadata.name);
    }
  }
  const room = Math.max(0, Math.min(maxSurge - surging, candidateNodes.length));
  return {
    remove: toPods([...deleteOld, ...deleteMisplaced]),
    create: [...allowedNodes, ...candidateNodes.slice(0, room)],
  };
}
