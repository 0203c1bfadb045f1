// Language-server benchmark: Slipway's server against yaml-language-server (same Kubernetes 1.34
// definitions, offline) on generated multi-document files. Prints a table; bench/RESULTS.md records one run.
//   node out/bench/languageServer.js [--sizes 10,100,1000,5000] [--server slipway|yaml|both]
//       [--runs 3] [--edits 20] [--completions 50] [--yaml-schema kind-tree|if-then|oneOf] [--cpu-prof DIR] [--json FILE]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { LanguageServerSession, Publish, ServerCommand } from './lsp/languageServerSession';
import { generateManifests, generateSyntaxErrorFile, ManifestFile } from './lsp/manifestFiles';
import { KindSelection, writeKubernetesJsonSchema } from './lsp/kubernetesJsonSchema';
import { judgeDiagnostics, AccuracyReport } from './lsp/seededErrors';
import { slipwayServer, yamlLanguageServer } from './lsp/servers';
import { median, percentile } from './lsp/stats';

interface Options {
  sizes: number[];
  servers: ('slipway' | 'yaml')[];
  runs: number;
  edits: number;
  completions: number;
  yamlSchema: KindSelection;
  cpuProfileDir?: string;
  json?: string;
  /** per sampled loop (edits, completions): stop early past this many ms, keeping at least 3 samples */
  loopBudgetMs: number;
}

interface SizeResult {
  server: string;
  documents: number;
  lines: number;
  openMs: number[];
  /** CPU the server used from didOpen to its diagnostics (less sensitive than openMs to other load on the cores) */
  openCpuMs: number[];
  /** one run with the file in the workspace folder before the server started */
  openInWorkspaceMs: number;
  /** the first publish after didOpen held fewer diagnostics than the settled ones */
  firstPublishPartial: boolean;
  editMs: number[];
  completionMs: number[];
  completionItems: number;
  completionHasExpected: boolean;
  peakRssMiB: number;
  accuracy: AccuracyReport;
}

const SETTLE_QUIET_MS = 750;

function parseArgs(argv: string[]): Options {
  const o: Options = {
    sizes: [10, 100, 1000, 5000],
    servers: ['slipway', 'yaml'],
    runs: 3,
    edits: 20,
    completions: 50,
    yamlSchema: 'kind-tree',
    loopBudgetMs: 60_000,
  };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    const count = (v: string) => {
      const n = Number(v);
      if (!Number.isInteger(n) || n < 1)
        throw new Error(`${a}: expected a positive whole number, got ${JSON.stringify(v)}`);
      return n;
    };
    switch (a) {
      case '--sizes':
        o.sizes = value().split(',').map(count);
        for (const n of o.sizes)
          if (n < 9)
            throw new Error(
              `--sizes: ${n} documents is too few to seed every error apart from the edited one (at least 9)`,
            );
        break;
      case '--server': {
        const v = value();
        if (v === 'both') o.servers = ['slipway', 'yaml'];
        else if (v === 'slipway' || v === 'yaml') o.servers = [v];
        else throw new Error(`--server: expected slipway, yaml or both, got ${JSON.stringify(v)}`);
        break;
      }
      case '--runs':
        o.runs = count(value());
        break;
      case '--edits':
        o.edits = count(value());
        break;
      case '--completions':
        o.completions = count(value());
        break;
      case '--yaml-schema': {
        const v = value();
        if (v !== 'kind-tree' && v !== 'if-then' && v !== 'oneOf')
          throw new Error(`--yaml-schema: expected kind-tree, if-then or oneOf, got ${JSON.stringify(v)}`);
        o.yamlSchema = v;
        break;
      }
      case '--cpu-prof':
        o.cpuProfileDir = path.resolve(value());
        break;
      case '--json':
        o.json = path.resolve(value());
        break;
      case '--help':
        console.log(
          'node out/bench/languageServer.js [--sizes 10,100,1000,5000] [--server slipway|yaml|both] [--runs 3] [--edits 20] [--completions 50] [--yaml-schema kind-tree|if-then|oneOf] [--cpu-prof DIR] [--json FILE]',
        );
        process.exit(0);
      default:
        throw new Error(`unknown argument ${JSON.stringify(a)} (try --help)`);
    }
  }
  return o;
}

/** Generous limits: the peer needs several seconds per validation at 5,000 documents. */
function timeoutFor(documents: number): number {
  return 30_000 + documents * 20;
}

function log(message: string): void {
  process.stderr.write(`${message}\n`);
}

