// Benchmarks of the syncer, as `slipway up` runs it: the embedded cluster and the syncer in one process, a
// real git repository, real commits. Times run from the start of `git commit` to the syncer's
// "synced" line (every resource of the revision applied through the API).
//   node out/bench/syncer.js [sample|overlay|large|all] [commits=20] [manifests=2000]
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { startCluster } from '../cluster/embeddedCluster';
import { APPLICATION_API_VERSION, APPLICATION_KIND } from '../kube/application';
import { ApplicationController } from '../syncer/applicationController';
import { kubeConfigClient, loadKubeConfig } from '../kubeclient/kubeConfig';

const SAMPLE = path.resolve(__dirname, '../../samples/guestbook');

function git(dir: string, ...args: string[]): string {
  return execFileSync('git', args, {
    cwd: dir,
    encoding: 'utf8',
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Bench',
      GIT_AUTHOR_EMAIL: 'bench@example.com',
      GIT_COMMITTER_NAME: 'Bench',
      GIT_COMMITTER_EMAIL: 'bench@example.com',
    },
  }).trim();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

interface Harness {
  repo: string;
  /** commits and resolves with ms from the commit's start to the syncer's "synced" (or "in sync at") line for it */
  /** ms also split: how long `git commit` itself took, and the rest (the syncer noticing, reading, applying) */
  commit(message: string, change: () => void): Promise<{ ms: number; line: string; gitMs: number }>;
  created(): Promise<{ ms: number; line: string }>;
  /** ms from a live edit of a ConfigMap (as `kubectl edit` makes it) until the syncer has put git's value back */
  heal(namespace: string, name: string, key: string): Promise<number>;
  stop(): Promise<void>;
}

/** recurse: the app reads the folders under its path too (directory.recurse), as the large repository needs */
async function harness(files: (repo: string) => void, appPath: string, recurse = false): Promise<Harness> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-syncer-'));
  const repo = path.join(root, 'repo');
  fs.mkdirSync(repo);
  git(repo, 'init', '-q', '-b', 'main');
  files(repo);
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'first');
  const cluster = await startCluster({ stateDir: path.join(root, 'state'), nodes: 3 });
  const client = kubeConfigClient(loadKubeConfig(cluster.kubeconfig));
  let waiter: { sha: string; resolve: (line: string) => void } | undefined;
  const controller = new ApplicationController({
    client,
    stateDir: path.join(root, 'state'),
    log: (_app, line) => {
      // a commit that changes nothing the app deploys is "in sync at", with no sync to record
      const m = /^(?:synced|in sync at) ([0-9a-f]{7})\b/.exec(line);
      if (m && waiter && waiter.sha.startsWith(m[1])) {
        const w = waiter;
        waiter = undefined;
        w.resolve(line);
      }
      if (/FAILED|error/.test(line)) console.error(`  syncer: ${line}`);
    },
  });
  await controller.start();
  const waitFor = (sha: string) => new Promise<string>((resolve) => (waiter = { sha, resolve }));
  return {
    repo,
    async created() {
      const sha = git(repo, 'rev-parse', 'HEAD');
      const t0 = performance.now();
      const done = waitFor(sha);
      await client.apply(
        {
          apiVersion: APPLICATION_API_VERSION,
          kind: APPLICATION_KIND,
          metadata: { name: 'bench', namespace: 'default' },
          spec: {
            source: { repo, branch: 'main', path: appPath, ...(recurse ? { directory: { recurse: true } } : {}) },
            syncPolicy: { automated: true, prune: true, selfHeal: true },
          },
        },
        { fieldManager: 'bench', force: true },
      );
      const line = await done;
      return { ms: performance.now() - t0, line };
    },
    async commit(message, change) {
      // measure each commit alone: the previous sync's status write and follow-up pass are done
      await controller.runner('default', 'bench')?.settled();
      await new Promise((r) => setTimeout(r, 50));
      change();
      git(repo, 'add', '-A');
      // the syncer cannot know the sha before the commit exists: wait for the next "synced" line and check it after
      const t0 = performance.now();
      let resolveLine!: (l: string) => void;
      const got = new Promise<string>((r) => (resolveLine = r));
      waiter = { sha: '', resolve: resolveLine };
      git(repo, 'commit', '-q', '-m', message);
      const gitMs = performance.now() - t0;
      const sha = git(repo, 'rev-parse', 'HEAD');
      if (waiter) waiter.sha = sha;
      const line = await got;
      return { ms: performance.now() - t0, line, gitMs };
    },
    async heal(namespace, name, key) {
      await controller.runner('default', 'bench')?.settled();
      await new Promise((r) => setTimeout(r, 50));
      const ref = { apiVersion: 'v1', kind: 'ConfigMap', namespace, name };
      const wanted = (await client.get(ref)).data[key];
      const t0 = performance.now();
      await client.mergePatch(ref, { data: { [key]: 'edited by hand' } });
      for (;;) {
        if ((await client.get(ref)).data[key] === wanted) return performance.now() - t0;
        await new Promise((r) => setTimeout(r, 5));
      }
    },
    async stop() {
      await controller.stop();
      client.close();
      await cluster.stop();
      fs.rmSync(root, { recursive: true, force: true });
    },
  };
}

