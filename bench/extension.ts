// Extension benchmark, in a real VS Code (code-server) driven in headless Chromium, with the packaged .vsix:
// cold open of the first YAML file to its first squiggle, the extension's activation time as VS Code reports it
// (Developer: Show Running Extensions: code loading plus activate() up to its first await), and the .vsix size.
// Each run is a fresh window (new user data, extension host and language server). On a machine shared with other
// work the wall-clock figures grow with the load, so the parts are also measured in CPU time, each in a fresh
// process: loading dist/extension.js (VS Code's "code loading"), and the bundled language server from spawn to
// its first diagnostics. bench/RESULTS.md records one run.
//   npm run bench:extension            (after .ci/install-e2e; same as node out/bench/extension.js --runs 3)
//   node out/bench/extension.js [--runs N] [--parts-only]   (--parts-only: no VS Code window, no code-server needed)
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { VsCodeSession } from '../test/e2e/helpers/vscodeSession';
import { loadExtensionBundle } from '../test/helpers/extensionBundle';
import { packagedVsix } from '../test/e2e/helpers/vsix';
import { LanguageServerSession } from './lsp/languageServerSession';
import { median } from './lsp/stats';
import { BAD_REPLICAS_DEPLOYMENT } from '../test/helpers/manifests';

const DIST = path.resolve(__dirname, '../../dist');

interface Run {
  /** Enter in quick open → the editor shows the file */
  editorMs: number;
  /** Enter in quick open → the extension host starts activating Slipway (from its log) */
  activationStartMs: number;
  /** Enter in quick open → the first error squiggle */
  squiggleMs: number;
  /** VS Code's "Activation" figure for the extension */
  activationMs: number;
}

/** The log line's wall-clock time ("2026-12-06 07:01:01.610 [info] ..."), as written in local time. */
function logTime(log: string, pattern: RegExp): number | undefined {
  const line = log.split('\n').find((l) => pattern.test(l));
  const stamp = line && /^(\d{4}-\d\d-\d\d) (\d\d:\d\d:\d\d\.\d{3})/.exec(line);
  return stamp ? new Date(`${stamp[1]}T${stamp[2]}`).getTime() : undefined;
}