/**
 * Fresh servers on a workspace folder. The cold runs write the file only after the server started, so its
 * text first reaches the server with didOpen; the last run has the file in the folder from the start, so a
 * server that reads the workspace at start-up may have parsed it before didOpen.
 */
async function measureSize(server: ServerCommand, file: ManifestFile, dir: string, o: Options): Promise<SizeResult> {
  const filePath = path.join(dir, `manifests-${file.documents}.yaml`);
  const uri = pathToFileURL(filePath).href;
  const timeout = timeoutFor(file.documents);
  const result: SizeResult = {
    server: server.name,
    documents: file.documents,
    lines: file.lines,
    openMs: [],
    openCpuMs: [],
    openInWorkspaceMs: NaN,
    firstPublishPartial: false,
    editMs: [],
    completionMs: [],
    completionItems: 0,
    completionHasExpected: false,
    peakRssMiB: 0,
    accuracy: { verdicts: [], others: [] },
  };
  for (let run = 0; run <= o.runs; run++) {
    const inWorkspace = run === o.runs;
    if (inWorkspace) fs.writeFileSync(filePath, file.text);
    const session = await LanguageServerSession.start(server, dir, timeout);
    try {
      if (!inWorkspace) fs.writeFileSync(filePath, file.text);
      const cpu0 = session.cpuMs();
      const sentAt = session.open(uri, file.text);
      const first = await session.diagnosticsAfter(uri, sentAt, timeout);
      const ms = first.receivedAt - sentAt;
      const cpu = session.cpuMs() - cpu0;
      const label = inWorkspace ? 'file read with the workspace' : `cold run ${run + 1}/${o.runs}`;
      log(
        `  ${server.name} ${file.documents} documents, ${label}: didOpen → diagnostics ${ms.toFixed(0)} ms, server CPU ${cpu} ms (load average ${os.loadavg()[0].toFixed(1)})`,
      );
      if (inWorkspace) {
        result.openInWorkspaceMs = ms;
        continue;
      }
      result.openMs.push(ms);
      result.openCpuMs.push(cpu);
      if (run > 0) continue;
      const settled = (await session.settledDiagnostics(uri, Math.max(SETTLE_QUIET_MS, ms), timeout)) as Publish;
      result.firstPublishPartial = first.diagnostics.length < settled.diagnostics.length;
      result.accuracy = judgeDiagnostics(file.seeded, settled.diagnostics);
      await editLoop(session, uri, file, o, timeout, result);
      await completionLoop(session, uri, file, o, timeout, result);
    } finally {
      await session.stop();
      result.peakRssMiB = Math.max(result.peakRssMiB, session.memory.peakMiB());
      fs.rmSync(filePath, { force: true });
    }
  }
  return result;
}

/** Toggles `replicas: 3` ↔ `4` in the middle Deployment, one incremental change per sample. */
async function editLoop(
  session: LanguageServerSession,
  uri: string,
  file: ManifestFile,
  o: Options,
  timeout: number,
  result: SizeResult,
): Promise<void> {
  const t0 = performance.now();
  let version = 1;
  for (let i = 0; i < o.edits; i++) {
    if (i >= 3 && performance.now() - t0 > o.loopBudgetMs) break;
    version++;
    const { line, character } = file.editAt;
    const sentAt = session.change(uri, version, [
      {
        range: { start: { line, character }, end: { line, character: character + 1 } },
        text: version % 2 === 0 ? '4' : '3',
      },
    ]);
    const p = await session.diagnosticsAfter(uri, sentAt, timeout, version);
    result.editMs.push(p.receivedAt - sentAt);
    // let any further publish for this version pass before the next edit, so it cannot be taken for the next one
    await session.quiet(100, timeout);
  }
  if (version % 2 === 0) {
    // back to the generated text, so completion sees the same document for every server
    version++;
    const { line, character } = file.editAt;
    const sentAt = session.change(uri, version, [
      { range: { start: { line, character }, end: { line, character: character + 1 } }, text: '3' },
    ]);
    await session.diagnosticsAfter(uri, sentAt, timeout, version);
    await session.quiet(100, timeout);
  }
}

/** Completion on the indented blank line in the middle Deployment's container (container fields expected). */
async function completionLoop(
  session: LanguageServerSession,
  uri: string,
  file: ManifestFile,
  o: Options,
  timeout: number,
  result: SizeResult,
): Promise<void> {
  const t0 = performance.now();
  for (let i = 0; i < o.completions; i++) {
    if (i >= 3 && performance.now() - t0 > o.loopBudgetMs) break;
    const { ms, items } = await session.completion(uri, file.completionAt, timeout);
    result.completionMs.push(ms);
    if (i === 0) {
      result.completionItems = items.length;
      result.completionHasExpected = items.some((it) => it.label === 'workingDir' || it.label.startsWith('workingDir'));
    }
  }
}

