#!/usr/bin/env node
// The `slipway` command.
import { parseArgs, ParseArgsConfig } from 'util';
import * as fs from 'fs';
import * as path from 'path';
import { repairStore, RUNTIME_CHOICES, RuntimeChoice, startCluster } from '../cluster/embeddedCluster';
import { loadManifestDir } from './manifests';

const HELP: Record<string, string> = {
  '': `Usage: slipway <command> [options]

Commands:
  up          Deploy a folder of a git repository and keep it in sync (embedded cluster or --kubeconfig)
  status      Show the Application's sync and health state, resources and latest history
  diff        Show what a sync would change (exit 0 in sync, 1 differences, 2 errors)
  sync        Apply the branch tip (or --revision) now and wait for the outcome
  history     List what was deployed: ID, revision, result, health, trigger, commit
  rollback    Deploy what a history entry deployed (pins the app until \`slipway resume\`; --git commits a revert)
  resume      End a rollback's pin: automated sync follows the branch again
  refresh     Fetch the repository now and compare it with the cluster again
  logs        Show container logs of a pod, or of every pod of deploy/, sts/, ds/, rs/ or job/NAME
  install     Install the Application CustomResourceDefinition into a cluster
  cluster     Run the embedded Kubernetes-compatible cluster

Commands other than up and cluster find their cluster as --kubeconfig FILE [--context C], else the kubeconfig
\`slipway up\` wrote in --state DIR (default .slipway), else KUBECONFIG; and work on the one Application there
unless --app NAME [--namespace NS] picks another.

Run 'slipway <command> --help' for a command's options.`,
  cluster: `Usage: slipway cluster [--state DIR] [--port N] [--nodes N] [--max-pods N] [--runtime R] [--apply PATH]
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
  --apply PATH   server-side apply the manifests under PATH once the cluster is up
  --repair-store cut the store's log at a damaged record the cluster refuses to start with, keeping a copy
                 of the segment; says which records are dropped, then exits
  -h, --help     show this help`,
  up: `Usage: slipway up [PATH] [options]

Starts the embedded cluster (or uses a real one with --kubeconfig), creates an Application for the folder PATH
(default .) of the git repository around it, and keeps it in sync with the current branch: every commit is
validated, applied and health-checked; progress is printed until SIGINT.

Options:
  --state DIR            state folder (cluster store, kubeconfig, clones); default .slipway
  --port N               API server port on 127.0.0.1; 0 picks a free one (default 0)
  --nodes N              nodes (default 3)
  --runtime R            auto, container or simulated, as for \`slipway cluster\` (default auto)
  --kubeconfig FILE      use this cluster instead of the embedded one
  --context C            kubeconfig context
  --app NAME             Application name (default: the folder's name)
  --namespace NS         namespace of the Application object (default default)
  --dest-namespace NS    namespace for manifests that name none (default: the Application's)
  --no-prune             keep resources removed from git
  --no-self-heal         report live changes as OutOfSync instead of reverting them
  --auto-rollback        roll back to the last Healthy revision when a sync leaves the app Degraded
  --manual               do not sync new commits by themselves (use \`slipway sync\`)
  --allow-remote-bases   let kustomizations fetch remote bases (URLs, git addresses); default: only paths
                         inside the repository
  --render-timeout S     stop rendering a kustomization after S seconds (default 60)
  -h, --help             show this help`,
};

function fail(message: string, code = 2): never {
  process.stderr.write(`slipway: ${message}\n`);
  process.exit(code);
}

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

