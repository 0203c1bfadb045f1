// Files with apiVersion and kind that are read by a tool, not by a cluster (build, test and node
// configuration): they are YAML to check for syntax, never cluster resources.

import { splitApiVersion } from '../../kube/registry';

/** API groups of configuration files that no API server serves. */
const TOOL_GROUPS = new Set([
  'kind.x-k8s.io',
  'k3d.io',
  'kuttl.dev',
  'ctlptl.dev',
  'kubeadm.k8s.io',
  'kubelet.config.k8s.io',
  'kubeproxy.config.k8s.io',
  'kubescheduler.config.k8s.io',
  'kubecontrollermanager.config.k8s.io',
  'cloudcontrollermanager.config.k8s.io',
  'controllermanager.config.k8s.io',
  'apiserver.config.k8s.io',
  'apiserver.k8s.io',
  'audit.k8s.io',
  'eventratelimit.admission.k8s.io',
  'pod-security.admission.config.k8s.io',
  'client.authentication.k8s.io',
  'config.kubernetes.io',
  'kpt.dev',
  'fn.kpt.dev',
]);

/** Kinds of the core `v1` apiVersion that are files, not objects: kubeconfig and the old scheduler policy. */
const CORE_V1_FILES = new Set(['Config', 'Policy']);

/** Whether an apiVersion/kind names a tool's configuration rather than a cluster resource. */
export function isToolConfig(apiVersion: string, kind: string): boolean {
  if (apiVersion.startsWith('skaffold/')) return true;
  if (apiVersion === 'v1' && CORE_V1_FILES.has(kind)) return true;
  return TOOL_GROUPS.has(splitApiVersion(apiVersion).group);
}