/** The syntax-error file, in a fresh server of its own. */
async function measureSyntaxError(server: ServerCommand, dir: string): Promise<AccuracyReport> {
  const file = generateSyntaxErrorFile();
  const filePath = path.join(dir, 'syntax-error.yaml');
  fs.writeFileSync(filePath, file.text);
  const uri = pathToFileURL(filePath).href;
  const session = await LanguageServerSession.start(server, dir, 30_000);
  try {
    const sentAt = session.open(uri, file.text);
    await session.diagnosticsAfter(uri, sentAt, 30_000);
    const settled = (await session.settledDiagnostics(uri, SETTLE_QUIET_MS, 30_000)) as Publish;
    return judgeDiagnostics(file.seeded, settled.diagnostics);
  } finally {
    await session.stop();
    fs.rmSync(filePath, { force: true });
  }
}

// ---- output

const fmtMs = (n: number) =>
  Number.isNaN(n) ? '—' : n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;
const fmtMiB = (n: number) => (n >= 1024 ? `${(n / 1024).toFixed(2)} GiB` : `${n.toFixed(0)} MiB`);
const ratio = (peer: number, ours: number) => (Number.isFinite(peer / ours) ? `${(peer / ours).toFixed(1)}×` : '—');

function found(r: SizeResult, syntax: AccuracyReport | undefined): { found: number; of: number } {
  const all = [...r.accuracy.verdicts, ...(syntax?.verdicts ?? [])];
  return { found: all.filter((v) => v.found).length, of: all.length };
}

