// A real git repository in a temp folder for syncer tests: write files, commit, read the log.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { tempDir } from '../../helpers/testCluster';

export interface TestRepo {
  dir: string;
  write(file: string, text: string): void;
  remove(file: string): void;
  /** commits everything and returns the new sha */
  commit(message: string): string;
  git(...args: string[]): string;
}

export function makeRepo(files: Record<string, string> = {}, branch = 'main'): TestRepo {
  const dir = tempDir('slipway-repo-');
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      encoding: 'utf8',
      env: { ...process.env, GIT_AUTHOR_NAME: 'Dev', GIT_AUTHOR_EMAIL: 'dev@example.com', GIT_COMMITTER_NAME: 'Dev', GIT_COMMITTER_EMAIL: 'dev@example.com' },
    }).trim();
  git('init', '-q', '-b', branch);
  const repo: TestRepo = {
    dir,
    git,
    write(file, text) {
      fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      fs.writeFileSync(path.join(dir, file), text);
    },
    remove(file) {
      fs.rmSync(path.join(dir, file));
    },
    commit(message) {
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
  };
  for (const [f, t] of Object.entries(files)) repo.write(f, t);
  if (Object.keys(files).length) repo.commit('first');
  return repo;
}

/** A small app: a ConfigMap, a Deployment (no probes, so it rolls out at once) and its Service. */
export function webApp(opts: { image?: string; replicas?: number; podAnnotations?: Record<string, string> } = {}): Record<string, string> {
  const annotations = opts.podAnnotations ? `\n      annotations:\n${Object.entries(opts.podAnnotations).map(([k, v]) => `        ${k}: "${v}"`).join('\n')}` : '';
  return {
    'app/config.yaml': `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
data:
  greeting: hello
`,
    'app/web.yaml': `apiVersion: apps/v1
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
