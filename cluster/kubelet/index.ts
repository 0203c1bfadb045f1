// The embedded cluster's nodes: for each, a container runtime, a kubelet and the agent that keeps the
// Node and its Lease fresh. Kubelets share the process's pods informer; its events are routed to the
// kubelet of the pod's node.
import type { Service } from 'kubernetes-types/core/v1';
import type { Node } from '../controllers/kit/objects';
import { KubeApiError } from '../../kubeclient/apiError';
import { ControllerContext } from '../controllers/controllerContext';
import type { ResourceMetrics } from '../metrics/resourceMetrics';
import { LogRotation, RuntimeFactory } from '../runtime';
import { LimitedRecorder } from './eventLimiter';
import { Kubelet, Pod } from './kubelet';
import { PodInputs } from './podInputs';
import { policyFilterSetup } from './podNetworkSetup';
import { PodPolicies } from '../network/podPolicies';
import { NodeAgent } from './nodeAgent';
import { nodeCapacity, nodeIdentity, nodeIndex, nodeLabels } from './nodeObject';
import { parseQuantity } from './resources';
import { StatusWriter } from './statusWriter';
import { CLUSTER_DOMAIN } from '../dns/clusterDns';
import { KUBE_DNS_SERVICE_IP } from '../controllers/kubeDnsServiceController';

/** what a simulated pod's resolv.conf would name: the kube-dns Service, as in a cluster whose pods reach it */
const SIMULATED_DNS = KUBE_DNS_SERVICE_IP;
import { podStreamer, type PodStreamer } from './streaming';

export { nodeName, NODE_CAPACITY, KUBELET_VERSION } from './nodeObject';
export { SIM_PREFIX, ANNOTATION_KEYS } from '../runtime/simulation';

export interface NodesOptions {
  count: number;
  /** where container logs go (the API server's pods/log reads them) */
  logsDir: string;
  /** the pods' own folders (configMap, secret and emptyDir volumes), for a runtime that runs processes */
  podsDir: string;
  /** pods per node (allocatable "pods"); 110 as in Kubernetes */
  maxPods?: number;
  /** the runtime each node runs its pods on */
  runtime: RuntimeFactory;
  /** where each node's containers' usage is read from (metrics.k8s.io) */
  metrics?: ResourceMetrics;
  /** the cluster DNS's address the pods reach (port 53); none: the pods use the engine's DNS */
  clusterDNS?: string;
  /** when container log files are rotated (the kubelet's containerLogMaxSize and containerLogMaxFiles) */
  logRotation?: LogRotation;
}

export interface RunningNodes {
  names: string[];
  /** resolves once the kubelets have seen every pod bound to them */
  ready: Promise<void>;
  /** exec, attach and port-forward to the pods' containers, for the API server */
  streamer: PodStreamer;
  stop(): Promise<void>;
}