async function cluster(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      state: { type: 'string', default: '.slipway' },
      port: { type: 'string', default: '0' },
      nodes: { type: 'string', default: '3' },
      'max-pods': { type: 'string', default: '110' },
      runtime: { type: 'string' },
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
  const runtime = runtimeOption(values.runtime);
  const c = await startCluster({
    stateDir: values.state!,
    port,
    nodes,
    maxPodsPerNode: maxPods,
    runtime,
    defaultRuntime: defaultRuntime(),
  }).catch((e: Error) => fail(e.message, 1));
  process.stdout.write(
    `Slipway cluster ready in ${Date.now() - started} ms\n  API server: ${c.url}\n  pods run on: ${c.runtime}\n  export KUBECONFIG=${c.kubeconfig}\n`,
  );
  stopOnSignals(c);
  if (values.apply) {
    const dir = path.resolve(values.apply);
    const manifests = loadManifestDir(dir);
    // the Kubernetes client library is large: load it only when something is to be applied
    const { kubeConfigClient, loadKubeConfig } = await import('../kubeclient/kubeConfig');
    const { kindRank } = await import('./plan');
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
    } catch (e: any) {
      process.stderr.write(`slipway: applying ${dir} failed: ${e.message}\n`);
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
      runtime: { type: 'string' },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      app: { type: 'string' },
      namespace: { type: 'string', default: 'default' },
      'dest-namespace': { type: 'string' },
      'no-prune': { type: 'boolean' },
      'no-self-heal': { type: 'boolean' },
      'auto-rollback': { type: 'boolean' },
      manual: { type: 'boolean' },
      'allow-remote-bases': { type: 'boolean' },
      'render-timeout': { type: 'string', default: '60' },
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
    runtime: runtimeOption(values.runtime),
    defaultRuntime: defaultRuntime(),
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
    renderTimeoutMs: intOption('render-timeout', values['render-timeout'], 1, 3600) * 1000,
    out: (line) => process.stdout.write(line + '\n'),
  });
  stopOnSignals(session);
}

type Values = Record<string, string | boolean | undefined>;

/** An option as parseArgs reads it, and its line in the command's help. */
interface OptionSpec {
  type: 'string' | 'boolean';
  short?: string;
  default?: string;
  /** the value's name in the help, as FILE in `--kubeconfig FILE` */
  arg?: string;
  help: string;
}
type Options = Record<string, OptionSpec>;

// where the cluster is
const CLUSTER_OPTIONS: Options = {
  state: { type: 'string', arg: 'DIR', help: 'state folder whose kubeconfig `slipway up` wrote (default .slipway)' },
  kubeconfig: { type: 'string', arg: 'FILE', help: 'use this kubeconfig instead' },
  context: { type: 'string', arg: 'C', help: 'kubeconfig context' },
};
// which Application there
const APPLICATION_OPTIONS: Options = {
  app: { type: 'string', arg: 'NAME', help: 'the Application (default: the only one there)' },
  namespace: {
    type: 'string',
    arg: 'NS',
    help: 'namespace of the Application object (default: all, or default with --app)',
  },
};
const HELP_OPTION: Options = { help: { type: 'boolean', short: 'h', help: 'show this help' } };
const OUTPUT: Options = { output: { type: 'string', short: 'o', arg: 'FORMAT', help: 'text (default) or json' } };
const TIMEOUT: Options = {
  timeout: { type: 'string', default: '120s', arg: 'DURATION', help: 'how long to wait for the syncer (default 120s)' },
};

interface CommandSpec {
  /** what follows `Usage: slipway COMMAND` */
  usage: string;
  /** what the command does, shown under the usage line */
  about: string;
  /** the command's own options, in the order its help lists them; --help comes last by itself */
  options: Options;
  /**
   * 'application' (the default): the command also takes the cluster and Application options, listed in a section
   * of their own; 'cluster': only the cluster options, listed first among its own
   */
  target?: 'application' | 'cluster';
  /** positional arguments: their names, all required */
  positionals?: string[];
  run(values: Values, positionals: string[]): Promise<number>;
}

/** The sections of a command's help, each a title and its options: together, every option the command takes. */
function optionSections(spec: CommandSpec): [string, Options][] {
  return spec.target === 'cluster'
    ? [['Options', { ...CLUSTER_OPTIONS, ...spec.options, ...HELP_OPTION }]]
    : [
        ['Options', { ...spec.options, ...HELP_OPTION }],
        ['Cluster and Application', { ...CLUSTER_OPTIONS, ...APPLICATION_OPTIONS }],
      ];
}

function commandHelp(cmd: string, spec: CommandSpec): string {
  const line = (name: string, o: OptionSpec) =>
    `  ${`${o.short ? `-${o.short}, ` : ''}--${name}${o.arg ? ` ${o.arg}` : ''}`.padEnd(23)}${o.help}`;
  const sections = optionSections(spec).map(
    ([title, options]) =>
      `${title}:\n${Object.entries(options)
        .map(([name, o]) => line(name, o))
        .join('\n')}`,
  );
  return [`Usage: slipway ${cmd} ${spec.usage}`, spec.about, ...sections].join('\n\n');
}

/** The command's options as parseArgs takes them. */
function parseConfig(spec: CommandSpec): NonNullable<ParseArgsConfig['options']> {
  const config: NonNullable<ParseArgsConfig['options']> = {};
  for (const [, options] of optionSections(spec)) {
    for (const [name, { type, short, default: value }] of Object.entries(options)) {
      config[name] = { type, ...(short ? { short } : {}), ...(value !== undefined ? { default: value } : {}) };
    }
  }
  return config;
}

