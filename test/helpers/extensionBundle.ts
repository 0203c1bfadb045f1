// Loads the bundled extension (dist/extension.js) in a fresh Node outside VS Code, with an inert stand-in for
// `vscode` (the host's API), and reports what loading cost and which of dist/'s files it pulled in. The bundle
// test and the extension benchmark both use it.
import { execFileSync } from 'child_process';
import * as path from 'path';

const LOAD = `
const Module = require('module');
const path = require('path');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  return request === 'vscode' ? 'vscode' : resolve.call(this, request, ...rest);
};
const inert = new Proxy(function () {}, { get: () => inert });
require.cache.vscode = { id: 'vscode', filename: 'vscode', loaded: true, exports: inert };
const cpu = process.cpuUsage();
const t = process.hrtime.bigint();
const exported = require(process.argv[1]);
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({
  wallMs: Number(process.hrtime.bigint() - t) / 1e6,
  cpuMs: (used.user + used.system) / 1000,
  exports: Object.keys(exported),
  loaded: Object.keys(require.cache).filter((f) => f !== 'vscode').map((f) => path.basename(f)),
}));`;

export interface BundleLoad {
  wallMs: number;
  /** user + system CPU of the require, less sensitive than wallMs to other work on the machine */
  cpuMs: number;
  /** what the module exports (activate, deactivate) */
  exports: string[];
  /** base names of the files Node loaded for it */
  loaded: string[];
}

export function loadExtensionBundle(file: string): BundleLoad {
  const absolute = path.resolve(file);
  return JSON.parse(execFileSync(process.execPath, ['-e', LOAD, absolute], { encoding: 'utf8' })) as BundleLoad;
}
