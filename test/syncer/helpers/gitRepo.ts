// Real git repositories in temp folders for syncer tests: write files, commit, read the log.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../../helpers/testCluster';

/** The environment for git and anything else that commits: one fixed author and committer. */
export const GIT_ENV = {
  ...process.env,
  GIT_AUTHOR_NAME: 'Dev',
  GIT_AUTHOR_EMAIL: 'dev@example.com',
  GIT_COMMITTER_NAME: 'Dev',
  GIT_COMMITTER_EMAIL: 'dev@example.com',
};

/** Runs git in `dir` and returns its output, trimmed. */
export function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd: dir, env: GIT_ENV, encoding: 'utf8' }).trim();
}

const scratch: string[] = [];

/** A new temp folder, removed by removeScratchDirs(). */
export function scratchDir(prefix = 'slipway-git-'): string {
  const dir = tempDir(prefix);
  scratch.push(dir);
  return dir;
}

/** Removes every folder scratchDir(), newRepo() and makeRepo() made so far. */
export function removeScratchDirs(): void {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/** An empty repository on `branch` in a new scratch folder; returns the folder. */
export function newRepo(branch = 'main'): string {
  const dir = scratchDir('slipway-repo-');
  git(dir, 'init', '-q', '-b', branch);
  return dir;
}

/** Writes (text) or deletes (null) files of the work tree in `dir`. */
function writeFiles(dir: string, files: Record<string, string | null>): void {
  for (const [file, text] of Object.entries(files)) {
    const full = path.join(dir, file);
    if (text === null) fs.rmSync(full);
    else {
      fs.mkdirSync(path.dirname(full), { recursive: true });
      fs.writeFileSync(full, text);
    }
  }
}

/** Writes (text) or deletes (null) files of the work tree in `dir`, commits everything and returns the new sha. */
export function commitFiles(dir: string, files: Record<string, string | null>, message = 'change'): string {
  writeFiles(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '--allow-empty', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

export interface TestRepo {
  dir: string;
  write(file: string, text: string): void;
  remove(file: string): void;
  /** commits everything and returns the new sha */
  commit(message: string): string;
  git(...args: string[]): string;
}

export function makeRepo(files: Record<string, string> = {}, branch = 'main'): TestRepo {
  const dir = newRepo(branch);
  if (Object.keys(files).length) commitFiles(dir, files, 'first');
  return {
    dir,
    git: (...args) => git(dir, ...args),
    write: (file, text) => writeFiles(dir, { [file]: text }),
    remove: (file) => writeFiles(dir, { [file]: null }),
    commit: (message) => commitFiles(dir, {}, message),
  };
}

/** A small app in `folder` (default app): a ConfigMap, a Deployment (no probes, so it rolls out at once) and its Service. */
export function webApp(
  opts: { image?: string; replicas?: number; podAnnotations?: Record<string, string>; folder?: string } = {},
): Record<string, string> {
  const annotations = opts.podAnnotations
    ? `\n      annotations:\n${Object.entries(opts.podAnnotations)
        .map(([k, v]) => `        ${k}: "${v}"`)
        .join('\n')}`
    : '';
  const folder = opts.folder ?? 'app';
  return {
    [`${folder}/config.yaml`]: `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: hello
`,
    [`${folder}/web.yaml`]: `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: ${opts.replicas ?? 2}
  progressDeadlineSeconds: 600
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}${annotations}
    spec:
      containers:
        - name: web
          image: ${opts.image ?? 'nginx:1.25'}
          ports:
            - containerPort: 80
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports:
    - port: 80
      targetPort: 80
`,
  };
}
