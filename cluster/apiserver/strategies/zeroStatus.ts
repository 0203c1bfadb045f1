// Kinds whose only difference on write is the status they start with: the Go zero values of their status
// structs, as the real API server serializes them.
import type { Strategy } from './strategy';

const ZERO_STATUS: [group: string, resource: string, status: () => object][] = [
  [
    'policy',
    'poddisruptionbudgets',
    () => ({ currentHealthy: 0, desiredHealthy: 0, disruptionsAllowed: 0, expectedPods: 0 }),
  ],
  ['autoscaling', 'horizontalpodautoscalers', () => ({ currentReplicas: 0, desiredReplicas: 0 })],
  ['apps', 'replicasets', () => ({ replicas: 0 })],
  ['', 'replicationcontrollers', () => ({ replicas: 0 })],
  ['apps', 'statefulsets', () => ({ replicas: 0, availableReplicas: 0 })],
  [
    'apps',
    'daemonsets',
    () => ({ currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 }),
  ],
];

export function zeroStatusStrategies(): [group: string, resource: string, strategy: Strategy][] {
  return ZERO_STATUS.map(([group, resource, status]) => [group, resource, { initialStatus: status }]);
}
