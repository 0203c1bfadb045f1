// The packaged extension the e2e tests install: `npm run package` once per test run, unless the .vsix is newer
// than everything that goes into it.
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { REPO_ROOT } from './e2eTools';

const INPUTS = ['client', 'kube', 'kubeclient', 'server', 'syncer', 'cluster', 'media', 'package.json', 'README.md'];

function newestChange(file: string): number {
  const stat = fs.statSync(file);
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const entry of fs.readdirSync(file)) {
    if (entry === 'generated') continue; // rebuilt by every build, from inputs already compared
    newest = Math.max(newest, newestChange(path.join(file, entry)));
  }
  return newest;
}

let packaged: string | undefined;

/** The path of slipway-<version>.vsix, packaged now if it is missing or older than its sources. */
export function packagedVsix(): string {
  if (packaged) return packaged;
  const { version } = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string };
  const vsix = path.join(REPO_ROOT, `slipway-${version}.vsix`);
  const sources = Math.max(...INPUTS.map((i) => newestChange(path.join(REPO_ROOT, i))));
  if (!fs.existsSync(vsix) || fs.statSync(vsix).mtimeMs < sources) {
    execFileSync('npm', ['run', 'package'], { cwd: REPO_ROOT, stdio: ['ignore', 'ignore', 'inherit'] });
  }
  packaged = vsix;
  return vsix;
}
