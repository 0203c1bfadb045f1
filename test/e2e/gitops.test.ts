// The user's GitOps day in a real VS Code, on the packaged .vsix: Start from the palette deploys the workspace's
// git repository (the guestbook sample); a commit rolls the frontend out; a rollback from the History view brings
// the old image back and pins the app; Resume follows the branch again; a pod's logs are shown and followed; an
// invalid commit's error lands in the Problems panel on its file and line. Screenshots go to out/e2e/gitops-*.png,
// and the sidebar one also to docs/images/extension-sidebar.png (the README's) when SLIPWAY_UPDATE_SCREENSHOTS=1.
import * as assert from 'assert';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './helpers/e2eTools';
import { useVsCode } from './helpers/vscodeSession';

const SAMPLE = path.join(REPO_ROOT, 'samples/guestbook');
const OLD_IMAGE = 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v5';
const NEW_IMAGE = 'us-docker.pkg.dev/google-samples/containers/gke/gb-frontend:v6';

function git(dir: string, ...args: string[]): string {
  const env = { ...process.env, GIT_AUTHOR_NAME: 'Ada', GIT_AUTHOR_EMAIL: 'ada@example.com' };
  Object.assign(env, { GIT_COMMITTER_NAME: 'Ada', GIT_COMMITTER_EMAIL: 'ada@example.com' });
  return execFileSync('git', args, { cwd: dir, encoding: 'utf8', env }).trim();
}

/** The workspace: a git repository holding the guestbook sample, with .slipway/ (the cluster's state) ignored. */
function guestbookRepo(dir: string): void {
  fs.cpSync(SAMPLE, dir, { recursive: true });
  fs.writeFileSync(path.join(dir, '.gitignore'), '.slipway/\n');
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'guestbook');
}

