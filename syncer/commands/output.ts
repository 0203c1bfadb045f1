// What the commands share for talking to the user: exit codes, the --output choice, tables, short revisions and times.

/** A failure the command explains itself; `code` becomes the exit code (1: the operation failed, 2: it could not run). */
export class CommandError extends Error {
  constructor(
    message: string,
    readonly code = 1,
  ) {
    super(message);
  }
}

export interface CommandIO {
  out(text: string): void;
  err(text: string): void;
  /** the terminal's width, when the output goes to one (tables fit it); undefined for pipes and files */
  columns?(): number | undefined;
}

export const processIO: CommandIO = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : text + '\n'),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : text + '\n'),
  columns: () => (process.stdout.isTTY ? process.stdout.columns : undefined),
};

export type OutputFormat = 'text' | 'json';

/** The --output value as a format (wide reads as text); anything else is a usage error (exit 2). */
export function outputFormat(v: string | undefined): OutputFormat {
  if (v === undefined || v === 'text' || v === 'wide') return 'text';
  if (v === 'json') return 'json';
  throw new CommandError(`--output must be text or json, got ${v}`, 2);
}

/** Indented JSON, as every command prints it. */
export function json(value: unknown): string {
  return JSON.stringify(value, null, 2);
}

export function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

/** Local wall-clock time, to the second: what people compare with their own clock. */
export function formatTime(iso: string | undefined): string {
  if (!iso) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export interface TableFit {
  /** the width lines must fit in */
  width?: number;
  /** the column whose cells are cut (with …) to fit: a free-text one such as a commit subject */
  shrink: number;
}

const GAP = 3;
/** a cut column keeps at least this much */
const MIN_CUT = 12;

/**
 * Columns padded to their widest cell, as kubectl prints; the last column is not padded. With a width,
 * the `shrink` column's cells are cut so that lines fit it (a terminal of 80 columns shows a row per line).
 */
export function table(headers: string[], rows: string[][], fit?: TableFit): string {
  const widths = headers.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  if (fit?.width) {
    const total = widths.reduce((a, b) => a + b, 0) + GAP * (widths.length - 1);
    const over = total - fit.width;
    if (over > 0) {
      const keep = Math.max(MIN_CUT, headers[fit.shrink].length, widths[fit.shrink] - over);
      if (keep < widths[fit.shrink]) {
        widths[fit.shrink] = keep;
        rows = rows.map((r) => r.map((c, i) => (i === fit.shrink && c.length > keep ? c.slice(0, keep - 1) + '…' : c)));
      }
    }
  }
  const line = (cells: string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : (c ?? '').padEnd(widths[i])))
      .join(' '.repeat(GAP))
      .trimEnd();
  return [line(headers), ...rows.map(line)].join('\n');
}

/** Seconds from "120", "120s", "2m" or "500ms". */
export function parseDuration(name: string, v: string): number {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m)?$/.exec(v.trim());
  if (!m) throw new CommandError(`--${name} must be a duration such as 120, 90s or 2m, got ${v}`, 2);
  const n = Number(m[1]);
  return m[2] === 'ms' ? n / 1000 : m[2] === 'm' ? n * 60 : n;
}
