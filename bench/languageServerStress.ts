// Language-server stress: files that once made the server stop answering. Each scenario opens one file
// in a fresh server and reports didOpen → diagnostics and, when the server reports progress on a long
// check, how long a hover sent then took to answer. bench/RESULTS.md records one run.
//   node out/bench/languageServerStress.js [--duplicates 400,800,1600] [--fuzzed-mb 2] [--seed 1] [--timeout-s 200]
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { pathToFileURL } from 'url';
import { duplicateConfigMaps, fuzzedFile, rng } from '../test/server/mutations';
import { LanguageServerSession } from './lsp/languageServerSession';
import { slipwayServer } from './lsp/servers';

interface Options {
  duplicates: number[];
  fuzzedMb: number;
  seed: number;
  timeoutMs: number;
}

function parseArgs(argv: string[]): Options {
  const o: Options = { duplicates: [400, 800, 1600], fuzzedMb: 2, seed: 1, timeoutMs: 200_000 };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    const v = argv[++i];
    const n = Number(v);
    switch (a) {
      case '--duplicates':
        o.duplicates = v
          ? v
              .split(',')
              .map(Number)
              .filter((x) => x > 0)
          : [];
        break;
      case '--fuzzed-mb':
        o.fuzzedMb = n;
        break;
      case '--seed':
        o.seed = n;
        break;
      case '--timeout-s':
        o.timeoutMs = n * 1000;
        break;
      default:
        throw new Error(
          `unknown argument ${JSON.stringify(a)}: [--duplicates 400,800,1600] [--fuzzed-mb 2] [--seed 1] [--timeout-s 200]`,
        );
    }
    if (a !== '--duplicates' && !(n >= 0)) throw new Error(`${a}: expected a number, got ${JSON.stringify(v)}`);
  }
  return o;
}

interface Row {
  scenario: string;
  bytes: number;
  diagnosticsMs: number | undefined;
  diagnostics: number;
  /** when the server reported progress: ms after didOpen, and how long a hover sent then took */
  progressMs: number | undefined;
  hoverMs: number | undefined;
  hoverBeforeDiagnostics: boolean;
}

async function measure(dir: string, scenario: string, text: string, o: Options): Promise<Row> {
  const uri = pathToFileURL(path.join(dir, 'stress.yaml')).href;
  const session = await LanguageServerSession.start(slipwayServer(), dir, 30_000, { workDoneProgress: true });
  const row: Row = {
    scenario,
    bytes: text.length,
    diagnosticsMs: undefined,
    diagnostics: 0,
    progressMs: undefined,
    hoverMs: undefined,
    hoverBeforeDiagnostics: false,
  };
  try {
    const sentAt = session.open(uri, text);
    const published = session.diagnosticsAfter(uri, sentAt, o.timeoutMs);
    const hover = (async () => {
      const begin = await session.progressBegin(sentAt, o.timeoutMs);
      if (begin === undefined) return;
      row.progressMs = begin - sentAt;
      const h = await session.request(
        'textDocument/hover',
        { textDocument: { uri }, position: { line: 1, character: 2 } },
        o.timeoutMs,
      );
      row.hoverMs = h.ms;
      row.hoverBeforeDiagnostics = session.publishesFor(uri).length === 0;
    })();
    const p = await published.catch(() => undefined);
    if (p) {
      row.diagnosticsMs = p.receivedAt - sentAt;
      row.diagnostics = p.diagnostics.length;
    }
    // a hover sent once progress began is waited for; otherwise stopping the session ends the wait for progress
    if (row.progressMs !== undefined) await hover;
  } finally {
    await session.stop();
  }
  return row;
}

const fmt = (ms: number | undefined, o: Options) =>
  ms === undefined
    ? `none in ${o.timeoutMs / 1000} s`
    : ms >= 1000
      ? `${(ms / 1000).toFixed(2)} s`
      : `${ms.toFixed(0)} ms`;

async function main(): Promise<void> {
  const o = parseArgs(process.argv.slice(2));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-ls-stress-'));
  const rows: Row[] = [];
  try {
    for (const n of o.duplicates) {
      rows.push(await measure(dir, `${n} identical ConfigMaps`, duplicateConfigMaps(n).text, o));
      process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
    }
    if (o.fuzzedMb > 0) {
      const text = fuzzedFile(rng(o.seed), o.fuzzedMb * 1024 * 1024);
      rows.push(await measure(dir, `fuzzed manifests, seed ${o.seed}`, text, o));
      process.stderr.write(`${JSON.stringify(rows[rows.length - 1])}\n`);
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  console.log('| file | size | didOpen → diagnostics (count) | progress shown after | hover sent then answered in |');
  console.log('|---|---|---|---|---|');
  for (const r of rows) {
    const hover =
      r.progressMs === undefined
        ? '— (no progress)'
        : `${fmt(r.hoverMs, o)}${r.hoverBeforeDiagnostics ? ', before the diagnostics' : ''}`;
    const progress = r.progressMs === undefined ? '—' : fmt(r.progressMs, o);
    console.log(
      `| ${r.scenario} | ${(r.bytes / 1024).toFixed(0)} KiB | ${fmt(r.diagnosticsMs, o)} (${r.diagnostics}) | ${progress} | ${hover} |`,
    );
  }
  console.log(
    `\n(${os.cpus().length} cores, load average at the end ${os
      .loadavg()
      .map((l) => l.toFixed(1))
      .join(' ')})`,
  );
}

main().catch((e) => {
  console.error(e instanceof Error ? e.message : e);
  process.exit(1);
});