describe('GitOps from VS Code: start, roll out, roll back, resume, logs, an invalid commit', function () {
  const vs = useVsCode({
    folder: 'guestbook',
    prepare: guestbookRepo,
    settings: {
      'slipway.startArguments': ['--nodes', '1'],
      // the DOM renderer, so the terminal's text is in the page
      'terminal.integrated.gpuAcceleration': 'off',
    },
  });
  const kubectl = (...args: string[]): string =>
    execFileSync('kubectl', ['--kubeconfig', path.join(vs.workspace, '.slipway/kubeconfig'), ...args], {
      encoding: 'utf8',
      timeout: 15_000,
    }).trim();
  const liveImage = (): string =>
    kubectl(
      '-n',
      'guestbook',
      'get',
      'deployment',
      'frontend',
      '-o',
      'jsonpath={.spec.template.spec.containers[0].image}',
    );
  /** Commits a change to a file of the workspace; returns the new commit's short sha. */
  const commit = (file: string, change: (text: string) => string, subject: string): string => {
    const full = path.join(vs.workspace, file);
    const text = fs.readFileSync(full, 'utf8');
    const changed = change(text);
    assert.notStrictEqual(changed, text, `${file}: the change changed nothing`);
    fs.writeFileSync(full, changed);
    git(vs.workspace, 'commit', '-qam', subject);
    return git(vs.workspace, 'rev-parse', '--short=7', 'HEAD');
  };
  const timings: Record<string, number> = {};

  // registered after useVsCode's, so it runs once the window and code-server are stopped
  after(async function () {
    this.timeout(15_000);
    if (Object.keys(timings).length)
      console.log(`      timings (ms, as seen in the window): ${JSON.stringify(timings)}`);
    if (!vs.workspace) return;
    // the `slipway up` that Start ran ends with the window
    const running = (): string[] =>
      execFileSync('ps', ['-eo', 'pid,args'], { encoding: 'utf8' })
        .split('\n')
        .filter((l) => l.includes('slipway.js up') && l.includes(vs.workspace));
    const deadline = Date.now() + 10_000;
    while (running().length && Date.now() < deadline) await new Promise((r) => setTimeout(r, 200));
    assert.deepStrictEqual(running(), [], 'slipway up still runs after the window closed');
  });

  it('starts from the palette: the app Synced and Healthy, its history, its pods in the Cluster view', async function () {
    this.timeout(120_000);
    const wb = vs.workbench;
    await wb.openContainer('Slipway');
    await wb.welcomeButtons('Applications');
    const t0 = Date.now();
    await wb.runCommand('Slipway: Start');
    // every tree populated: the app row (Applications), its first entry (History), the namespace (Cluster)
    const app = await wb.waitForTreeRow('Applications', /guestbook.*Synced/, 60_000);
    await app.click();
    await wb.waitForTreeRow('History', /#1 [0-9a-f]{7} guestbook/, 15_000);
    await wb.waitForTreeRow('Cluster', /^\s*guestbook\b/, 15_000);
    timings.startToTreesPopulated = Date.now() - t0;
    await wb.waitForTreeRow('Applications', /guestbook.*Synced [0-9a-f]{7} guestbook · Healthy/, 60_000);
    timings.startToHealthy = Date.now() - t0;

    await (await wb.waitForTreeRow('Cluster', /^\s*guestbook\b/)).click();
    await (await wb.waitForTreeRow('Cluster', /^\s*Pods\s*\d/)).click();
    await wb.waitForTreeRow('Cluster', /frontend-[a-z0-9]+-[a-z0-9]+.*Running · 1\/1/, 30_000);
    // 3 frontend pods and redis's (the tree renders only the rows that fit the pane)
    await wb.waitForTreeRow('Cluster', /^\s*Pods\s*4\s*$/, 30_000);
    await wb.screenshot('gitops-started');
  });

  it('shows a commit as a second History entry and rolls it out', async function () {
    this.timeout(90_000);
    const wb = vs.workbench;
    // a new image, and pods that log two lines a second (the simulated runtime's annotation) for the logs below
    const sha = commit(
      'frontend.yaml',
      (t) =>
        t
          .replace(OLD_IMAGE, NEW_IMAGE)
          .replace(
            '  template:\n    metadata:\n',
            '  template:\n    metadata:\n      annotations:\n        sim.slipway.dev/log-lines-per-second: "2"\n',
          ),
      'frontend v6',
    );
    await wb.waitForTreeRow('History', new RegExp(`#2 ${sha} frontend v6`), 60_000);
    await wb.waitForTreeRow('Applications', new RegExp(`guestbook.*Synced ${sha} frontend v6 · Healthy`), 60_000);
    assert.strictEqual(liveImage(), NEW_IMAGE);
    const rows = (await wb.treeRows('History')).map((r) => r.text);
    assert.match(rows[0], new RegExp(`^#2 ${sha} frontend v6\\s*live · Ada`));
    assert.match(rows[1], /^#1 [0-9a-f]{7} guestbook\s*Ada/);
    await wb.screenshot('gitops-rolled-out');
  });

  it('rolls back from the History view: the old image live, the app pinned; Resume follows the branch', async function () {
    this.timeout(90_000);
    const wb = vs.workbench;
    const first = await wb.waitForTreeRow('History', /^#1 /);
    await wb.contextMenu(first, 'Roll Back to This Revision');
    const dialog = wb.page.locator('.monaco-dialog-box');
    await dialog.waitFor({ timeout: 15_000 });
    assert.match(await dialog.innerText(), /Roll back guestbook to #1/);
    const t0 = Date.now();
    await dialog.locator('.monaco-button', { hasText: 'Roll back to #1' }).click();
    await wb.waitForTreeRow('Applications', /guestbook\s*pinned to #1/, 30_000);
    timings.rollbackClickToPinned = Date.now() - t0;
    assert.strictEqual(liveImage(), OLD_IMAGE);
    timings.rollbackClickToOldImageLive = Date.now() - t0;
    await wb.waitForTreeRow('History', /^#1 .*pinned/);
    await wb.screenshot('gitops-rolled-back');

    const app = await wb.waitForTreeRow('Applications', /guestbook\s*pinned to #1/);
    await wb.contextMenu(app, 'Resume Auto-Sync');
    const resumed = await wb.waitForTreeRow('Applications', /guestbook.*Synced [0-9a-f]{7} frontend v6/, 60_000);
    assert.doesNotMatch(await resumed.innerText(), /pinned/);
    await wb.waitForTreeRow('Applications', /guestbook.*Synced [0-9a-f]{7} frontend v6 · Healthy/, 60_000);
    assert.strictEqual(liveImage(), NEW_IMAGE);
  });

  it('shows a pod’s logs and follows them', async function () {
    this.timeout(90_000);
    const wb = vs.workbench;
    // the rolled-out pods (v6) log two lines a second
    const pod = await wb.waitForTreeRow('Cluster', /frontend-[a-z0-9]+-[a-z0-9]+.*Running · 1\/1/, 60_000);
    const podName = (await pod.locator('.label-name').innerText()).trim();
    const v6 = kubectl('-n', 'guestbook', 'get', 'pod', podName, '-o', 'jsonpath={.spec.containers[0].image}');
    assert.strictEqual(v6, NEW_IMAGE, `${podName} is a pod of the rollout`);

    await pod.hover();
    await pod.locator('.actions .action-label[aria-label="Show logs"]').click();
    const editor = wb.page.locator('.editor-instance .monaco-editor .view-lines').first();
    await wb.page
      .locator('.monaco-editor .view-lines', { hasText: `started from image ${NEW_IMAGE}` })
      .first()
      .waitFor({ timeout: 30_000 });
    assert.match(await editor.innerText(), /log\sline\s\d+/);
    await wb.screenshot('gitops-logs-shown');

    await pod.hover();
    await pod.locator('.actions .action-label[aria-label="Follow logs"]').click();
    const terminal = wb.page.locator('.terminal-wrapper.active .xterm-rows');
    await terminal.waitFor({ timeout: 30_000 });
    const lineNumbers = async (): Promise<number[]> =>
      [...(await terminal.innerText()).matchAll(/log\sline\s(\d+)/g)].map((m) => Number(m[1]));
    await wb.page
      .locator('.terminal-wrapper.active .xterm-rows', { hasText: /log\sline\s\d+/ })
      .waitFor({ timeout: 30_000 });
    const before = Math.max(...(await lineNumbers()));
    // following: lines written after the terminal opened arrive in it
    const rows = JSON.stringify('.terminal-wrapper.active .xterm-rows');
    await wb.page.waitForFunction(
      `[...(document.querySelector(${rows})?.innerText ?? '').matchAll(/log\\sline\\s(\\d+)/g)]` +
        `.some((m) => Number(m[1]) > ${before + 1})`,
      undefined,
      { timeout: 30_000 },
    );
    assert.ok(Math.max(...(await lineNumbers())) > before + 1);
    await wb.screenshot('gitops-logs-followed');
  });

  it('puts an invalid commit’s error in the Problems panel on its file and line', async function () {
    this.timeout(90_000);
    const wb = vs.workbench;
    // line 9 of redis.yaml: "replicas: 1" becomes a string
    const lines = fs.readFileSync(path.join(vs.workspace, 'redis.yaml'), 'utf8').split('\n');
    const line = lines.findIndex((l) => /^\s+replicas:/.test(l)) + 1;
    assert.ok(line > 0, 'redis.yaml has a replicas line');
    commit('redis.yaml', (t) => t.replace(/^(\s+replicas:).*$/m, '$1 three'), 'redis: three replicas');
    const counts = await wb.waitForProblems((c) => c.errors > 0, 60_000);
    assert.ok(counts.errors >= 1, counts.label);
    const errors = (await wb.problemRows()).filter((r) => r.startsWith('Error') && /slipway/.test(r));
    assert.ok(
      errors.some((e) => /replicas/.test(e) && new RegExp(`at line ${line} and character \\d+`).test(e)),
      errors.join('\n'),
    );
    const file = wb.page.locator('.markers-panel .monaco-list-row', { hasText: 'redis.yaml' }).first();
    await file.waitFor({ timeout: 15_000 });
    await wb.screenshot('gitops-invalid-commit');
  });

  it('shows the sidebar with Applications, History and Cluster populated (the README’s screenshot)', async function () {
    this.timeout(30_000);
    const wb = vs.workbench;
    await wb.openContainer('Slipway');
    // wide enough for the rows' descriptions: drag the sidebar's edge
    const box = (await vs.page.locator('.part.sidebar').boundingBox())!;
    await vs.page.mouse.move(box.x + box.width + 1, box.y + box.height / 2);
    await vs.page.mouse.down();
    await vs.page.mouse.move(box.x + box.width + 260, box.y + box.height / 2, { steps: 5 });
    await vs.page.mouse.up();
    await wb.waitForTreeRow('Applications', /guestbook/);
    await wb.waitForTreeRow('History', /^#2 /);
    await wb.waitForTreeRow('Cluster', /frontend-/);
    const file = await wb.screenshot('gitops-sidebar', vs.page.locator('.part.sidebar'));
    // the README's picture changes only when asked, so a test run leaves the tree as it was
    if (process.env.SLIPWAY_UPDATE_SCREENSHOTS === '1') {
      fs.copyFileSync(file, path.join(REPO_ROOT, 'docs/images/extension-sidebar.png'));
    }
  });
});
