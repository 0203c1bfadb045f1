#!/usr/bin/env node
// The `slipway` command.
import { parseArgs } from 'util';
import * as path from 'path';
import { startCluster } from '../cluster/embeddedCluster';
import { loadManifestDir } from './manifests';

const HELP: Record<string, string> = {
  '': `Usage: slipway <command> [options]

Commands:
  up          Deploy a folder of a git repository and keep it in sync (embedded cluster or --kubeconfig)
  cluster     Run the embedded Kubernetes-compatible cluster

Run 'slipway <command> --help' for a command's options.`,
  cluster: `Usage: slipway cluster [--state DIR] [--port N] [--nodes N] [--max-pods N] [--apply PATH]

Runs the embedded cluster (store, API server, controllers and simulated nodes) until SIGINT or SIGTERM.

Options:
  --state DIR    state folder (store, certificates, token, kubeconfig); default .slipway
  --port N       HTTPS port on 127.0.0.1; 0 picks a free one (default 0)
  --nodes N      simulated nodes, each with a kubelet (default 3)
  --max-pods N   pods each node admits, as the kubelet's --max-pods (default 110)
  --apply PATH   server-side apply the manifests under PATH once the cluster is up
  -h, --help     show this help`,
  up: `Usage: slipway up [PATH] [options]

Starts the embedded cluster (or uses a real one with --kubeconfig), creates an Application for the folder PATH
(default .) of the git repository around it, and keeps it in sync with the current branch: every commit is
validated, applied and health-checked; progress is printed until SIGINT.

Options:
  --state DIR            state folder (cluster store, kubeconfig, clones); default .slipway
  --port N               API server port on 127.0.0.1; 0 picks a free one (default 0)
  --nodes N              simulated nodes (default 3)
  --kubeconfig FILE      use this cluster instead of the embedded one
  --context C            kubeconfig context
  --app NAME             Application name (default: the folder's name)
  --namespace NS         namespace of the Application object (default default)
  --dest-namespace NS    namespace for manifests that name none (default: the Application's)
  --no-prune             keep resources removed from git
  --no-self-heal         report live changes as OutOfSync instead of reverting them
  --auto-rollback        roll back to the last Healthy revision when a sync leaves the app Degraded
  --manual               do not sync new commits by themselves (use \`slipway sync\`)
  -h, --help             show this help`,
};

function fail(message: string, code = 2): never {
  process.stderr.write(`slipway: ${message}\n`);
  process.exit(code);
}

async function cluster(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: { state: { type: 'string', default: '.slipway' }, port: { type: 'string', default: '0' }, nodes: { type: 'string', default: '3' }, 'max-pods': { type: 'string', default: '110' }, apply: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP.cluster + '\n');
    return;
  }
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) fail(`--port must be a number from 0 to 65535, got ${values.port}`);
  const nodes = Number(values.nodes);
  if (!Number.isInteger(nodes) || nodes < 0 || nodes > 250) fail(`--nodes must be a number from 0 to 250, got ${values.nodes}`);
  const maxPods = Number(values['max-pods']);
  if (!Number.isInteger(maxPods) || maxPods < 1 || maxPods > 60000) fail(`--max-pods must be a number from 1 to 60000, got ${values['max-pods']}`);
  const started = Date.now();
  const c = await startCluster({ stateDir: values.state!, port, nodes, maxPodsPerNode: maxPods });
  process.stdout.write(`Slipway cluster ready in ${Date.now() - started} ms\n  API server: ${c.url}\n  export KUBECONFIG=${c.kubeconfig}\n`);
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await c.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
  if (values.apply) {
    const dir = path.resolve(values.apply);
    const manifests = loadManifestDir(dir);
    // the Kubernetes client library is large: load it only when something is to be applied
    const { loadKubeConfig, serverSideApply } = await import('./kubeClient');
    const kc = loadKubeConfig(c.kubeconfig);
    // namespaces first so namespaced objects have somewhere to go
    const ordered = [...manifests].sort((a, b) => Number(b.object.kind === 'Namespace') - Number(a.object.kind === 'Namespace'));
    try {
      const applied = await serverSideApply(kc, ordered.map((m) => m.object));
      for (const o of applied) process.stdout.write(`  applied ${o.kind}/${o.metadata.name}${o.metadata.namespace ? ` in ${o.metadata.namespace}` : ''}\n`);
    } catch (e: any) {
      process.stderr.write(`slipway: applying ${dir} failed: ${e.body?.message ?? e.message}\n`);
    }
  }
}

function intOption(name: string, v: string | undefined, min: number, max: number): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < min || n > max) fail(`--${name} must be a number from ${min} to ${max}, got ${v}`);
  return n;
}

async function upCommand(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      state: { type: 'string', default: '.slipway' },
      port: { type: 'string', default: '0' },
      nodes: { type: 'string', default: '3' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      app: { type: 'string' },
      namespace: { type: 'string', default: 'default' },
      'dest-namespace': { type: 'string' },
      'no-prune': { type: 'boolean' },
      'no-self-heal': { type: 'boolean' },
      'auto-rollback': { type: 'boolean' },
      manual: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(HELP.up + '\n');
    return;
  }
  if (positionals.length > 1) fail(`up takes one PATH, got ${positionals.join(' ')}`);
  const { up } = await import('./commands/up');
  const session = await up({
    path: positionals[0] ?? '.',
    state: values.state!,
    port: intOption('port', values.port, 0, 65535),
    nodes: intOption('nodes', values.nodes, 0, 250),
    kubeconfig: values.kubeconfig,
    context: values.context,
    app: values.app,
    namespace: values.namespace!,
    destination: values['dest-namespace'],
    prune: !values['no-prune'],
    selfHeal: !values['no-self-heal'],
    autoRollback: !!values['auto-rollback'],
    automated: !values.manual,
    out: (line) => process.stdout.write(line + '\n'),
  });
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`${signal}: shutting down\n`);
    await session.stop();
    process.exit(0);
  };
  process.on('SIGINT', () => void stop('SIGINT'));
  process.on('SIGTERM', () => void stop('SIGTERM'));
}

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP[''] + '\n');
    return;
  }
  switch (cmd) {
    case 'cluster':
      return cluster(rest);
    case 'up':
      return upCommand(rest);
    default:
      fail(`unknown command "${cmd}"\n\n${HELP['']}`);
  }
}

main().catch((e) => fail(e?.message ?? String(e), e?.constructor?.name === 'UsageError' ? 2 : 1));
