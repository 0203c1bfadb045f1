// Soak benchmark: the embedded cluster and the syncer (as `slipway up` runs them) on samples/guestbook in a child
// process, watched for a long time by kubectl get -w and by raw HTTPS watches with timeoutSeconds and bookmarks
// (client-go's pattern), with a commit every few minutes. Samples the child's RSS and counts crashes (a crash
// is counted and the child restarted on the same state). The cluster's clock runs `speed` times faster, so
// watch timeouts, bookmarks and time-driven controllers go through many more cycles than the wall clock says.
//   node out/bench/soak.js [minutes=30] [speed=10] [watches=8]
import { ChildProcess, execFileSync, spawn } from 'child_process';
import * as fs from 'fs';
import * as https from 'https';
import * as os from 'os';
import * as path from 'path';

const SAMPLE = path.resolve(__dirname, '../../samples/guestbook');

interface Endpoint {
  url: string;
  token: string;
  caCert: string;
  kubeconfig: string;
}

function git(dir: string, ...args: string[]): void {
  execFileSync('git', args, {
    cwd: dir,
    env: {
      ...process.env,
      GIT_AUTHOR_NAME: 'Soak',
      GIT_AUTHOR_EMAIL: 'soak@example.com',
      GIT_COMMITTER_NAME: 'Soak',
      GIT_COMMITTER_EMAIL: 'soak@example.com',
    },
  });
}

/** The child: cluster + syncer, as `slipway up` runs them, on a sped-up clock. */
async function serve(root: string, speed: number): Promise<void> {
  const { startCluster } = await import('../cluster/embeddedCluster');
  const { ApplicationController } = await import('../syncer/applicationController');
  const { kubeConfigClient, loadKubeConfig } = await import('../kubeclient/kubeConfig');
  const { APPLICATION_API_VERSION, APPLICATION_KIND } = await import('../kube/application');
  const state = path.join(root, 'state');
  const cluster = await startCluster({ stateDir: state, nodes: 3, clockSpeed: speed });
  const client = kubeConfigClient(loadKubeConfig(cluster.kubeconfig));
  const log = (_app: string, line: string) => /FAILED|error/.test(line) && console.error(`syncer: ${line}`);
  const controller = new ApplicationController({ client, stateDir: state, log });
  await controller.start();
  await client.apply(
    {
      apiVersion: APPLICATION_API_VERSION,
      kind: APPLICATION_KIND,
      metadata: { name: 'guestbook', namespace: 'default' },
      spec: {
        source: { repo: path.join(root, 'repo'), branch: 'main', path: '.' },
        syncPolicy: { automated: true, prune: true, selfHeal: true },
      },
    },
    { fieldManager: 'soak', force: true },
  );
  const ep: Endpoint = {
    url: cluster.url,
    token: cluster.token,
    caCert: cluster.caCert,
    kubeconfig: cluster.kubeconfig,
  };
  process.stdout.write(`READY ${JSON.stringify(ep)}\n`);
}

