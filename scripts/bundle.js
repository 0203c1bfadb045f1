#!/usr/bin/env node
'use strict';
// Bundles what the VS Code extension ships, with esbuild, into dist/ (run by `npm run bundle` and `npm run package`):
//   dist/extension.js   the extension (client/extension.ts), loaded by VS Code at activation
//   dist/server.js      the language server (server/main.ts), started by the extension over IPC
//   dist/slipway.js     the `slipway` CLI (syncer/cli.ts), run by "Slipway: Start" under VS Code's own Node
//   dist/kubeconfig.js  @kubernetes/client-node (kubeconfig authentication), required only when a cluster is
//                       reached by kubeconfig, so activation never parses it; shared by extension.js and slipway.js
//   dist/generated/k8s-schemas.json  the Kubernetes schemas, found by kube/schemas.ts next to the bundles
//   dist/generated/crd-catalog.json  the language server's CRD catalog (server/workspace/crdCatalog.ts)
// Run `npm run build` (or at least scripts/build-schemas.js) first: the schemas are generated there.

const esbuild = require('esbuild');
const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const DIST = path.join(ROOT, 'dist');
const SCHEMAS = path.join(ROOT, 'kube/generated/k8s-schemas.json');
const CRD_CATALOG = path.join(ROOT, 'kube/generated/crd-catalog.json');
const KUBECONFIG_PACKAGE = '@kubernetes/client-node';

/** Resolves the kubeconfig package to the shared dist/kubeconfig.js, required at need from next to the bundle. */
const kubeconfigOutside = {
  name: 'kubeconfig-outside',
  setup(build) {
    build.onResolve({ filter: /^@kubernetes\/client-node$/ }, () => ({ path: './kubeconfig.js', external: true }));
  },
};

/**
 * Native addons are never bundled: the bundles run under VS Code's own Node, for which no addon was built. The
 * engine client's SSH transport (ssh2, through dockerode) loads its optional ones inside try/catch and falls back to
 * JavaScript, so requiring one throws here as on a machine where they failed to build.
 */
const noNativeAddons = {
  name: 'no-native-addons',
  setup(build) {
    build.onResolve({ filter: /\.node$/ }, (args) => ({ path: args.path, namespace: 'no-native-addon' }));
    build.onLoad({ filter: /.*/, namespace: 'no-native-addon' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`native addon ${args.path} is not bundled`)});`,
      loader: 'js',
    }));
  },
};

const common = {
  bundle: true,
  platform: 'node',
  format: 'cjs',
  target: 'node20',
  minify: true,
  sourcemap: 'external',
  legalComments: 'none',
  logLevel: 'warning',
  // the bundles sit in dist/; each is one file that VS Code's Node runs as is
  absWorkingDir: ROOT,
};

const bundles = [
  {
    entryPoints: ['client/extension.ts'],
    outfile: 'dist/extension.js',
    external: ['vscode'],
    plugins: [kubeconfigOutside],
  },
  { entryPoints: ['server/main.ts'], outfile: 'dist/server.js' },
  // cli.ts's own #! line is kept
  { entryPoints: ['syncer/cli.ts'], outfile: 'dist/slipway.js', plugins: [kubeconfigOutside, noNativeAddons] },
  { entryPoints: [KUBECONFIG_PACKAGE], outfile: 'dist/kubeconfig.js' },
];

async function main() {
  if (!fs.existsSync(SCHEMAS)) {
    throw new Error(`${path.relative(ROOT, SCHEMAS)} is missing: run "npm run build" before bundling`);
  }
  fs.rmSync(DIST, { recursive: true, force: true });
  const started = Date.now();
  await Promise.all(bundles.map((b) => esbuild.build({ ...common, ...b })));
  fs.mkdirSync(path.join(DIST, 'generated'), { recursive: true });
  fs.copyFileSync(SCHEMAS, path.join(DIST, 'generated/k8s-schemas.json'));
  // the language server's offline catalog of common ecosystems' CRDs (server/workspace/crdCatalog.ts)
  fs.copyFileSync(CRD_CATALOG, path.join(DIST, 'generated/crd-catalog.json'));
  fs.chmodSync(path.join(DIST, 'slipway.js'), 0o755);
  const sizes = fs
    .readdirSync(DIST)
    .filter((f) => f.endsWith('.js'))
    .map((f) => `${f} ${(fs.statSync(path.join(DIST, f)).size / 1024).toFixed(0)} KiB`);
  console.log(`bundled in ${Date.now() - started} ms: ${sizes.join(', ')}`);
}

main().catch((e) => {
  console.error(e.message ?? e);
  process.exit(1);
});
