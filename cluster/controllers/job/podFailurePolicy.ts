// spec.podFailurePolicy: the first rule that matches a failed pod, by a container's non-zero exit code or by a
// pod condition, decides what the failure means: FailJob fails the Job at once, Ignore does not count it against
// backoffLimit, Count counts it as usual. A failed pod no rule matches is counted.
import type { PodFailurePolicy, PodFailurePolicyOnExitCodesRequirement } from 'kubernetes-types/batch/v1';
import type { ContainerStatus, Pod } from 'kubernetes-types/core/v1';

export interface PolicyMatch {
  /** the FailureTarget message when the Job is to fail now */
  failJobMessage?: string;
  /** whether the failure counts against backoffLimit */
  count: boolean;
  action?: string;
}

function exitCodeMatches(code: number, req: PodFailurePolicyOnExitCodesRequirement): boolean {
  const values: number[] = req.values ?? [];
  return req.operator === 'NotIn' ? !values.includes(code) : values.includes(code);
}

/** The first terminated container (regular ones, then init containers) whose non-zero exit code the rule names. */
function matchingContainer(pod: Pod, req: PodFailurePolicyOnExitCodesRequirement): ContainerStatus | undefined {
  for (const list of [pod.status?.containerStatuses, pod.status?.initContainerStatuses]) {
    for (const s of list ?? []) {
      const code = s?.state?.terminated?.exitCode;
      if (typeof code !== 'number' || code === 0) continue;
      if (req.containerName && req.containerName !== s.name) continue;
      if (exitCodeMatches(code, req)) return s;
    }
  }
  return undefined;
}

export function matchPodFailurePolicy(policy: PodFailurePolicy | undefined, pod: Pod): PolicyMatch {
  const rules = policy?.rules ?? [];
  const ns = pod.metadata?.namespace;
  const name = pod.metadata?.name;
  for (let i = 0; i < rules.length; i++) {
    const rule = rules[i];
    let why: string | undefined;
    if (rule.onExitCodes) {
      const c = matchingContainer(pod, rule.onExitCodes);
      if (c)
        why = `Container ${c.name} for pod ${ns}/${name} failed with exit code ${c.state?.terminated?.exitCode} matching ${rule.action} rule at index ${i}`;
    } else if (Array.isArray(rule.onPodConditions)) {
      const hit = rule.onPodConditions.find((p) =>
        (pod.status?.conditions ?? []).some((c) => c?.type === p.type && c?.status === (p.status ?? 'True')),
      );
      if (hit) why = `Pod ${ns}/${name} has condition ${hit.type} matching ${rule.action} rule at index ${i}`;
    }
    if (why === undefined) continue;
    switch (rule.action) {
      case 'FailJob':
        return { failJobMessage: why, count: true, action: rule.action };
      case 'Ignore':
        return { count: false, action: rule.action };
      default:
        // Count, and FailIndex (which needs backoffLimitPerIndex) counts as usual
        return { count: true, action: rule.action };
    }
  }
  return { count: true };
}
