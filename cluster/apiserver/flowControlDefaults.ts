// API Priority and Fairness configuration (flowcontrol.apiserver.k8s.io/v1) as kube-apiserver's bootstrap makes
// it: the mandatory `exempt` and `catch-all` FlowSchemas and PriorityLevelConfigurations, so clients that read
// them find Kubernetes' defaults. The embedded server does not queue requests by them.
import type { FlowSchema, PriorityLevelConfiguration } from 'kubernetes-types/flowcontrol/v1';
import type { KubeObject } from '../../kube/objects';

const AUTOUPDATE = { 'apf.kubernetes.io/autoupdate-spec': 'true' };
const EVERYTHING = {
  resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'], clusterScope: true, namespaces: ['*'] }],
  nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }],
};
const group = (name: string) => ({ kind: 'Group', group: { name } });

export const DEFAULT_PRIORITY_LEVELS: (KubeObject & PriorityLevelConfiguration)[] = [
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name: 'exempt', annotations: AUTOUPDATE },
    spec: { type: 'Exempt', exempt: { nominalConcurrencyShares: 0, lendablePercent: 0 } },
  },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'PriorityLevelConfiguration',
    metadata: { name: 'catch-all', annotations: AUTOUPDATE },
    spec: {
      type: 'Limited',
      limited: { nominalConcurrencyShares: 5, lendablePercent: 0, limitResponse: { type: 'Reject' } },
    },
  },
];

export const DEFAULT_FLOW_SCHEMAS: (KubeObject & FlowSchema)[] = [
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'FlowSchema',
    metadata: { name: 'exempt', annotations: AUTOUPDATE },
    spec: {
      matchingPrecedence: 1,
      priorityLevelConfiguration: { name: 'exempt' },
      rules: [{ subjects: [group('system:masters')], ...EVERYTHING }],
    },
  },
  {
    apiVersion: 'flowcontrol.apiserver.k8s.io/v1',
    kind: 'FlowSchema',
    metadata: { name: 'catch-all', annotations: AUTOUPDATE },
    spec: {
      matchingPrecedence: 10000,
      priorityLevelConfiguration: { name: 'catch-all' },
      distinguisherMethod: { type: 'ByUser' },
      rules: [{ subjects: [group('system:unauthenticated'), group('system:authenticated')], ...EVERYTHING }],
    },
  },
];