async function sample(commits: number): Promise<void> {
  console.log(`sample: samples/guestbook, ${commits} commits each changing the ConfigMap`);
  const h = await harness((repo) => fs.cpSync(SAMPLE, path.join(repo, 'guestbook'), { recursive: true }), 'guestbook');
  const first = await h.created();
  console.log(`  first sync of the sample: ${first.ms.toFixed(0)} ms (${first.line})`);
  const times: number[] = [];
  const syncerTimes: number[] = [];
  for (let i = 0; i < commits; i++) {
    const r = await h.commit(`change ${i}`, () => {
      const cfg = path.join(h.repo, 'guestbook/config.yaml');
      fs.writeFileSync(
        cfg,
        fs.readFileSync(cfg, 'utf8').replace(/GUESTBOOK_TITLE: .*/, `GUESTBOOK_TITLE: "Slipway guestbook ${i}"`),
      );
    });
    times.push(r.ms);
    syncerTimes.push(r.ms - r.gitMs);
    if (i === 0) console.log(`  first change: ${r.line}`);
  }
  console.log(
    `  commit → all resources applied: median ${median(times).toFixed(0)} ms, min ${Math.min(...times).toFixed(0)}, max ${Math.max(...times).toFixed(0)} (goal ≤ 150 ms)`,
  );
  console.log(
    `    of which after \`git commit\` returned (the syncer): median ${median(syncerTimes).toFixed(0)} ms, max ${Math.max(...syncerTimes).toFixed(0)}`,
  );
  console.log(
    `  load average: ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(', ')}`,
  );
  const heals: number[] = [];
  for (let i = 0; i < 10; i++) heals.push(await h.heal('guestbook', 'guestbook-config', 'REDIS_HOST'));
  console.log(
    `  live edit → reverted by self-heal: median ${median(heals).toFixed(0)} ms, max ${Math.max(...heals).toFixed(0)} (goal: within a second)`,
  );
  await h.stop();
}

