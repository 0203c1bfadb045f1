// What NetworkPolicies let into and out of a pod, as Kubernetes defines it, before any packet filter applies it.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import type { NetworkPolicy } from 'kubernetes-types/networking/v1';
import { admits, podRules, type PolicyWorld } from '../../kube/networkPolicyRules';

function pod(name: string, ip: string, labels: Record<string, string>, ports: Record<string, number> = {}): Pod {
  return {
    metadata: { name, namespace: 'default', labels },
    spec: {
      containers: [{ name: 'c', ports: Object.entries(ports).map(([n, p]) => ({ name: n, containerPort: p })) }],
    },
    status: { podIP: ip },
  };
}

function policy(spec: NetworkPolicy['spec']): NetworkPolicy {
  return { metadata: { name: 'p', namespace: 'default' }, spec };
}

const web = pod('web', '10.88.0.2', { app: 'web' }, { http: 8080 });
const api = pod('api', '10.88.0.3', { app: 'api' }, { http: 9090 });
const world: PolicyWorld = { pods: [web, api], namespaces: new Map([['default', {}]]) };

describe('NetworkPolicy rules of a pod', () => {
  it('leave a pod no policy selects unisolated', () => {
    assert.deepStrictEqual(podRules(api, [policy({ podSelector: { matchLabels: { app: 'web' } } })], world), {});
  });

  it('isolate ingress by default, and egress too when the policy has egress rules', () => {
    assert.deepStrictEqual(podRules(web, [policy({ podSelector: {} })], world), { ingress: [] });
    assert.deepStrictEqual(podRules(web, [policy({ podSelector: {}, egress: [{}] })], world), {
      ingress: [],
      egress: [{ peers: undefined, ports: undefined }],
    });
  });

  it('resolve an ingress named port by the pod itself, and allow nothing when it has no such port', () => {
    const named = policy({ podSelector: {}, ingress: [{ ports: [{ port: 'http' }] }] });
    assert.deepStrictEqual(podRules(web, [named], world).ingress, [
      { peers: undefined, ports: [{ protocol: 'TCP', port: 8080 }] },
    ]);
    const missing = policy({ podSelector: {}, ingress: [{ ports: [{ port: 'grpc' }] }] });
    assert.deepStrictEqual(podRules(web, [missing], world).ingress, []);
  });

  it('resolve an egress named port by each destination pod', () => {
    const out = policy({
      podSelector: { matchLabels: { app: 'web' } },
      policyTypes: ['Egress'],
      egress: [{ ports: [{ port: 'http' }] }],
    });
    assert.deepStrictEqual(podRules(web, [out], world).egress, [
      { peers: [{ cidr: '10.88.0.2/32', except: [] }], ports: [{ protocol: 'TCP', port: 8080 }] },
      { peers: [{ cidr: '10.88.0.3/32', except: [] }], ports: [{ protocol: 'TCP', port: 9090 }] },
    ]);
  });

  it('admit a connection by address block with exceptions, protocol and port range, as the cluster-IP proxy asks', () => {
    const { ingress } = podRules(
      web,
      [
        policy({
          podSelector: {},
          ingress: [
            {
              from: [{ ipBlock: { cidr: '10.88.0.0/16', except: ['10.88.1.0/24'] } }],
              ports: [{ port: 8000, endPort: 8090 }],
            },
          ],
        }),
      ],
      world,
    );
    assert.strictEqual(admits(ingress, '10.88.0.9', 'TCP', 8080), true);
    assert.strictEqual(admits(ingress, '10.88.1.9', 'TCP', 8080), false, 'an exception');
    assert.strictEqual(admits(ingress, '10.89.0.9', 'TCP', 8080), false, 'outside the block');
    assert.strictEqual(admits(ingress, '10.88.0.9', 'TCP', 8091), false, 'past endPort');
    assert.strictEqual(admits(ingress, '10.88.0.9', 'UDP', 8080), false, 'another protocol');
    assert.strictEqual(admits(undefined, '10.89.0.9', 'UDP', 1), true, 'a pod not isolated admits all');
  });
});
