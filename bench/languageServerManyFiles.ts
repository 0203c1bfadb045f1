// Language-server benchmark: every file of a generated repository opened at once, as an editor restoring a
// session does. Measures, from the burst of didOpen, when each file's first diagnostics arrive (the first, the
// median, the last) and the server's peak RSS, for Slipway's server and yaml-language-server (same definitions).
//   node out/bench/languageServerManyFiles.js [--files 900] [--server slipway|yaml|both] [--broken-every 30]
//       [--runs 1] [--cpu-prof DIR]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LanguageServerSession, ServerCommand } from './lsp/languageServerSession';
import { generateManifests } from './lsp/manifestFiles';
import { writeKubernetesJsonSchema } from './lsp/kubernetesJsonSchema';
import { slipwayServer, yamlLanguageServer } from './lsp/servers';
import { median } from './lsp/stats';

interface Options {
  files: number;
  servers: ('slipway' | 'yaml')[];
  /** every n-th file gets a run of broken lines (syntax errors), 0 for none */
  brokenEvery: number;
  /** bursts per server, each with a fresh server (the slow runs came and went between runs) */
  runs: number;
  /** a CPU profile of each server process is written here */
  cpuProfileDir?: string;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { files: 900, servers: ['slipway', 'yaml'], brokenEvery: 30, runs: 1 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    if (v === undefined) throw new Error(`${a} needs a value`);
    if (a === '--files' || a === '--broken-every' || a === '--runs') {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 0) throw new Error(`${a}: expected a whole number, got ${JSON.stringify(v)}`);
      if (a === '--files') o.files = n;
      else if (a === '--runs') o.runs = Math.max(1, n);
      else o.brokenEvery = n;
    } else if (a === '--cpu-prof') {
      o.cpuProfileDir = path.resolve(v);
    } else if (a === '--server') {
      if (v === 'both') o.servers = ['slipway', 'yaml'];
      else if (v === 'slipway' || v === 'yaml') o.servers = [v];
      else throw new Error(`--server: expected slipway, yaml or both, got ${JSON.stringify(v)}`);
    } else throw new Error(`unknown argument ${JSON.stringify(a)}`);
  }
  return o;
}

/**
 * A repository of `files` files: environments × apps folders, each file a ConfigMap, Deployment and Service
 * of one app (the same names in every environment, as real multi-environment repositories have); every
 * `brokenEvery`-th file ends with twenty lines indented wrongly (a syntax error on each).
 */
function writeRepository(dir: string, files: number, brokenEvery: number): string[] {
  const app = generateManifests(9).text;
  const out: string[] = [];
  const envs = ['dev', 'staging', 'production'];
  for (let i = 0; i < files; i++) {
    const env = envs[i % envs.length];
    const folder = path.join(dir, 'envs', env, `app-${Math.floor(i / envs.length)}`);
    fs.mkdirSync(folder, { recursive: true });
    let text = app.replace(/app-(\d+)/g, (_, n) => `app-${Math.floor(i / envs.length)}-${n}`);
    if (brokenEvery && i % brokenEvery === brokenEvery - 1)
      text += '---\napiVersion: v1\nkind: ConfigMap\ndata:\n' + '  key: [unclosed\n bad: indent\n'.repeat(10);
    const file = path.join(folder, 'manifests.yaml');
    fs.writeFileSync(file, text);
    out.push(file);
  }
  return out;
}

interface Result {
  server: string;
  files: number;
  firstMs: number;
  medianMs: number;
  allMs: number;
  peakRssMiB: number;
}

async function measure(server: ServerCommand, dir: string, files: string[]): Promise<Result> {
  const session = await LanguageServerSession.start(server, dir, 120_000);
  try {
    const texts = files.map((f) => fs.readFileSync(f, 'utf8'));
    const uris = files.map((f) => pathToFileURL(f).href);
    const t0 = performance.now();
    uris.forEach((uri, i) => session.open(uri, texts[i]));
    const arrivals = await Promise.all(
      uris.map((uri) => session.diagnosticsAfter(uri, t0, 180_000).then((p) => p.receivedAt - t0)),
    );
    await session.quiet(500, 10_000);
    return {
      server: server.name,
      files: files.length,
      firstMs: Math.min(...arrivals),
      medianMs: median(arrivals),
      allMs: Math.max(...arrivals),
      peakRssMiB: session.memory.peakMiB(),
    };
  } finally {
    await session.stop();
  }
}

const fmt = (ms: number) => (ms >= 1000 ? `${(ms / 1000).toFixed(2)} s` : `${ms.toFixed(0)} ms`);

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-bench-many-'));
  try {
    const repo = path.join(root, 'repo');
    const files = writeRepository(repo, o.files, o.brokenEvery);
    const results: Result[] = [];
    for (let run = 0; run < o.runs; run++) {
      for (const name of o.servers) {
        const server =
          name === 'slipway'
            ? slipwayServer(o.cpuProfileDir)
            : yamlLanguageServer(writeKubernetesJsonSchema(root, 'kind-tree'), o.cpuProfileDir);
        process.stderr.write(`${name}: opening ${files.length} files at once\n`);
        results.push(await measure(server, repo, files));
      }
    }
    console.log('| server | files | first file’s diagnostics | median file | all files | peak RSS |');
    console.log('|---|---|---|---|---|---|');
    for (const r of results)
      console.log(
        `| ${r.server} | ${r.files} | ${fmt(r.firstMs)} | ${fmt(r.medianMs)} | ${fmt(r.allMs)} | ` +
          `${r.peakRssMiB.toFixed(0)} MiB |`,
      );
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