function printTables(results: SizeResult[], syntax: Map<string, AccuracyReport>, o: Options): void {
  const lines: string[] = [];
  lines.push(
    '| documents (lines) | server | didOpen → diagnostics, median (cold runs); server CPU | same, file read with the workspace | edit → diagnostics, median (p95, n) | completion p50 / p95 (n, items) | peak RSS | seeded errors on the right line | other diagnostics |',
  );
  lines.push('|---|---|---|---|---|---|---|---|---|');
  for (const r of results) {
    const f = found(r, syntax.get(r.server));
    lines.push(
      `| ${r.documents.toLocaleString('en')} (${r.lines.toLocaleString('en')}) | ${r.server} | ${fmtMs(median(r.openMs))} (${r.openMs.map((m) => fmtMs(m)).join(', ')})${r.firstPublishPartial ? ' first publish partial' : ''}; ${fmtMs(median(r.openCpuMs))} | ${fmtMs(r.openInWorkspaceMs)} | ${fmtMs(median(r.editMs))} (${fmtMs(percentile(r.editMs, 95))}, ${r.editMs.length}) | ${fmtMs(median(r.completionMs))} / ${fmtMs(percentile(r.completionMs, 95))} (${r.completionMs.length}, ${r.completionItems}${r.completionHasExpected ? '' : ' without workingDir'}) | ${fmtMiB(r.peakRssMiB)} | ${f.found}/${f.of} | ${r.accuracy.others.length} |`,
    );
  }
  const sizes = [...new Set(results.map((r) => r.documents))];
  const pairs = sizes.map((n) => ({
    n,
    ours: results.find((r) => r.documents === n && r.server === 'slipway'),
    peer: results.find((r) => r.documents === n && r.server === 'yaml'),
  }));
  if (pairs.some((p) => p.ours && p.peer)) {
    lines.push('');
    lines.push(
      '| documents | didOpen → diagnostics (yaml / slipway) | same, server CPU | edit → diagnostics | completion p50 | peak RSS |',
    );
    lines.push('|---|---|---|---|---|---|');
    for (const { n, ours, peer } of pairs) {
      if (!ours || !peer) continue;
      lines.push(
        `| ${n.toLocaleString('en')} | ${ratio(median(peer.openMs), median(ours.openMs))} | ${ratio(median(peer.openCpuMs), median(ours.openCpuMs))} | ${ratio(median(peer.editMs), median(ours.editMs))} | ${ratio(median(peer.completionMs), median(ours.completionMs))} | ${ratio(peer.peakRssMiB, ours.peakRssMiB)} |`,
      );
    }
  }
  lines.push('');
  lines.push('Seeded errors (line numbers 1-based):');
  for (const r of results) {
    const all = [...r.accuracy.verdicts, ...(syntax.get(r.server)?.verdicts ?? [])];
    const missed = all.filter((v) => !v.found);
    const text =
      missed.length === 0
        ? 'all found'
        : 'missed ' +
          missed
            .map(
              (v) =>
                `${v.seeded.kind} at line ${v.seeded.line + 1}${v.nearLines.length ? ` (reported at line ${v.nearLines.map((l) => l + 1).join(', ')})` : ''}`,
            )
            .join('; ');
    lines.push(
      `- ${r.server}, ${r.documents} documents: ${text}${r.accuracy.others.length ? `; other diagnostics e.g. ${JSON.stringify(r.accuracy.others[0].message)} at line ${r.accuracy.others[0].range.start.line + 1}` : ''}`,
    );
  }
  const goals = goalLines(results, syntax);
  if (goals.length) {
    lines.push('');
    lines.push('Goals for slipway:');
    lines.push(...goals);
  }
  lines.push('');
  lines.push(
    `(yaml-language-server schema: ${o.yamlSchema}; runs ${o.runs}, edits ${o.edits}, completions ${o.completions}; ${os.cpus().length} cores, load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
  console.log(lines.join('\n'));
}

function goalLines(results: SizeResult[], syntax: Map<string, AccuracyReport>): string[] {
  const at = (server: string, n: number) => results.find((r) => r.server === server && r.documents === n);
  const out: string[] = [];
  const verdict = (ok: boolean) => (ok ? 'met' : 'NOT MET');
  const o1000 = at('slipway', 1000);
  const p1000 = at('yaml', 1000);
  if (o1000 && p1000) {
    const x = median(p1000.openMs) / median(o1000.openMs);
    const cpu = median(p1000.openCpuMs) / median(o1000.openCpuMs);
    out.push(
      `- didOpen → diagnostics ≥ 10× faster at 1,000 documents (issue 11): ${x.toFixed(1)}× (${fmtMs(median(o1000.openMs))} vs ${fmtMs(median(p1000.openMs))}; server CPU ${cpu.toFixed(1)}×): ${verdict(x >= 10)}`,
    );
  }
  const o100 = at('slipway', 100);
  if (o100)
    out.push(
      `- edit → diagnostics ≤ 30 ms at 100 documents: ${fmtMs(median(o100.editMs))}: ${verdict(median(o100.editMs) <= 30)}`,
    );
  if (o1000) {
    out.push(
      `- completion p50 ≤ 20 ms at 1,000 documents: ${fmtMs(median(o1000.completionMs))}: ${verdict(median(o1000.completionMs) <= 20)}`,
    );
    out.push(
      `- peak RSS ≤ 200 MB at 1,000 documents: ${(o1000.peakRssMiB * 1.048576).toFixed(0)} MB: ${verdict(o1000.peakRssMiB * 1.048576 <= 200)}`,
    );
  }
  for (const r of results.filter((x) => x.server === 'slipway')) {
    const f = found(r, syntax.get('slipway'));
    out.push(
      `- every seeded error on the right line at ${r.documents} documents: ${f.found}/${f.of}: ${verdict(f.found === f.of)}`,
    );
  }
  return out;
}

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-ls-bench-'));
  try {
    const schemaFile = writeKubernetesJsonSchema(root, o.yamlSchema);
    if (o.cpuProfileDir) fs.mkdirSync(o.cpuProfileDir, { recursive: true });
    const servers: ServerCommand[] = o.servers.map((s) =>
      s === 'slipway' ? slipwayServer(o.cpuProfileDir) : yamlLanguageServer(schemaFile, o.cpuProfileDir),
    );
    const results: SizeResult[] = [];
    const syntax = new Map<string, AccuracyReport>();
    for (const server of servers) {
      const dir = fs.mkdtempSync(path.join(root, `${server.name}-`));
      syntax.set(server.name, await measureSyntaxError(server, dir));
      for (const n of o.sizes) {
        const file = generateManifests(n);
        const r = await measureSize(server, file, dir, o);
        results.push(r);
        if (server.name === 'yaml' && !r.accuracy.verdicts.find((v) => v.seeded.kind === 'unknown field')?.found) {
          throw new Error(
            `yaml-language-server did not report the seeded unknown field at ${n} documents: it is not validating with ${schemaFile}, so its figures would mean nothing`,
          );
        }
      }
    }
    printTables(results, syntax, o);
    if (o.json)
      fs.writeFileSync(o.json, JSON.stringify({ options: o, results, syntax: Object.fromEntries(syntax) }, null, 1));
  } finally {
    fs.rmSync(root, { recursive: true, force: true });
  }
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