/** A kustomize base of a few resources and a dev overlay (namespace, labels, images, strategic-merge patches). */
function overlayRepo(repo: string): void {
  const files: Record<string, string> = {
    'deploy/base/kustomization.yaml': 'resources:\n  - deployment.yaml\n  - service.yaml\n  - config.yaml\n',
    'deploy/base/deployment.yaml': `apiVersion: apps/v1
kind: Deployment
metadata:
  name: podinfo
spec:
  replicas: 1
  selector:
    matchLabels: {app: podinfo}
  template:
    metadata:
      labels: {app: podinfo}
    spec:
      containers:
        - name: podinfo
          image: ghcr.io/stefanprodan/podinfo:6.0.0
          ports: [{containerPort: 9898, name: http}]
`,
    'deploy/base/service.yaml': `apiVersion: v1
kind: Service
metadata:
  name: podinfo
spec:
  selector: {app: podinfo}
  ports: [{port: 9898, targetPort: http, name: http}]
`,
    'deploy/base/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-config\ndata:\n  greeting: hello\n',
    'deploy/overlays/dev/kustomization.yaml': `namespace: dev
resources:
  - namespace.yaml
  - ../../base
labels:
  - pairs: {env: dev}
images:
  - name: ghcr.io/stefanprodan/podinfo
    newTag: 6.1.0
patches:
  - path: replicas.yaml
  - path: config.yaml
`,
    'deploy/overlays/dev/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: dev\n',
    'deploy/overlays/dev/replicas.yaml':
      'apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: podinfo\nspec:\n  replicas: 2\n',
    'deploy/overlays/dev/config.yaml':
      'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-config\ndata:\n  greeting: hello dev\n',
  };
  for (const [file, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    fs.writeFileSync(path.join(repo, file), text);
  }
}

async function overlay(commits: number): Promise<void> {
  console.log(`overlay: a kustomize dev overlay of a 3-resource base (namespace, labels, images, 2 patches)`);
  const h = await harness(overlayRepo, 'deploy/overlays/dev');
  const first = await h.created();
  console.log(`  first sync: ${first.ms.toFixed(0)} ms (${first.line})`);
  const changed: number[] = [];
  const outside: number[] = [];
  for (let i = 0; i < commits; i++) {
    const r = await h.commit(`greeting ${i}`, () =>
      fs.writeFileSync(
        path.join(h.repo, 'deploy/overlays/dev/config.yaml'),
        `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: podinfo-config\ndata:\n  greeting: hello ${i}\n`,
      ),
    );
    changed.push(r.ms);
    if (i === 0) console.log(`  first change: ${r.line}`);
    outside.push((await h.commit(`note ${i}`, () => fs.writeFileSync(path.join(h.repo, 'NOTES.md'), `${i}\n`))).ms);
  }
  console.log(
    `  commit changing the overlay → applied: median ${median(changed).toFixed(0)} ms, min ${Math.min(...changed).toFixed(0)}, max ${Math.max(...changed).toFixed(0)}`,
  );
  console.log(
    `  commit outside the kustomization → in sync: median ${median(outside).toFixed(0)} ms, max ${Math.max(...outside).toFixed(0)}`,
  );
  await h.stop();
}

function largeRepo(repo: string, n: number): void {
  // 2,000 manifests in 40 folders: ConfigMaps, Services and scaled-to-zero Deployments
  for (let i = 0; i < n; i++) {
    const dir = path.join(repo, 'apps', `team-${i % 40}`);
    fs.mkdirSync(dir, { recursive: true });
    const kind = i % 10;
    let text: string;
    if (kind < 7)
      text = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cm-${i}\n  labels: {team: team-${i % 40}}\ndata:\n  key: value-${i}\n  other: "${'x'.repeat(64)}"\n`;
    else if (kind < 9)
      text = `apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-${i}\nspec:\n  selector: {app: app-${i}}\n  ports:\n    - port: 80\n      targetPort: 8080\n`;
    else
      text = `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  replicas: 0\n  selector:\n    matchLabels: {app: app-${i}}\n  template:\n    metadata:\n      labels: {app: app-${i}}\n    spec:\n      containers:\n        - name: app\n          image: nginx:1.27\n          ports:\n            - containerPort: 8080\n`;
    fs.writeFileSync(path.join(dir, `r-${i}.yaml`), text);
  }
}

async function large(n: number, repeats: number): Promise<void> {
  console.log(`large: ${n} manifests (70% ConfigMaps, 20% Services, 10% Deployments with 0 replicas) in 40 folders`);
  const h = await harness((repo) => largeRepo(repo, n), 'apps', true);
  const first = await h.created();
  console.log(`  first sync: ${first.ms.toFixed(0)} ms (goal ≤ 5,000 ms) — ${first.line}`);
  const noop: number[] = [];
  const one: number[] = [];
  for (let i = 0; i < repeats; i++) {
    noop.push((await h.commit(`no-op ${i}`, () => fs.writeFileSync(path.join(h.repo, 'README.md'), `note ${i}\n`))).ms);
    const r = await h.commit(`one file ${i}`, () => {
      const f = path.join(h.repo, 'apps/team-3/r-3.yaml');
      fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/key: value-.*/, `key: value-${i}`));
    });
    one.push(r.ms);
    if (i === 0) console.log(`  one-file change: ${r.line}`);
  }
  console.log(
    `  no-op resync (commit outside the path): median ${median(noop).toFixed(0)} ms, max ${Math.max(...noop).toFixed(0)} (goal ≤ 200 ms)`,
  );
  console.log(
    `  one-file change: median ${median(one).toFixed(0)} ms, max ${Math.max(...one).toFixed(0)} (goal ≤ 150 ms)`,
  );
  await h.stop();
}

async function main(): Promise<void> {
  const [which = 'all', commitsArg, manifestsArg] = process.argv.slice(2);
  const commits = Number(commitsArg ?? 20);
  const manifests = Number(manifestsArg ?? 2000);
  if (which === 'sample' || which === 'all') await sample(commits);
  if (which === 'overlay' || which === 'all') await overlay(Math.min(commits, 10));
  if (which === 'large' || which === 'all') await large(manifests, Math.min(commits, 10));
  process.exit(0);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
