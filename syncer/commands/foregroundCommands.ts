// The commands that run until stopped: `slipway cluster` (the embedded cluster alone, or repairing its store) and
// `slipway up` (the cluster, the syncer and a status printer in one process).
import { parseArgs } from 'util';
import * as fs from 'fs';
import * as path from 'path';
import { repairStore, RUNTIME_CHOICES, RuntimeChoice, startCluster } from '../../cluster/embeddedCluster';
import { DEFAULT_INGRESS_PORT, ingressLine } from './ingressUrls';
import { loadManifestDir } from '../manifests';
import { fail, intOption, sizeOption } from './cliArgs';

const HELP: Record<string, string> = {
  cluster: `Usage: slipway cluster [--state DIR] [--port N] [--nodes N] [--max-pods N] [--runtime R] [--ingress-port N]
                       [--ingress-tls-port N] [--container-log-max-size Q] [--container-log-max-files N]
                       [--apply PATH]
       slipway cluster [--state DIR] --repair-store

Runs the embedded cluster (store, API server, controllers and nodes) until SIGINT or SIGTERM.

Options:
  --state DIR    state folder (store, certificates, token, kubeconfig); default .slipway
  --port N       HTTPS port on 127.0.0.1; 0 picks a free one (default 0)
  --nodes N      nodes, each with a kubelet (default 3)
  --max-pods N   pods each node admits, as the kubelet's --max-pods (default 110)
  --runtime R    what pods run on: container (the machine's Docker or Podman engine: DOCKER_HOST, else the
                 usual sockets), simulated (no process runs), or auto: the engine when one answers, else
                 simulated. Kept in the state folder: a restart without it runs on the same (default:
                 SLIPWAY_RUNTIME, else auto)
  --ingress-port N
                 the ingress controller's HTTP port on 127.0.0.1; 0 picks a free one (default 8080 when
                 it is free, else no ingress listener, which start-up says)
  --ingress-tls-port N
                 also serve Ingresses over HTTPS on this port (0: a free one), with the certificates of their
                 spec.tls Secrets (default: no HTTPS listener)
  --container-log-max-size Q
                 a container's log file is rotated when it would grow past this size, as the kubelet's
                 containerLogMaxSize (default 10Mi)
  --container-log-max-files N
                 log files kept per container, the current one included (default 5, at least 2)
  --apply PATH   server-side apply the manifests under PATH once the cluster is up
  --repair-store cut the store's log at a damaged record the cluster refuses to start with, keeping a copy
                 of the segment; says which records are dropped, then exits
  -h, --help     show this help`,
  up: `Usage: slipway up [PATH] [options]

Starts the embedded cluster (or uses a real one with --kubeconfig), creates an Application for the folder PATH
(default .) of the git repository around it, and keeps it in sync with the current branch: every commit is
validated, applied and health-checked; progress is printed until SIGINT. With --apps DIR instead of PATH, one
Application per folder directly under DIR (a new folder gets one, a removed folder's app and resources go).

Options:
  --state DIR            state folder (cluster store, kubeconfig, clones); default .slipway
  --port N               API server port on 127.0.0.1; 0 picks a free one (default 0)
  --nodes N              nodes (default 3)
  --runtime R            auto, container or simulated, as for \`slipway cluster\` (default auto)
  --ingress-port N       the ingress controller's HTTP port, as for \`slipway cluster\` (default 8080 when free)
  --ingress-tls-port N   also serve Ingresses over HTTPS, as for \`slipway cluster\`
  --kubeconfig FILE      use this cluster instead of the embedded one
  --context C            kubeconfig context
  --apps DIR             one Application per folder of DIR, each deploying into the namespace of its name,
                         made by a parent Application named after DIR (--app names it)
  --app NAME             Application name (default: the folder's name)
  --namespace NS         namespace of the Application object (default default)
  --dest-namespace NS    namespace for manifests that name none (default: the Application's)
  --no-prune             keep resources removed from git
  --no-self-heal         report live changes as OutOfSync instead of reverting them
  --auto-rollback        roll back to the last Healthy revision when a sync leaves the app Degraded
  --manual               do not sync new commits by themselves (use \`slipway sync\`)
  --allow-remote-bases   let kustomizations fetch remote bases (URLs, git addresses); default: only paths
                         inside the repository
  --allow-remote-containers
                         let Applications whose source is a git URL run pods as containers on this
                         machine's engine (default: their workloads are refused with --runtime container)
  --render-timeout S     stop rendering a kustomization after S seconds (default 60)
  --recurse              read the folders under PATH too (default: PATH's own files, as Argo CD)
  -h, --help             show this help`,
};

