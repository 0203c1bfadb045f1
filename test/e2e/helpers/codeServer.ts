// A real VS Code (code-server) with the packaged extension installed, isolated from $HOME: its own user data,
// extensions and XDG folders under one temp root, user settings that keep the first start quiet, and KUBECONFIG
// pointing at the test's own file.
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';

export interface CodeServerOptions {
  codeServer: string;
  vsix: string;
  /** temp folder that holds everything this instance writes */
  root: string;
  workspace: string;
  kubeconfig: string;
  /** user settings on top of the quiet defaults */
  settings?: Record<string, unknown>;
}

export interface CodeServer {
  url: string;
  /** folder of the server's logs (the extension host's output channels are under exthost*) */
  logsDir: string;
  output(): string;
  stop(): Promise<void>;
}

const QUIET_SETTINGS = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  'telemetry.telemetryLevel': 'off',
  'extensions.autoCheckUpdates': false,
  'extensions.autoUpdate': false,
  'remote.autoForwardPorts': false,
  'security.workspace.trust.enabled': false,
  'git.openRepositoryInParentFolders': 'never',
};

/** The environment every code-server and Chromium call gets: nothing written to $HOME, the test's kubeconfig. */
export function isolatedEnv(root: string, kubeconfig: string): NodeJS.ProcessEnv {
  const xdg = (name: string): string => {
    const dir = path.join(root, name);
    fs.mkdirSync(dir, { recursive: true });
    return dir;
  };
  return {
    ...process.env,
    XDG_CONFIG_HOME: xdg('xdg-config'),
    XDG_DATA_HOME: xdg('xdg-data'),
    XDG_CACHE_HOME: xdg('xdg-cache'),
    KUBECONFIG: kubeconfig,
  };
}

export async function startCodeServer(o: CodeServerOptions): Promise<CodeServer> {
  const userData = path.join(o.root, 'user-data');
  const extensions = path.join(o.root, 'extensions');
  fs.mkdirSync(path.join(userData, 'User'), { recursive: true });
  fs.mkdirSync(extensions, { recursive: true });
  fs.writeFileSync(
    path.join(userData, 'User/settings.json'),
    JSON.stringify({ ...QUIET_SETTINGS, ...o.settings }, null, 2),
  );
  const env = isolatedEnv(o.root, o.kubeconfig);
  const dirs = ['--user-data-dir', userData, '--extensions-dir', extensions];
  execFileSync(o.codeServer, [...dirs, '--install-extension', o.vsix], { env, stdio: 'pipe', timeout: 60_000 });

  const child = spawn(
    o.codeServer,
    [
      '--bind-addr',
      '127.0.0.1:0',
      '--auth',
      'none',
      ...dirs,
      '--disable-telemetry',
      '--disable-update-check',
      '--disable-workspace-trust',
      o.workspace,
    ],
    // its own process group, so stop() ends the server and every extension host it started
    { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not listen within 30 s:\n${output}`)), 30_000);
    const onData = (chunk: Buffer): void => {
      output += chunk.toString();
      const m = /HTTP server listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]);
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited with ${code} before listening:\n${output}`));
    });
  });
  return {
    url,
    logsDir: path.join(userData, 'logs'),
    output: () => output,
    stop: () => stopGroup(child),
  };
}

/** Ends the process group the child leads and waits for the child to exit. */
async function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid!, 'SIGTERM');
  } catch {
    return; // already gone
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      // gone meanwhile
    }
  }, 5_000);
  await exited;
  clearTimeout(timer);
}
