// Container logs live in files, one per container run, as the kubelet keeps them under /var/log/pods:
// <logsDir>/<namespace>_<pod>_<uid>/<container>/<restartCount>.log, each line in the CRI format
// "<RFC3339Nano time> <stdout|stderr> F <text>". Runtimes append; the API server's pods/log reads. A run's file
// that grew past the size limit is rotated, as the kubelet's container log manager does: renamed to
// <restartCount>.log.<UTC time of the rotation> beside the new current file (runtime/logWriter.ts).
import * as fs from 'fs';
import * as path from 'path';

export interface PodRef {
  namespace: string;
  name: string;
  uid: string;
}

export function containerLogDir(logsDir: string, pod: PodRef, container: string): string {
  return path.join(logsDir, `${pod.namespace}_${pod.name}_${pod.uid}`, container);
}

export function containerLogFile(logsDir: string, pod: PodRef, container: string, restartCount: number): string {
  return path.join(containerLogDir(logsDir, pod, container), `${restartCount}.log`);
}

export function podLogDir(logsDir: string, pod: PodRef): string {
  return path.join(logsDir, `${pod.namespace}_${pod.name}_${pod.uid}`);
}

/** Appends lines to a container run's log file. */
export function appendLogLines(file: string, stream: 'stdout' | 'stderr', lines: string[], at = new Date()): void {
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const ts = at
    .toISOString()
    .replace('Z', '000000Z')
    .replace(/(\.\d{9})\d*Z$/, '$1Z');
  fs.appendFileSync(file, lines.map((l) => `${ts} ${stream} F ${l}\n`).join(''), { mode: 0o600 });
}

export interface LogLine {
  time: string;
  stream: string;
  text: string;
}

export function parseLogLine(raw: string): LogLine | undefined {
  const a = raw.indexOf(' ');
  const b = raw.indexOf(' ', a + 1);
  const c = raw.indexOf(' ', b + 1);
  if (a < 0 || b < 0 || c < 0) return undefined;
  return { time: raw.slice(0, a), stream: raw.slice(a + 1, b), text: raw.slice(c + 1) };
}

/** The restart counts that have a log file, ascending. */
export function loggedRuns(logsDir: string, pod: PodRef, container: string): number[] {
  try {
    return fs
      .readdirSync(containerLogDir(logsDir, pod, container))
      .map((f) => /^(\d+)\.log$/.exec(f)?.[1])
      .filter((x): x is string => x !== undefined)
      .map(Number)
      .sort((x, y) => x - y);
  } catch {
    return [];
  }
}

/** "20261206-133045.123": when a file was rotated, as the kubelet suffixes rotated logs (with milliseconds) */
function rotationStamp(at: Date): string {
  const iso = at.toISOString(); // 2026-12-06T13:30:45.123Z
  return `${iso.slice(0, 10).replace(/-/g, '')}-${iso.slice(11, 19).replace(/:/g, '')}.${iso.slice(20, 23)}`;
}

/** The name a current log file gets when it is rotated at `at` (another suffix when that name is taken). */
export function rotatedLogName(file: string, at: Date): string {
  const base = `${file}.${rotationStamp(at)}`;
  let name = base;
  for (let n = 1; fs.existsSync(name); n++) name = `${base}-${n}`;
  return name;
}

/** The rotated files of a current log file, oldest first. */
export function rotatedLogFiles(file: string): string[] {
  const prefix = `${path.basename(file)}.`;
  try {
    return fs
      .readdirSync(path.dirname(file))
      .filter((f) => f.startsWith(prefix))
      .sort()
      .map((f) => path.join(path.dirname(file), f));
  } catch {
    return [];
  }
}
