// Logs in VS Code: "Show logs" opens the last lines as a read-only document, "Follow logs" streams them into a
// terminal (a Pseudoterminal) whose closing ends the streams. The logic is in logFollower.ts and recentLogs.ts.
import type { Pod } from 'kubernetes-types/core/v1';
import * as vscode from 'vscode';
import type { ConnectionHub } from '../connection/connectionHub';
import type { ClusterConnection } from '../connection/clusterConnection';
import { objectPath } from '../cluster/objectActions';
import type { ObjectRef } from '../cluster/treeNode';
import { LogFollower } from './logFollower';
import { formatLine, logTargetOf, showsPrefix, type LogSettings, type LogTarget } from './logSource';
import { recentLogs } from './recentLogs';

export const LOGS_SCHEME = 'slipway-logs';

/** What the logs commands take: a Cluster view element, or the same shape from a notification. */
export interface LogsArgument {
  ref?: ObjectRef;
  container?: string;
}

function settings(): LogSettings {
  const c = vscode.workspace.getConfiguration('slipway.logs');
  return {
    tailLines: Math.max(1, c.get<number>('tailLines') ?? 100),
    timestamps: c.get<boolean>('timestamps') ?? false,
  };
}

/** ANSI colours for prefixes, one per pod, so interleaved pods are told apart at a glance. */
const COLOURS = [36, 33, 35, 32, 34, 31];
function colour(source: string): number {
  let h = 0;
  for (const ch of source.split('/')[0]) h = (h * 31 + ch.charCodeAt(0)) | 0;
  return COLOURS[Math.abs(h) % COLOURS.length];
}

function followInTerminal(connection: ClusterConnection, target: LogTarget): void {
  const write = new vscode.EventEmitter<string>();
  const s = settings();
  const out = (text: string) => write.fire(text.replace(/\r?\n/g, '\r\n') + '\r\n');
  let timestamps = s.timestamps;
  // the timestamps toggle applies at once to the lines that follow
  const toggled = vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration('slipway.logs.timestamps')) timestamps = settings().timestamps;
  });
  const follower = new LogFollower(connection.api, target, s, {
    line: (source, text, time) => {
      const stamped = timestamps ? `${time} ${text}` : text;
      out(
        showsPrefix(target)
          ? `\x1b[${colour(source)}m[${source}]\x1b[0m ${stamped}`
          : formatLine(target, source, stamped),
      );
    },
    note: (text) => out(`\x1b[2m# ${text}\x1b[0m`),
  });
  const pty: vscode.Pseudoterminal = {
    onDidWrite: write.event,
    open: () => {
      out(`\x1b[2m# following ${target.title} from the last ${s.tailLines} lines; close this terminal to stop\x1b[0m`);
      follower.start().catch((e: Error) => out(`\x1b[31m# ${e.message}\x1b[0m`));
    },
    close: () => {
      follower.stop();
      toggled.dispose();
      write.dispose();
    },
    handleInput: (data) => {
      if (data !== '\x03') return; // Ctrl-C stops following but keeps what was shown
      follower.stop();
      out('\x1b[2m# stopped\x1b[0m');
    },
  };
  const terminal = vscode.window.createTerminal({
    name: `Logs: ${target.title}`,
    pty,
    iconPath: new vscode.ThemeIcon('output'),
  });
  terminal.show();
}

export function registerLogs(context: vscode.ExtensionContext, hub: ConnectionHub): void {
  const connection = (): ClusterConnection => {
    const c = hub.current;
    if (!c) throw new Error('no cluster is connected: run "Slipway: Start" or "Slipway: Choose a kubeconfig context"');
    return c;
  };

  /** The target of an element: a pod with several containers asks which one (or all of them). */
  const targetOf = async (arg: LogsArgument): Promise<LogTarget | undefined> => {
    const ref = arg.ref!;
    let container = arg.container;
    if (ref.kind === 'Pod' && !container) {
      const pod: Pod = await connection().api.get(objectPath(ref));
      const names = (pod.spec?.containers ?? []).map((c) => c.name);
      if (names.length === 1) container = names[0];
      else {
        const all = 'All containers';
        const picked = await vscode.window.showQuickPick([...names, all], { title: `Logs of pod/${ref.name}` });
        if (!picked) return undefined;
        if (picked !== all) container = picked;
      }
    }
    return logTargetOf(connection().api, ref, container);
  };

  const documents = new (class implements vscode.TextDocumentContentProvider {
    provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
      const { target } = JSON.parse(uri.query) as { target: LogTarget };
      return recentLogs(connection().api, target, settings());
    }
  })();
  let shown = 0;

  const command = (id: string, action: string, run: (target: LogTarget) => Promise<unknown> | void) =>
    vscode.commands.registerCommand(id, async (arg?: LogsArgument) => {
      if (!arg?.ref) return;
      try {
        const target = await targetOf(arg);
        if (target) await run(target);
      } catch (e) {
        const name = `${arg.ref.kind.toLowerCase()}/${arg.ref.name}`;
        void vscode.window.showErrorMessage(`Could not ${action} of ${name}: ${(e as Error).message}`);
      }
    });

  context.subscriptions.push(
    vscode.workspace.registerTextDocumentContentProvider(LOGS_SCHEME, documents),
    command('slipway.logs.show', 'show the logs', async (target) => {
      // a new URI each time, so the document is read again rather than served from VS Code's cache
      const query = JSON.stringify({ target, n: ++shown });
      const uri = vscode.Uri.from({ scheme: LOGS_SCHEME, path: `/${target.title}.log`, query });
      const doc = await vscode.languages.setTextDocumentLanguage(await vscode.workspace.openTextDocument(uri), 'log');
      await vscode.window.showTextDocument(doc, { preview: false });
    }),
    command('slipway.logs.follow', 'follow the logs', (target) => followInTerminal(connection(), target)),
    vscode.commands.registerCommand('slipway.logs.toggleTimestamps', async () => {
      const on = !settings().timestamps;
      await vscode.workspace
        .getConfiguration('slipway.logs')
        .update('timestamps', on, vscode.ConfigurationTarget.Global);
      vscode.window.setStatusBarMessage(`Slipway logs: timestamps ${on ? 'on' : 'off'}`, 4000);
    }),
  );
}
