// GET /version: the Kubernetes version this server speaks, as kube-apiserver reports its build.
import { KUBERNETES_VERSION } from '../../kube/schemas';

export function versionInfo(): object {
  const v = KUBERNETES_VERSION;
  return {
    major: v.major,
    minor: v.minor,
    gitVersion: v.gitVersion,
    gitCommit: 'slipway',
    gitTreeState: 'clean',
    buildDate: '2025-08-27T00:00:00Z',
    goVersion: 'node' + process.versions.node,
    compiler: 'slipway',
    platform: `${process.platform}/${process.arch === 'x64' ? 'amd64' : process.arch}`,
  };
}