async function untilLogged(session: VsCodeSession, pattern: RegExp, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  // the log is a file the extension host appends to: look again every 100 ms
  while (logTime(session.extensionHostLog(), pattern) === undefined) {
    if (Date.now() > deadline) throw new Error(`the extension host did not log ${pattern} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function oneRun(): Promise<Run> {
  const session = new VsCodeSession();
  await session.start({ files: { 'deploy/web.yaml': BAD_REPLICAS_DEPLOYMENT } });
  try {
    const { page } = session;
    // a window that has finished starting: its extension host is up and the eager extensions are active
    await untilLogged(session, /Eager extensions activated/, 60_000);
    await page.keyboard.press('Control+P');
    await page.locator('.quick-input-widget input.input').fill('deploy/web.yaml');
    await page.locator('.quick-input-list .monaco-list-row', { hasText: 'web.yaml' }).first().waitFor();
    const opened = Date.now();
    await page.keyboard.press('Enter');
    await page.locator('.tab.active[aria-label^="web.yaml"]').waitFor({ timeout: 30_000 });
    const editorMs = Date.now() - opened;
    await page.locator('.monaco-editor .squiggly-error').first().waitFor({ timeout: 60_000 });
    const squiggleMs = Date.now() - opened;
    const started = logTime(session.extensionHostLog(), /_doActivateExtension slipway\.slipway/);
    if (started === undefined) throw new Error('the extension host log does not show Slipway activating');

    await session.workbench.runCommand('Developer: Show Running Extensions');
    const row = page.locator('.runtime-extensions-editor .monaco-list-row', { hasText: 'Slipway' }).first();
    await row.waitFor({ timeout: 15_000 });
    const activation = /Activation: (\d+)ms/.exec(await row.innerText());
    if (!activation) throw new Error(`no activation time for Slipway in: ${await row.innerText()}`);
    return { editorMs, activationStartMs: started - opened, squiggleMs, activationMs: Number(activation[1]) };
  } finally {
    await session.stop();
  }
}

interface Part {
  wallMs: number;
  cpuMs: number;
}

/** The bundled language server, spawned as the extension does, to its first diagnostics of the manifest. */
async function serverToFirstDiagnostics(): Promise<Part> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-ext-'));
  const server = path.join(DIST, 'server.js');
  const started = performance.now();
  // start() waits for the server to be quiet for 500 ms after initialize: not counted
  const session = await LanguageServerSession.start(
    { name: 'slipway', command: process.execPath, args: [server, '--stdio'], cwd: dir, settings: { slipway: {} } },
    dir,
    60_000,
  );
  try {
    const initialized = performance.now() - started - 500;
    const uri = pathToFileURL(path.join(dir, 'web.yaml')).href;
    const sent = session.open(uri, BAD_REPLICAS_DEPLOYMENT);
    const publish = await session.diagnosticsAfter(uri, sent, 30_000);
    return { wallMs: initialized + (publish.receivedAt - sent), cpuMs: session.cpuMs() };
  } finally {
    await session.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const runsArg = process.argv.indexOf('--runs');
  const runs = runsArg > 0 ? Number(process.argv[runsArg + 1]) : 3;
  process.env.SLIPWAY_E2E = '1'; // a missing code-server or Chromium is an error here, not a skip
  const loadBefore = os.loadavg();
  const vsix = packagedVsix();
  const size = fs.statSync(vsix).size;
  console.log(`${vsix}: ${(size / 1024 / 1024).toFixed(2)} MB (goal ≤ 4 MB)`);

  const partsOnly = process.argv.includes('--parts-only');
  const results: Run[] = [];
  for (let i = 0; i < (partsOnly ? 0 : runs); i++) {
    const r = await oneRun();
    results.push(r);
    console.log(
      `run ${i + 1}: editor ${r.editorMs} ms, activation starts ${r.activationStartMs} ms, ` +
        `first squiggle ${r.squiggleMs} ms after Enter; activation ${r.activationMs} ms`,
    );
  }
  const med = (f: (r: Run) => number): string => `${median(results.map(f)).toFixed(0)} ms`;
  const fmt = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');
  if (results.length) {
    console.log(`median of ${runs} cold windows:`);
    console.log(`  open → first squiggle ${med((r) => r.squiggleMs)} (goal ≤ 1.5 s)`);
    console.log(
      `  open → editor shown ${med((r) => r.editorMs)}; ` +
        `open → activation starts ${med((r) => r.activationStartMs)}`,
    );
    console.log(`  activation (VS Code's figure) ${med((r) => r.activationMs)} (goal ≤ 150 ms)`);
  }

  const loads = Array.from({ length: runs }, () => loadExtensionBundle(path.join(DIST, 'extension.js')));
  const pulled = loads.flatMap((l) => l.loaded.filter((f) => f !== 'extension.js'));
  if (pulled.length) throw new Error(`loading dist/extension.js loaded ${[...new Set(pulled)].join(', ')} too`);
  const servers: Part[] = [];
  for (let i = 0; i < runs; i++) servers.push(await serverToFirstDiagnostics());
  const part = (list: Part[]): string =>
    `CPU ${median(list.map((p) => p.cpuMs)).toFixed(0)} ms (wall ${median(list.map((p) => p.wallMs)).toFixed(0)} ms)`;
  console.log(`parts, median of ${runs} fresh processes:`);
  console.log(`  loading dist/extension.js: ${part(loads)}; nothing else of dist/ loaded`);
  console.log(`  dist/server.js spawn → first diagnostics: ${part(servers)} (the server's CPU, 10 ms ticks)`);
  console.log(`load average (1/5/15 min) before: ${fmt(loadBefore)}; at the end: ${fmt(os.loadavg())}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
