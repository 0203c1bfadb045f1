// The embedded cluster of a workspace: `slipway up <folder> --state <folder>/.slipway` run as a child process (under
// VS Code's own Node, so nothing needs installing), ready once the kubeconfig it writes in its state folder leads
// to a server whose /readyz answers. A cluster some other window already runs there is reused instead: its state
// folder holds the same kubeconfig, and a second `slipway up` could not open the locked store anyway.
import { ChildProcess, spawn } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { ApiClient } from '../../kubeclient/apiClient';
import { readTokenKubeconfig } from './embeddedKubeconfig';

export interface StartOptions {
  /** the `slipway` CLI script (dist/slipway.js next to the extension; out/syncer/cli.js in tests) */
  cli: string;
  /** the workspace folder: the Application deploys its manifests */
  folder: string;
  /** default <folder>/.slipway, where `slipway up` keeps store, kubeconfig and history */
  stateDir?: string;
  /** more `slipway up` options (--nodes 1, --auto-rollback...) */
  upArgs?: string[];
  /** each line the process prints, as it comes */
  onOutput?: (line: string) => void;
  /** how long the cluster may take to answer; default 60 s */
  timeoutMs?: number;
}

export interface WorkspaceCluster {
  /** the kubeconfig in the state folder */
  readonly kubeconfig: string;
  /** whether it was already running (another window's) rather than started here */
  readonly reused: boolean;
  /** the process started here; undefined when reused */
  readonly process?: ChildProcess;
  /** resolves when the process started here exits (never when reused) */
  readonly exited: Promise<number | null>;
  /** stops the process started here; a reused cluster is left running for its window */
  stop(): Promise<void>;
}

export const stateDirOf = (folder: string): string => path.join(folder, '.slipway');

const STOP_GRACE_MS = 5000;

/** The state folder's kubeconfig when its cluster answers /readyz; undefined when there is none or it is down. */
export async function answeringKubeconfig(stateDir: string): Promise<string | undefined> {
  const file = path.join(stateDir, 'kubeconfig');
  if (!fs.existsSync(file)) return undefined;
  const config = readTokenKubeconfig(file);
  if (!config) return undefined;
  const api = ApiClient.forCluster(config, 'slipway-vscode');
  try {
    const answer: unknown = await api.request('GET', '/readyz', undefined, undefined, 'text/plain');
    return String(answer).trim() === 'ok' ? file : undefined;
  } catch {
    return undefined;
  } finally {
    api.close();
  }
}

/** The running cluster of the folder, or a new one started as `slipway up` under this process's Node. */
export async function startWorkspaceCluster(o: StartOptions): Promise<WorkspaceCluster> {
  const stateDir = path.resolve(o.stateDir ?? stateDirOf(o.folder));
  const running = await answeringKubeconfig(stateDir);
  if (running) return { kubeconfig: running, reused: true, exited: new Promise(() => undefined), stop: async () => {} };
  fs.mkdirSync(stateDir, { recursive: true, mode: 0o700 });
  // the state folder sits in the work tree: git must not see it (a revert refuses a tree with untracked files)
  const ignore = path.join(stateDir, '.gitignore');
  if (!fs.existsSync(ignore)) fs.writeFileSync(ignore, '# the cluster state of `slipway up`, not for git\n*\n');
  // VS Code's executable is Electron; ELECTRON_RUN_AS_NODE makes it the plain Node it embeds
  const child = spawn(process.execPath, [o.cli, 'up', o.folder, '--state', stateDir, ...(o.upArgs ?? [])], {
    cwd: o.folder,
    env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  const stderr: string[] = [];
  let cleanup = (): void => {};
  const ready = new Promise<string>((resolve, reject) => {
    let checking = false;
    let again = false;
    // the kubeconfig of an earlier run is there already: it counts once its server answers
    const check = async (): Promise<void> => {
      if (checking) {
        again = true;
        return;
      }
      checking = true;
      do {
        again = false;
        const kubeconfig = await answeringKubeconfig(stateDir);
        if (kubeconfig) return resolve(kubeconfig);
      } while (again);
      checking = false;
    };
    const watcher = fs.watch(stateDir, (_event, name) => {
      if (name === 'kubeconfig') void check();
    });
    const timer = setTimeout(
      () => reject(new Error(`the cluster in ${stateDir} did not answer within ${(o.timeoutMs ?? 60_000) / 1000} s`)),
      o.timeoutMs ?? 60_000,
    );
    const lines = (text: string, into?: string[]) => {
      for (const line of text.split('\n').filter(Boolean)) {
        into?.push(line);
        o.onOutput?.(line);
      }
      // `slipway up` prints its address once the kubeconfig is written: a second chance if the watch missed it
      if (text.includes('KUBECONFIG=')) void check();
    };
    child.stdout?.setEncoding('utf8').on('data', (t: string) => lines(t));
    child.stderr?.setEncoding('utf8').on('data', (t: string) => lines(t, stderr));
    child.once('error', (e) => reject(new Error(`could not run ${process.execPath} ${o.cli}: ${e.message}`)));
    void exited.then((code) => {
      const said = stderr.slice(-5).join('\n');
      reject(
        new Error(`slipway up ${o.folder} exited (code ${code}) before its cluster answered${said ? `: ${said}` : ''}`),
      );
    });
    cleanup = () => {
      watcher.close();
      clearTimeout(timer);
    };
  });
  const stop = async (): Promise<void> => {
    if (child.exitCode !== null || child.signalCode !== null) return;
    child.kill('SIGTERM');
    const killer = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
    await exited;
    clearTimeout(killer);
  };
  try {
    const kubeconfig = await ready.finally(cleanup);
    return { kubeconfig, reused: false, process: child, exited, stop };
  } catch (e) {
    await stop();
    throw e;
  }
}