function target(v: Values) {
  return {
    state: v.state as string | undefined,
    kubeconfig: v.kubeconfig as string | undefined,
    context: v.context as string | undefined,
    app: v.app as string | undefined,
    namespace: v.namespace as string | undefined,
  };
}

/** The Application and output format of a command that shows something. */
async function viewOptions(v: Values) {
  const { outputFormat } = await import('./commands/output');
  return { ...target(v), output: outputFormat(v.output as string | undefined) };
}

/** The Application, output format and timeout of a command that asks the syncer for an operation. */
async function operationOptions(v: Values) {
  const { parseDuration } = await import('./commands/output');
  return { ...(await viewOptions(v)), timeoutMs: parseDuration('timeout', v.timeout as string) * 1000 };
}

const COMMANDS: Record<string, CommandSpec> = {
  status: {
    usage: '[options]',
    about: `Shows the Application's state: sync status and revision, health, conditions (with file:line errors), each
resource, and the latest history entries. A pinned app (after \`slipway rollback\`) leads with a banner.`,
    options: {
      output: { ...OUTPUT.output, help: "text (default) or json (the Application's status)" },
      watch: { type: 'boolean', short: 'w', help: 'print again whenever the state changes, until Ctrl-C' },
    },
    async run(v) {
      const [{ status }, { processIO }] = await Promise.all([import('./commands/status'), import('./commands/output')]);
      return status({ ...(await viewOptions(v)), watch: !!v.watch }, processIO);
    },
  },
  diff: {
    usage: '[options]',
    about: `Compares the app's target revision (its pinned revision, else the branch tip) with the live objects: one unified
diff per resource that a sync would change, create or prune; Secret values are masked.
Exit status: 0 in sync, 1 differences found, 2 errors (invalid manifests are listed with file:line).`,
    options: OUTPUT,
    async run(v) {
      const [{ diff }, { processIO }] = await Promise.all([import('./commands/diff'), import('./commands/output')]);
      return diff(await viewOptions(v), processIO);
    },
  },
  sync: {
    usage: '[--revision SHA] [options]',
    about: `Asks the syncer to apply the branch tip now (the pinned revision when pinned, or --revision) and waits for the
outcome. Exit status 1 when the sync failed.`,
    options: {
      revision: { type: 'string', arg: 'SHA', help: 'a commit of the branch, or the start of one in the history' },
      ...TIMEOUT,
      ...OUTPUT,
    },
    async run(v) {
      const [{ sync }, { processIO }] = await Promise.all([import('./commands/sync'), import('./commands/output')]);
      return sync({ ...(await operationOptions(v)), revision: v.revision as string | undefined }, processIO);
    },
  },
  history: {
    usage: '[options]',
    about: `Lists the history entries: ID, revision, start time, result, health, trigger and the commit's subject and author.
* marks the entry that is live, P the one the app is pinned to.`,
    options: OUTPUT,
    async run(v) {
      const [{ history }, { processIO }] = await Promise.all([
        import('./commands/history'),
        import('./commands/output'),
      ]);
      return history(await viewOptions(v), processIO);
    },
  },
  rollback: {
    usage: 'ID [--git] [options]',
    about: `Deploys what history entry ID (see \`slipway history\`) deployed, and waits for the outcome.
Without --git the app is PINNED there: automated sync is paused, and new commits are not deployed until
\`slipway resume\`. With --git a revert commit on the branch restores that revision, and sync goes on.`,
    options: {
      git: { type: 'boolean', help: 'commit the revert to the branch instead of pinning' },
      ...TIMEOUT,
      ...OUTPUT,
    },
    positionals: ['ID'],
    async run(v, [id]) {
      const [{ rollback }, { processIO }] = await Promise.all([
        import('./commands/rollback'),
        import('./commands/output'),
      ]);
      return rollback({ ...(await operationOptions(v)), id, git: !!v.git }, processIO);
    },
  },
  resume: {
    usage: '[options]',
    about: `Ends the pin a rollback left: automated sync follows the branch again and deploys its tip. Waits for the outcome.`,
    options: { ...TIMEOUT, ...OUTPUT },
    async run(v) {
      const [{ resume }, { processIO }] = await Promise.all([import('./commands/resume'), import('./commands/output')]);
      return resume(await operationOptions(v), processIO);
    },
  },
  refresh: {
    usage: '[options]',
    about: `Asks the syncer to fetch the repository now (for a remote) and compare the branch with the cluster again.`,
    options: { ...TIMEOUT, ...OUTPUT },
    async run(v) {
      const [{ refresh }, { processIO }] = await Promise.all([
        import('./commands/refresh'),
        import('./commands/output'),
      ]);
      return refresh(await operationOptions(v), processIO);
    },
  },
  logs: {
    usage: 'POD|TYPE/NAME [-f] [--container C] [--tail N] [options]',
    about: `Prints container logs through the API (pods/log). TYPE/NAME is deploy/, sts/, ds/, rs/ or job/NAME: every pod
it selects is shown, each line prefixed with [pod/NAME]. The namespace is the one the Application deployed it to.`,
    options: {
      follow: {
        type: 'boolean',
        short: 'f',
        help: 'keep streaming; pods a workload starts later join in (until Ctrl-C)',
      },
      container: {
        type: 'string',
        short: 'c',
        arg: 'C',
        help: 'only this container (default: every container of each pod)',
      },
      tail: { type: 'string', arg: 'N', help: 'only the last N lines of each container' },
    },
    positionals: ['POD|TYPE/NAME'],
    async run(v, [what]) {
      const [{ logs }, { processIO }] = await Promise.all([import('./commands/logs'), import('./commands/output')]);
      const tail = v.tail === undefined ? undefined : intOption('tail', v.tail as string, 0, 10_000_000);
      return logs(
        { ...target(v), target: what, follow: !!v.follow, container: v.container as string | undefined, tail },
        processIO,
      );
    },
  },
  install: {
    usage: '[options]',
    about: `Installs (server-side apply, field manager slipway-cli) the CustomResourceDefinition applications.slipway.dev
into the cluster, waits until it is Established, and says how to create an Application. Safe to run again.`,
    target: 'cluster',
    options: { timeout: { ...TIMEOUT.timeout, help: 'how long to wait for Established (default 120s)' } },
    async run(v) {
      const [{ install }, { parseDuration, processIO }] = await Promise.all([
        import('./commands/install'),
        import('./commands/output'),
      ]);
      return install({ ...target(v), timeoutMs: parseDuration('timeout', v.timeout as string) * 1000 }, processIO);
    },
  },
};

