// simple-git instances for one repository. Ambient GIT_* variables are dropped (a GIT_DIR inherited
// from a hook must not redirect us), as are editors and pagers, which simple-git refuses to pass on.
import { simpleGit, SimpleGit } from 'simple-git';

// a temporary index (and an empty work tree beside it) for building commits away from the user's index
const ALLOWED_ENV = ['GIT_INDEX_FILE', 'GIT_WORK_TREE', 'GIT_TERMINAL_PROMPT'];

/** A git client in dir that never prompts and ignores the caller's GIT_*, editor and pager variables. */
export function gitIn(dir: string, env?: Record<string, string>): SimpleGit {
  const git = simpleGit({ baseDir: dir, maxConcurrentProcesses: 4, allowEnvironment: ALLOWED_ENV });
  // a fetch or push must fail with a message, never wait for a password on a terminal
  git.env({ ...processEnvWithoutGit(), GIT_TERMINAL_PROMPT: '0', ...env });
  return git;
}

const DROPPED_ENV = /^(git_.*|editor|visual|pager|prefix|ssh_askpass)$/i;

/** process.env minus GIT_* variables, editors and pagers, for every git process we start. */
export function processEnvWithoutGit(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !DROPPED_ENV.test(k)) out[k] = v;
  return out;
}

const SHA = /^[0-9a-f]{4,64}$/i;

/** Commit ids are passed to git as arguments, so anything but hex (an option, a revision expression) is refused. */
export function isSha(s: string): boolean {
  return SHA.test(s);
}
