#!/usr/bin/env node
// The `slipway` command.
import { parseArgs } from 'util';
import * as path from 'path';
import { startCluster } from '../cluster/embeddedCluster';
import { loadManifestDir } from './manifests';

const HELP: Record<string, string> = {
  '': `Usage: slipway <command> [options]

Commands:
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

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP[''] + '\n');
    return;
  }
  switch (cmd) {
    case 'cluster':
      return cluster(rest);
    default:
      fail(`unknown command "${cmd}"\n\n${HELP['']}`);
  }
}

main().catch((e) => fail(e?.message ?? String(e), 1));
