// matchConditions, decided as kube-apiserver decides them for webhooks and ValidatingAdmissionPolicies alike:
// a condition that is false skips the webhook or policy, even beside conditions that failed; otherwise a failed
// condition is an error, which the caller's failurePolicy turns into a refusal or a skip; otherwise it matches.
import type { EvaluationResult } from './program';

export type MatchOutcome = { matches: boolean } | { error: string };

export function evaluateMatchConditions(
  conditions: readonly { expression: string }[],
  run: (expression: string) => EvaluationResult,
): MatchOutcome {
  const errors: string[] = [];
  for (const { expression } of conditions) {
    const result = run(expression);
    if (!result.ok) errors.push(`expression '${expression}' resulted in error: ${result.error}`);
    else if (result.value === false) return { matches: false };
  }
  if (!errors.length) return { matches: true };
  // several errors are listed as Kubernetes aggregates them
  return { error: errors.length === 1 ? errors[0] : `[${errors.join(', ')}]` };
}