export async function startNodes(ctx: ControllerContext, opts: NodesOptions): Promise<RunningNodes> {
  const count = Math.max(0, Math.floor(opts.count));
  const maxPods = opts.maxPods ?? 110;
  await removeStaleNodes(ctx, count);
  const podsInformer = ctx.informers.pods();
  const servicesInformer = ctx.informers.get('', 'services');
  // a container started before the cache is filled would miss the variables of Services that exist
  const services = async () => {
    await servicesInformer.waitForSync();
    return servicesInformer.list() as Service[];
  };
  const statusWriter = new StatusWriter(ctx.client, (w) =>
    podsInformer.get(w.pod.metadata.namespace, w.pod.metadata.name),
  );
  // each new pod's NetworkPolicy filter is in place before its containers start, where the cluster filters the pods
  const firewall = ctx.podNetwork.podFirewall;
  const network = firewall && policyFilterSetup(firewall, new PodPolicies(ctx.informers));
  const kubelets = new Map<string, Kubelet>();
  const agents: NodeAgent[] = [];
  const recorders: LimitedRecorder[] = [];
  for (let i = 0; i < count; i++) {
    const named = nodeIdentity(i, maxPods);
    const runtime = await opts.runtime.create({
      node: named.name,
      podCIDR: named.podCIDR,
      clock: ctx.clock,
      logRotation: opts.logRotation,
    });
    const id = { ...named, host: runtime.host };
    opts.metrics?.addNode(id.name, runtime);
    const events = new LimitedRecorder(ctx.recorder('kubelet', id.name), ctx.clock);
    recorders.push(events);
    const allocatable = Object.fromEntries(Object.entries(nodeCapacity(id)).map(([k, v]) => [k, parseQuantity(v)]));
    kubelets.set(
      id.name,
      new Kubelet({
        node: id.name,
        hostIP: id.internalIP,
        logsDir: opts.logsDir,
        clock: ctx.clock,
        runtime,
        inputs: runtime.runsProcesses ? new PodInputs(ctx.client, opts.podsDir, services) : undefined,
        // only a runtime whose pods resolve names needs a cluster DNS; no fallback warning for simulated ones
        dns: { server: runtime.runsProcesses ? opts.clusterDNS : SIMULATED_DNS, domain: CLUSTER_DOMAIN },
        network,
        events,
        statusWriter,
        allocatable,
        labels: () => ctx.informers.nodes().get(undefined, id.name)?.metadata?.labels ?? nodeLabels(id),
        reject: (pod, reason, message) => {
          const path = `/api/v1/namespaces/${encodeURIComponent(pod.metadata.namespace)}/pods/${encodeURIComponent(pod.metadata.name)}/status`;
          void ctx.client.patch(path, { status: { phase: 'Failed', reason, message } }, 'merge').catch(() => undefined);
        },
      }),
    );
    agents.push(new NodeAgent(ctx.client, ctx.clock, id, `${runtime.name}://${runtime.version}`, events));
  }
  await Promise.all(agents.map((a) => a.start()));

  const route = (pod: Pod | undefined) => (pod?.spec?.nodeName ? kubelets.get(pod.spec.nodeName) : undefined);
  podsInformer.on({
    add: (pod) => route(pod)?.podSeen(pod),
    update: (pod) => route(pod)?.podSeen(pod),
    delete: (pod) => route(pod)?.podGone(pod),
  });
  // handlers see only what comes after them: hand over the pods the shared cache already holds
  for (const pod of podsInformer.list()) route(pod)?.podSeen(pod);
  return {
    names: [...kubelets.keys()],
    ready: podsInformer.waitForSync(),
    streamer: podStreamer(kubelets),
    async stop() {
      for (const a of agents) a.stop();
      await Promise.all([...kubelets.values()].map((k) => k.stop()));
      for (const r of recorders) r.stop();
      statusWriter.stop();
    },
  };
}

/**
 * Nodes of ours beyond the count asked for (a restart with fewer nodes) leave the cluster, and so do the
 * pods bound to them, as the pod garbage collector removes pods of nodes that no longer exist.
 */
async function removeStaleNodes(ctx: ControllerContext, count: number): Promise<void> {
  const ignoreGone = (e: unknown) => {
    if (!(e instanceof KubeApiError && e.status === 404)) throw e;
  };
  const list = await ctx.client.list('/api/v1/nodes');
  const stale = (list.items ?? [])
    .filter((n: Node) => (nodeIndex(n.metadata.name) ?? -1) >= count)
    .map((n: Node) => n.metadata.name);
  await Promise.all(
    stale.map(async (name: string) => {
      await ctx.client.delete(`/api/v1/nodes/${encodeURIComponent(name)}`).catch(ignoreGone);
      const pods = await ctx.client.list('/api/v1/pods', { fieldSelector: `spec.nodeName=${name}` });
      await Promise.all(
        (pods.items ?? []).map((p: Pod) =>
          ctx.client
            .delete(
              `/api/v1/namespaces/${encodeURIComponent(p.metadata.namespace)}/pods/${encodeURIComponent(p.metadata.name)}`,
              { gracePeriodSeconds: 0, preconditions: { uid: p.metadata.uid } },
            )
            .catch(ignoreGone),
        ),
      );
    }),
  );
}