async function repairClusterStore(stateDir: string): Promise<void> {
  const dir = path.join(stateDir, 'store');
  if (!fs.existsSync(dir)) fail(`${dir} does not exist: --state must name the state folder of a cluster`);
  const { plan, kept } = await repairStore(dir, (p) => {
    const first = p.firstDroppedRevision;
    const revisions = first === undefined ? '' : ` (revisions ${first}-${p.lastDroppedRevision})`;
    const later = p.laterSegments.length ? ` and setting aside ${p.laterSegments.length} later segment(s)` : '';
    process.stdout.write(
      `Cutting ${p.file} at byte ${p.offset}${later}: ` +
        `${p.droppedRecords} readable record(s) after the damage will be lost${revisions}.\n`,
    );
  });
  if (!plan) {
    process.stdout.write(`${dir}: the log is not damaged; nothing to repair.\n`);
    return;
  }
  process.stdout.write(`Kept a copy of what was cut: ${kept.join(', ')}\n`);
  process.stdout.write(`Start the cluster again with: slipway cluster --state ${stateDir}\n`);
}

export async function clusterCommand(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      state: { type: 'string', default: '.slipway' },
      port: { type: 'string', default: '0' },
      nodes: { type: 'string', default: '3' },
      'max-pods': { type: 'string', default: '110' },
      runtime: { type: 'string' },
      'ingress-port': { type: 'string' },
      'ingress-tls-port': { type: 'string' },
      'container-log-max-size': { type: 'string', default: '10Mi' },
      'container-log-max-files': { type: 'string', default: '5' },
      apply: { type: 'string' },
      'repair-store': { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP.cluster + '\n');
    return;
  }
  if (values['repair-store']) return repairClusterStore(values.state!);
  const port = intOption('port', values.port, 0, 65535);
  const nodes = intOption('nodes', values.nodes, 0, 250);
  const maxPods = intOption('max-pods', values['max-pods'], 1, 60000);
  const started = Date.now();
  const c = await startCluster({
    stateDir: values.state!,
    port,
    nodes,
    maxPodsPerNode: maxPods,
    containerLogMaxSize: sizeOption('container-log-max-size', values['container-log-max-size']!, 1024),
    containerLogMaxFiles: intOption('container-log-max-files', values['container-log-max-files'], 2, 1000),
    runtime: runtimeOption(values.runtime),
    defaultRuntime: defaultRuntime(),
    ...ingressOption(values['ingress-port'], values['ingress-tls-port']),
  }).catch((e: Error) => fail(e.message, 1));
  process.stdout.write(
    `Slipway cluster ready in ${Date.now() - started} ms\n  API server: ${c.url}\n  pods run on: ${c.runtime}\n` +
      `  ${ingressLine(c)}\n  cluster DNS: ${c.dns.description}\n  cluster IPs: ${c.clusterIPs.description}\n` +
      `  export KUBECONFIG=${c.kubeconfig}\n`,
  );
  stopOnSignals(c);
  if (values.apply) {
    const dir = path.resolve(values.apply);
    const manifests = loadManifestDir(dir);
    // the Kubernetes client library is large: load it only when something is to be applied
    const { kubeConfigClient, loadKubeConfig } = await import('../../kubeclient/kubeConfig');
    const { kindRank } = await import('../plan');
    const client = kubeConfigClient(loadKubeConfig(c.kubeconfig));
    // namespaces first so namespaced objects have somewhere to go, then the usual kind order
    const ordered = [...manifests].sort((a, b) => kindRank(a.object.kind) - kindRank(b.object.kind));
    try {
      for (const m of ordered) {
        const o = await client.apply(m.object, { fieldManager: 'slipway', force: true });
        process.stdout.write(
          `  applied ${o.kind}/${o.metadata.name}${o.metadata.namespace ? ` in ${o.metadata.namespace}` : ''}\n`,
        );
      }
    } catch (e) {
      process.stderr.write(`slipway: applying ${dir} failed: ${(e as Error).message}\n`);
    }
  }
}