function rssMiB(pid: number): number | undefined {
  try {
    const m = /VmRSS:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** the store's revision (writes so far) as the last counted list reported it */
let lastRevision = 0;

function countItems(ep: Endpoint | undefined, resource: string): Promise<number> {
  return new Promise((resolve, reject) => {
    if (!ep) return reject(new Error('cluster down'));
    https
      .get(`${ep.url}${resource}`, { ca: ep.caCert, headers: { Authorization: `Bearer ${ep.token}` } }, (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => {
          const list = JSON.parse(text);
          lastRevision = Number(list.metadata.resourceVersion);
          resolve(list.items.length);
        });
      })
      .on('error', reject);
  });
}

async function soak(minutes: number, speed: number, watches: number): Promise<void> {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-soak-'));
  const repo = path.join(root, 'repo');
  fs.cpSync(SAMPLE, repo, { recursive: true });
  git(repo, 'init', '-q', '-b', 'main');
  git(repo, 'add', '-A');
  git(repo, 'commit', '-q', '-m', 'guestbook');

  let child: ChildProcess | undefined;
  let ep: Endpoint | undefined;
  let crashes = 0;
  let streamErrors = 0;
  let stopping = false;
  const crashLines: string[] = [];
  const start = (): Promise<void> =>
    new Promise((resolve) => {
      const c = spawn(process.execPath, [__filename, 'serve', root, String(speed)], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child = c;
      let out = '';
      let err = '';
      c.stdout!.on('data', (d) => {
        out += d;
        const m = /READY (.*)\n/.exec(out);
        if (m && !ep) {
          ep = JSON.parse(m[1]);
          resolve();
        }
      });
      c.stderr!.on('data', (d) => {
        err = (err + d).slice(-4000);
        // the API server logs each stream error other than a client going away (a write after end would be one)
        streamErrors += String(d).split('apiserver: response stream').length - 1;
      });
      c.on('exit', (code, signal) => {
        if (stopping) return;
        crashes++;
        crashLines.push(`exit ${code ?? signal}: ${err.trim().split('\n').slice(-3).join(' | ')}`);
        ep = undefined;
        void start();
      });
    });
  await start();
  const t0 = Date.now();
  const end = t0 + minutes * 60_000;

  // raw watches as client-go's reflectors make them: timeoutSeconds 300-599 with bookmarks, re-watched at the end
  let watchEnds = 0;
  let bookmarks = 0;
  let events = 0;
  const rawWatch = (resource: string) => {
    if (stopping) return;
    if (!ep) {
      setTimeout(() => rawWatch(resource), 500);
      return;
    }
    const timeout = 300 + Math.floor(Math.random() * 300);
    const url = `${ep.url}${resource}?watch=true&allowWatchBookmarks=true&timeoutSeconds=${timeout}`;
    const req = https.get(url, { ca: ep.caCert, headers: { Authorization: `Bearer ${ep.token}` } }, (res) => {
      res.setEncoding('utf8');
      res.on('data', (d: string) => {
        bookmarks += d.split('"type":"BOOKMARK"').length - 1;
        events += d.split('\n').length - 1;
      });
      res.on('end', () => {
        watchEnds++;
        rawWatch(resource);
      });
      res.on('error', () => undefined);
    });
    req.on('error', () => setTimeout(() => rawWatch(resource), 500));
  };
  const resources = [
    '/api/v1/pods',
    '/api/v1/configmaps',
    '/apis/apps/v1/deployments',
    '/api/v1/services',
    '/api/v1/events',
    '/apis/apps/v1/replicasets',
  ];
  for (let i = 0; i < watches; i++) rawWatch(resources[i % resources.length]);

  // kubectl get -w, restarted when the server ends its watch
  let kubectlRuns = 0;
  const kubectls = new Set<ChildProcess>();
  const kubectlWatch = (args: string[]) => {
    if (stopping) return;
    if (!ep) {
      setTimeout(() => kubectlWatch(args), 500);
      return;
    }
    kubectlRuns++;
    const env = { ...process.env, HOME: root };
    const k = spawn('kubectl', ['--kubeconfig', ep.kubeconfig, ...args], { stdio: 'ignore', env });
    kubectls.add(k);
    k.on('exit', () => {
      kubectls.delete(k);
      setTimeout(() => kubectlWatch(args), 200);
    });
  };
  kubectlWatch(['get', 'pods', '-A', '-w']);
  kubectlWatch(['get', 'configmaps', '-A', '-w']);
  kubectlWatch(['get', 'deployments', '-A', '-w', '--output-watch-events']);

  // a commit every 3 minutes, so the syncer syncs now and then as well as idling
  let commits = 0;
  const committer = setInterval(() => {
    commits++;
    const file = path.join(repo, 'config.yaml');
    fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace(/\n# soak \d+\n?$/, '') + `\n# soak ${commits}\n`);
    git(repo, 'commit', '-q', '-am', `soak ${commits}`);
  }, 180_000);

  const samples: { min: number; rss: number }[] = [];
  const hours = ((minutes * speed) / 60).toFixed(1);
  console.log(
    `soak: ${minutes} min at clock speed ${speed} (${hours} cluster hours), ${watches} raw watches, 3 kubectl -w`,
  );
  while (Date.now() < end) {
    await new Promise((r) => setTimeout(r, Math.min(30_000, end - Date.now())));
    const rss = child?.pid !== undefined ? rssMiB(child.pid) : undefined;
    const min = (Date.now() - t0) / 60_000;
    if (rss !== undefined) samples.push({ min, rss });
    console.log(
      `  ${min.toFixed(1)} min  rss ${rss?.toFixed(0) ?? '-'} MiB  crashes ${crashes}  watch ends ${watchEnds}` +
        `  bookmarks ${bookmarks}  kubectl runs ${kubectlRuns}`,
    );
  }
  // what the store holds at the end, to tell growth of the cluster's data from a leak
  const counts: string[] = [];
  for (const r of ['/api/v1/events', '/api/v1/pods', '/apis/apps/v1/replicasets', '/api/v1/configmaps']) {
    const n = await countItems(ep, r).catch(() => undefined);
    counts.push(`${r.split('/').pop()} ${n ?? '?'}`);
  }
  stopping = true;
  clearInterval(committer);
  for (const k of kubectls) k.kill('SIGTERM');
  child?.kill('SIGTERM');
  await new Promise((r) => (child && child.exitCode === null ? child.once('exit', r) : r(undefined)));

  const after = samples.filter((s) => s.min >= Math.min(2, minutes / 3));
  const rss = after.map((s) => s.rss);
  console.log('soak results:');
  console.log(
    `  crashes: ${crashes}${crashLines.length ? ` (${crashLines.join('; ')})` : ''}; stream errors logged: ${streamErrors}`,
  );
  console.log(
    `  watches ended by their timeout and re-made: ${watchEnds}; bookmarks: ${bookmarks}; events: ${events};` +
      ` kubectl -w runs: ${kubectlRuns}; commits: ${commits}`,
  );
  console.log(`  objects at the end: ${counts.join(', ')}; store revision ${lastRevision}`);
  if (rss.length) {
    const f = (n: number) => n.toFixed(0);
    console.log(
      `  RSS after warm-up: first ${f(rss[0])} MiB, min ${f(Math.min(...rss))}, max ${f(Math.max(...rss))},` +
        ` last ${f(rss[rss.length - 1])} MiB`,
    );
  }
  fs.rmSync(root, { recursive: true, force: true });
}

const [mode, ...rest] = process.argv.slice(2);
if (mode === 'serve') {
  serve(rest[0], Number(rest[1])).catch((e) => {
    console.error(e);
    process.exit(1);
  });
} else {
  const [minutes = '30', speed = '10', watches = '8'] = process.argv.slice(2);
  soak(Number(minutes), Number(speed), Number(watches)).then(
    () => process.exit(0),
    (e) => {
      console.error(e);
      process.exit(1);
    },
  );
}