/** Parses a command's options, runs it, and exits with its code once the output is written. */
async function runCommand(cmd: string, argv: string[]): Promise<void> {
  const spec = COMMANDS[cmd];
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options: parseConfig(spec), allowPositionals: true, strict: true });
  } catch (e) {
    fail(`${(e as Error).message}\nSee \`slipway ${cmd} --help\`.`);
  }
  const values = parsed.values as Values;
  const { positionals } = parsed;
  if (values.help) {
    process.stdout.write(commandHelp(cmd, spec) + '\n');
    return;
  }
  const want = spec.positionals ?? [];
  if (positionals.length !== want.length) {
    fail(
      positionals.length < want.length
        ? `${cmd} needs ${want.slice(positionals.length).join(' ')}; see \`slipway ${cmd} --help\``
        : `${cmd} takes ${want.length ? want.join(' ') : 'no arguments'}, got ${positionals.join(' ')}; see \`slipway ${cmd} --help\``,
    );
  }
  let code: number;
  try {
    code = await spec.run(values, positionals);
  } catch (e: any) {
    // the embedded cluster lives only as long as `slipway up` (or `slipway cluster`) runs
    if (e?.constructor?.name === 'KubeApiError' && e.reason === 'Unreachable') {
      fail(`${e.message}\nIs the cluster running? \`slipway up\` starts the embedded one with its syncer.`, 2);
    }
    throw e;
  }
  // open keep-alive sockets or a watch must not hold the process: leave once stdout is flushed
  process.stdout.write('', () => process.exit(code));
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
      if (cmd in COMMANDS) return runCommand(cmd, rest);
      fail(`unknown command "${cmd}"\n\n${HELP['']}`);
  }
}

/** The exit code for an error: a CommandError's own; 2 for usage errors; else 1. */
function exitCodeOf(e: any): number {
  const name = e?.constructor?.name;
  if (name === 'CommandError' && typeof e.code === 'number') return e.code;
  return name === 'UsageError' ? 2 : 1;
}

main().catch((e) => fail(e?.message ?? String(e), exitCodeOf(e)));
