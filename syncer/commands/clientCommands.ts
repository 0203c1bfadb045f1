// The commands that are API clients of a running cluster (status, diff, sync, history, rollback, resume, refresh,
// logs, install): each declared once with its options, from which its help and its argument parsing are made.
import { parseArgs, ParseArgsConfig } from 'util';
import { fail, intOption } from './cliArgs';

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
  const { outputFormat } = await import('./output');
  return { ...target(v), output: outputFormat(v.output as string | undefined) };
}

/** The Application, output format and timeout of a command that asks the syncer for an operation. */
async function operationOptions(v: Values) {
  const { parseDuration } = await import('./output');
  return { ...(await viewOptions(v)), timeoutMs: parseDuration('timeout', v.timeout as string) * 1000 };
}

export const CLIENT_COMMANDS: Record<string, CommandSpec> = {
  status: {
    usage: '[options]',
    about: `Shows the Application's state: sync status and revision, health, conditions (with file:line errors), each
resource, and the latest history entries. A pinned app (after \`slipway rollback\`) leads with a banner.`,
    options: {
      output: { ...OUTPUT.output, help: "text (default) or json (the Application's status)" },
      watch: { type: 'boolean', short: 'w', help: 'print again whenever the state changes, until Ctrl-C' },
    },
    async run(v) {
      const [{ status }, { processIO }] = await Promise.all([import('./status'), import('./output')]);
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
      const [{ diff }, { processIO }] = await Promise.all([import('./diff'), import('./output')]);
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
      const [{ sync }, { processIO }] = await Promise.all([import('./sync'), import('./output')]);
      return sync({ ...(await operationOptions(v)), revision: v.revision as string | undefined }, processIO);
    },
  },
  history: {
    usage: '[options]',
    about: `Lists the history entries: ID, revision, start time, result, health, trigger and the commit's subject and author.
* marks the entry that is live, P the one the app is pinned to.`,
    options: OUTPUT,
    async run(v) {
      const [{ history }, { processIO }] = await Promise.all([import('./history'), import('./output')]);
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
      const [{ rollback }, { processIO }] = await Promise.all([import('./rollback'), import('./output')]);
      return rollback({ ...(await operationOptions(v)), id, git: !!v.git }, processIO);
    },
  },
  resume: {
    usage: '[options]',
    about: `Ends the pin a rollback left: automated sync follows the branch again and deploys its tip. Waits for the outcome.`,
    options: { ...TIMEOUT, ...OUTPUT },
    async run(v) {
      const [{ resume }, { processIO }] = await Promise.all([import('./resume'), import('./output')]);
      return resume(await operationOptions(v), processIO);
    },
  },
  refresh: {
    usage: '[options]',
    about: `Asks the syncer to fetch the repository now (for a remote) and compare the branch with the cluster again.`,
    options: { ...TIMEOUT, ...OUTPUT },
    async run(v) {
      const [{ refresh }, { processIO }] = await Promise.all([import('./refresh'), import('./output')]);
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
      const [{ logs }, { processIO }] = await Promise.all([import('./logs'), import('./output')]);
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
      const [{ install }, { parseDuration, processIO }] = await Promise.all([import('./install'), import('./output')]);
      return install({ ...target(v), timeoutMs: parseDuration('timeout', v.timeout as string) * 1000 }, processIO);
    },
  },
};

/** Parses a command's options, runs it, and exits with its code once the output is written. */
export async function runClientCommand(cmd: string, argv: string[]): Promise<void> {
  const spec = CLIENT_COMMANDS[cmd];
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
  } catch (e) {
    // the embedded cluster lives only as long as `slipway up` (or `slipway cluster`) runs
    if (
      e instanceof Error &&
      e.constructor.name === 'KubeApiError' &&
      (e as { reason?: string }).reason === 'Unreachable'
    ) {
      fail(`${e.message}\nIs the cluster running? \`slipway up\` starts the embedded one with its syncer.`, 2);
    }
    throw e;
  }
  // open keep-alive sockets or a watch must not hold the process: leave once stdout is flushed
  process.stdout.write('', () => process.exit(code));
}
