// One VS Code window per describe block: `useVsCode({ files })` registers mocha hooks that package the extension
// (once), install the .vsix into a fresh code-server, open the workspace in headless Chromium, and stop both
// afterwards. A failing test leaves a screenshot in out/e2e/ and prints the server's output and browser errors.
// A scenario is a test file such as:
//   describe('deploying from VS Code', function () {
//     const vs = useVsCode({ prepare: (dir) => makeGitRepoWithSample(dir) });
//     it('starts and shows the app', async function () {
//       await vs.workbench.runCommand('Slipway: Start');
//       await vs.workbench.openContainer('Slipway');
//       await vs.workbench.waitForTreeRow('Applications', /guestbook.*Synced/, 30_000);
//     });
//   });
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { chromium, type BrowserContext, type Page } from 'playwright-core';
import { CodeServer, isolatedEnv, startCodeServer } from './codeServer';
import { e2eTools } from './e2eTools';
import { packagedVsix } from './vsix';
import { Workbench } from './workbench';

export interface VsCodeOptions {
  /** files of the workspace folder, by path relative to it */
  files?: Record<string, string>;
  /** prepares the workspace folder further (a git repository, a sample copied in), after `files` */
  prepare?: (workspace: string) => void | Promise<void>;
  /** the workspace folder's name (an app deployed by Slipway: Start is named after it); default "workspace" */
  folder?: string;
  /** user settings */
  settings?: Record<string, unknown>;
  /** the KUBECONFIG the window sees; default a file of the session with no context */
  kubeconfig?: string;
}

const EMPTY_KUBECONFIG = 'apiVersion: v1\nkind: Config\nclusters: []\ncontexts: []\nusers: []\n';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-dev-shm-usage',
];

export class VsCodeSession {
  /** the session's temp folder: workspace/, user-data/, extensions/, chromium/, kubeconfig */
  root = '';
  workspace = '';
  kubeconfig = '';
  /** browser console errors and uncaught page errors, for diagnosing a failure */
  readonly browserErrors: string[] = [];
  private server: CodeServer | undefined;
  private browser: BrowserContext | undefined;
  private window: Workbench | undefined;

  get workbench(): Workbench {
    if (!this.window) throw new Error('the VS Code window is not open: use the session inside its describe block');
    return this.window;
  }

  get page(): Page {
    return this.workbench.page;
  }

  get isOpen(): boolean {
    return this.window !== undefined;
  }

  get codeServer(): CodeServer {
    if (!this.server) throw new Error('code-server is not running');
    return this.server;
  }

  async start(options: VsCodeOptions): Promise<void> {
    const tools = e2eTools();
    if ('skip' in tools) throw new Error(tools.skip);
    this.root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-e2e-'));
    this.workspace = path.join(this.root, options.folder ?? 'workspace');
    fs.mkdirSync(this.workspace);
    for (const [file, text] of Object.entries(options.files ?? {})) {
      fs.mkdirSync(path.dirname(path.join(this.workspace, file)), { recursive: true });
      fs.writeFileSync(path.join(this.workspace, file), text);
    }
    await options.prepare?.(this.workspace);
    this.kubeconfig = options.kubeconfig ?? path.join(this.root, 'kubeconfig');
    if (!options.kubeconfig) fs.writeFileSync(this.kubeconfig, EMPTY_KUBECONFIG);

    this.server = await startCodeServer({
      codeServer: tools.codeServer,
      vsix: packagedVsix(),
      root: this.root,
      workspace: this.workspace,
      kubeconfig: this.kubeconfig,
      settings: options.settings,
    });
    this.browser = await chromium.launchPersistentContext(path.join(this.root, 'chromium'), {
      executablePath: tools.chromium,
      headless: true,
      args: CHROMIUM_ARGS,
      env: isolatedEnv(this.root, this.kubeconfig) as Record<string, string>,
      viewport: { width: 1280, height: 800 },
    });
    const page = this.browser.pages()[0] ?? (await this.browser.newPage());
    page.on('console', (m) => {
      if (m.type() === 'error') this.browserErrors.push(m.text());
    });
    page.on('pageerror', (e) => this.browserErrors.push(e.message));
    await page.goto(`${this.server.url}/?folder=${encodeURIComponent(this.workspace)}`);
    await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    this.window = new Workbench(page);
  }

  /** The extension host's log lines so far (activation failures show up there). */
  extensionHostLog(): string {
    const logs: string[] = [];
    const walk = (dir: string): void => {
      if (!fs.existsSync(dir)) return;
      for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
        const p = path.join(dir, e.name);
        if (e.isDirectory()) walk(p);
        else if (/exthost\.log$|remoteexthost\.log$/.test(e.name)) logs.push(fs.readFileSync(p, 'utf8'));
      }
    };
    walk(this.codeServer.logsDir);
    return logs.join('\n');
  }

  async stop(): Promise<void> {
    await this.browser?.close().catch(() => undefined);
    await this.server?.stop();
    this.browser = undefined;
    this.server = undefined;
    this.window = undefined;
    if (this.root) fs.rmSync(this.root, { recursive: true, force: true });
  }
}

let announcedSkip = false;

/** A VS Code window for the tests of the enclosing describe block; skipped (with the reason) unless SLIPWAY_E2E=1. */
export function useVsCode(options: VsCodeOptions = {}): VsCodeSession {
  const session = new VsCodeSession();
  before(async function () {
    const tools = e2eTools();
    if ('skip' in tools) {
      if (!announcedSkip) console.log(`      (${tools.skip})`);
      announcedSkip = true;
      this.skip();
    }
    this.timeout(240_000); // packaging, install, and a cold workbench on a loaded 2-core machine
    await session.start(options);
  });
  afterEach(async function () {
    if (this.currentTest?.state !== 'failed' || !session.root) return;
    const name = this.currentTest.fullTitle().replace(/[^\w-]+/g, '-');
    if (session.isOpen) {
      await session.workbench.screenshot(`failed-${name}`).catch(() => undefined);
      console.log(`--- code-server output:\n${session.codeServer.output().slice(-4000)}`);
      console.log(`--- extension host log:\n${session.extensionHostLog().slice(-4000)}`);
    }
    console.log(`--- browser errors:\n${session.browserErrors.slice(-20).join('\n')}`);
  });
  after(async function () {
    this.timeout(30_000);
    await session.stop();
  });
  return session;
}
