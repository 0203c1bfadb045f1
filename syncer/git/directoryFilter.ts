// Which files of a directory source are read, by spec.source.directory.include and exclude (Argo CD's fields).
import { minimatch } from 'minimatch';

export interface DirectoryOptions {
  /** read the folders under the path too (default false: only the path's own files) */
  recurse?: boolean;
  /** a glob, or a {a,b} list of them: only matching files are read */
  include?: string;
  /** a glob, or a {a,b} list of them: matching files are not read (exclude wins over include) */
  exclude?: string;
}

/**
 * Whether a file (posix path relative to the source path) is read. A pattern without a slash matches the file
 * name at any depth (`*.yaml`, `{config.json,app.yaml}`); one with a slash matches the whole relative path, `*`
 * within a folder name and `**` across folders.
 */
export function directoryFilter(opts: DirectoryOptions | undefined): (relPath: string) => boolean {
  const include = opts?.include?.trim();
  const exclude = opts?.exclude?.trim();
  if (!include && !exclude) return () => true;
  const matches = (pattern: string, p: string) => minimatch(p, pattern, { matchBase: true, dot: true });
  return (p) => (!include || matches(include, p)) && !(exclude && matches(exclude, p));
}
