// CEL patterns (matches, and Kubernetes' find and findAll) run on JavaScript's backtracking RegExp, where a pattern
// such as '^(a+)+$' takes exponential time on a short string that almost matches (kube-apiserver's RE2 is linear),
// and no cost limit can interrupt one call. V8 can switch a match that backtracks too much to its linear-time
// engine: turned on, once, for a process that evaluates CEL. Patterns the linear engine cannot run (back-references,
// lookarounds: not RE2 either) keep backtracking.
import { setFlagsFromString } from 'v8';

let guarded = false;

export function guardRegexBacktracking(): void {
  if (guarded) return;
  setFlagsFromString('--enable-experimental-regexp-engine-on-excessive-backtracks');
  guarded = true;
}