/** Stops what runs on the first SIGINT or SIGTERM, then exits 0. */
function stopOnSignals(running: { stop(): Promise<void> }): void {
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await running.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

export async function upCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: 'string', default: '.slipway' },
      port: { type: 'string', default: '0' },
      nodes: { type: 'string', default: '3' },
      runtime: { type: 'string' },
      'ingress-port': { type: 'string' },
      'ingress-tls-port': { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      app: { type: 'string' },
      apps: { type: 'string' },
      namespace: { type: 'string', default: 'default' },
      'dest-namespace': { type: 'string' },
      'no-prune': { type: 'boolean' },
      'no-self-heal': { type: 'boolean' },
      'auto-rollback': { type: 'boolean' },
      manual: { type: 'boolean' },
      'allow-remote-bases': { type: 'boolean' },
      'allow-remote-containers': { type: 'boolean' },
      'render-timeout': { type: 'string', default: '60' },
      recurse: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP.up + '\n');
    return;
  }
  if (positionals.length > 1) fail(`up takes one PATH, got ${positionals.join(' ')}`);
  if (values.apps !== undefined && positionals.length) fail(`up takes PATH or --apps DIR, not both`);
  if (values.apps !== undefined && values['dest-namespace'] !== undefined)
    fail("--dest-namespace does not go with --apps: each folder's app deploys into the namespace of its name");
  const { up } = await import('./up');
  const session = await up({
    path: values.apps ?? positionals[0] ?? '.',
    appPerFolder: values.apps !== undefined,
    state: values.state!,
    port: intOption('port', values.port, 0, 65535),
    nodes: intOption('nodes', values.nodes, 0, 250),
    runtime: runtimeOption(values.runtime),
    defaultRuntime: defaultRuntime(),
    ...ingressOption(values['ingress-port'], values['ingress-tls-port']),
    kubeconfig: values.kubeconfig,
    context: values.context,
    app: values.app,
    namespace: values.namespace!,
    destination: values['dest-namespace'],
    prune: !values['no-prune'],
    selfHeal: !values['no-self-heal'],
    autoRollback: !!values['auto-rollback'],
    automated: !values.manual,
    allowRemoteBases: !!values['allow-remote-bases'],
    allowRemoteContainers: !!values['allow-remote-containers'],
    renderTimeoutMs: intOption('render-timeout', values['render-timeout'], 1, 3600) * 1000,
    recurse: !!values.recurse,
    out: (line) => process.stdout.write(line + '\n'),
  });
  stopOnSignals(session);
}

/** --ingress-port N must be free; without it 8080 is used when free, else the cluster runs without the listener */
function ingressOption(
  v: string | undefined,
  tls: string | undefined,
): { ingressPort: number; ingressPortOptional: boolean; ingressTlsPort?: number } {
  const ingressTlsPort = tls === undefined ? undefined : intOption('ingress-tls-port', tls, 0, 65535);
  if (v === undefined) return { ingressPort: DEFAULT_INGRESS_PORT, ingressPortOptional: true, ingressTlsPort };
  return { ingressPort: intOption('ingress-port', v, 0, 65535), ingressPortOptional: false, ingressTlsPort };
}

function runtimeOption(v: string | undefined): RuntimeChoice | undefined {
  if (v === undefined) return undefined;
  if (!(RUNTIME_CHOICES as readonly string[]).includes(v))
    fail(`--runtime must be one of ${RUNTIME_CHOICES.join(', ')}, got ${v}`);
  return v as RuntimeChoice;
}

/** SLIPWAY_RUNTIME, for a new cluster started without --runtime; else auto */
function defaultRuntime(): RuntimeChoice {
  const v = process.env.SLIPWAY_RUNTIME;
  if (!v) return 'auto';
  if (!(RUNTIME_CHOICES as readonly string[]).includes(v))
    fail(`SLIPWAY_RUNTIME must be one of ${RUNTIME_CHOICES.join(', ')}, got ${v}`);
  return v as RuntimeChoice;
}
