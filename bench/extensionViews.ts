// Benchmarks of the extension's Start and rollback, through the same modules its commands use (no editor):
//  - "Start": ConnectionManager.start runs `node out/syncer/cli.js up <folder>` on a fresh git copy of
//    samples/guestbook, connects, and the Applications feed fills: until every tree has its rows (the app with
//    its resources, a History entry) and, separately, until the app is Synced and Healthy.
//  - "Start, reused": a second window's Start on the running cluster, to every tree populated.
//  - rollback: requestOperation({ rollback }) as the History view's action, from the request until the syncer
//    answers with the old revision applied (the app pinned), and until the app is Healthy again.
//   node out/bench/extensionViews.js [runs=3] [CLI]   (CLI: the `slipway` script to run; default dist/slipway.js, the
//   bundled one the extension ships, when built, else out/syncer/cli.js)
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Application } from '../kube/application';
import { ApplicationsFeed } from '../client/applications/applicationsFeed';
import { applicationItem, appRefOf } from '../client/applications/applicationModel';
import { requestOperation } from '../client/applications/applicationOperations';
import { ConnectionHub } from '../client/connection/connectionHub';
import { ConnectionManager } from '../client/connection/connectionManager';
import { historyRows } from '../client/history/historyModel';

const SAMPLE = path.resolve(__dirname, '../../samples/guestbook');
const BUNDLED = path.resolve(__dirname, '../../dist/slipway.js');
const CLI = process.argv[3] ?? (fs.existsSync(BUNDLED) ? BUNDLED : path.resolve(__dirname, '../syncer/cli.js'));

function git(dir: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Bench', GIT_AUTHOR_EMAIL: 'b@example.com' };
  Object.assign(env, { GIT_COMMITTER_NAME: 'Bench', GIT_COMMITTER_EMAIL: 'b@example.com' });
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env }).trim();
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Resolves with ms since `since` once feed's app satisfies test, on the feed's change events. */
function until(
  what: string,
  feed: ApplicationsFeed,
  test: (a: Application) => boolean,
  since: number,
): Promise<number> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`${what}: timed out after 60 s (app: ${JSON.stringify(feed.selected()?.status?.sync)})`)),
      60_000,
    );
    const check = () => {
      const app = feed.selected();
      if (app && test(app)) {
        clearTimeout(timer);
        sub.dispose();
        resolve(Date.now() - since);
      }
    };
    const sub = feed.onDidChange(check);
    check();
  });
}

const populated = (a: Application) =>
  !!a.status?.resources?.length && historyRows(a).length > 0 && /^Synced /.test(applicationItem(a).description);
const healthy = (a: Application) => a.status?.sync?.status === 'Synced' && a.status.health?.status === 'Healthy';

interface Figures {
  start: number;
  healthy: number;
  reused: number;
  rollback: number;
  back: number;
}

async function run(): Promise<Figures> {
  const folder = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-ext-'));
  fs.cpSync(SAMPLE, folder, { recursive: true });
  git(folder, 'init', '-q', '-b', 'main');
  git(folder, 'add', '-A');
  git(folder, 'commit', '-q', '-m', 'guestbook');
  const hub = new ConnectionHub();
  const feed = new ApplicationsFeed(hub);
  const manager = new ConnectionManager(hub);
  const hub2 = new ConnectionHub();
  const feed2 = new ApplicationsFeed(hub2);
  const manager2 = new ConnectionManager(hub2);
  try {
    const t0 = Date.now();
    await manager.start({ cli: CLI, folder });
    const start = await until('trees populated', feed, populated, t0);
    const toHealthy = await until('Healthy', feed, healthy, t0);

    const t1 = Date.now();
    await manager2.start({ cli: CLI, folder });
    const reused = await until('reused Start', feed2, populated, t1);

    // a second revision that rolls the frontend out, then back to the first (another rollout)
    const file = path.join(folder, 'frontend.yaml');
    const text = fs.readFileSync(file, 'utf8');
    const changed = text.replace(
      '  template:\n    metadata:\n',
      '  template:\n    metadata:\n      annotations: {bench: "2"}\n',
    );
    if (changed === text) throw new Error(`${file}: no pod template to change`);
    fs.writeFileSync(file, changed);
    git(folder, 'commit', '-qam', 'second');
    const tip = git(folder, 'rev-parse', 'HEAD');
    await until('second revision', feed, (a) => healthy(a) && a.status?.sync?.revision === tip, Date.now());
    const app = feed.selected()!;
    const first = app.status!.history![0];
    const t2 = Date.now();
    const r = await requestOperation(hub.current!, appRefOf(app), { rollback: { id: first.id } }, { command: 'bench' });
    const rollback = Date.now() - t2;
    if (r.state.phase !== 'Succeeded' || r.app.status?.pinned?.id !== first.id)
      throw new Error(`rollback: ${r.state.message}`);
    const back = await until(
      'rolled back',
      feed,
      (a) => a.status?.health?.status === 'Healthy' && a.status?.sync?.revision === first.revision,
      t2,
    );
    return { start, healthy: toHealthy, reused, rollback, back };
  } finally {
    await manager2.disconnect();
    await manager.disconnect();
    feed.dispose();
    feed2.dispose();
    fs.rmSync(folder, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runs = Number(process.argv[2] ?? 3);
  console.log(`slipway CLI: ${CLI}`);
  const results: Figures[] = [];
  for (let i = 0; i < runs; i++) {
    const r = await run();
    results.push(r);
    console.log(
      `run ${i + 1}: Start→trees populated ${r.start} ms (Healthy ${r.healthy} ms), reused Start→populated ` +
        `${r.reused} ms, rollback→old revision applied ${r.rollback} ms (Healthy ${r.back} ms)`,
    );
  }
  const m = (k: keyof Figures) => median(results.map((r) => r[k]));
  console.log(
    `median of ${runs}: Start→populated ${m('start')} ms, →Healthy ${m('healthy')} ms; reused ${m('reused')} ms; ` +
      `rollback→applied ${m('rollback')} ms, →Healthy ${m('back')} ms`,
  );
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
