#!/usr/bin/env node
// The `slipway` command: picks the command; `cluster` and `up` run in the foreground
// (commands/foregroundCommands.ts), the others are API clients (commands/clientCommands.ts).
import { fail } from './commands/cliArgs';
import { CLIENT_COMMANDS, runClientCommand } from './commands/clientCommands';
import { clusterCommand, upCommand } from './commands/foregroundCommands';

const HELP = `Usage: slipway <command> [options]

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

Run 'slipway <command> --help' for a command's options.`;

async function main(): Promise<void> {
  const [cmd, ...rest] = process.argv.slice(2);
  if (!cmd || cmd === '-h' || cmd === '--help' || cmd === 'help') {
    process.stdout.write(HELP + '\n');
    return;
  }
  switch (cmd) {
    case 'cluster':
      return clusterCommand(rest);
    case 'up':
      return upCommand(rest);
    default:
      if (cmd in CLIENT_COMMANDS) return runClientCommand(cmd, rest);
      fail(`unknown command "${cmd}"\n\n${HELP}`);
  }
}

/** The exit code for an error: a CommandError's own; 2 for usage errors; else 1. */
function exitCodeOf(e: unknown): number {
  const name = (e as Error | undefined)?.constructor?.name;
  const code = (e as { code?: unknown } | undefined)?.code;
  if (name === 'CommandError' && typeof code === 'number') return code;
  return name === 'UsageError' ? 2 : 1;
}

main().catch((e: unknown) => fail((e as Error | undefined)?.message ?? String(e), exitCodeOf(e)));
