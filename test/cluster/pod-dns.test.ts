// A pod's resolv.conf as the kubelet derives it from dnsPolicy and dnsConfig (kubelet/podDns.ts), for the policies
// Kubernetes documents: ClusterFirst (the default), Default, None, ClusterFirstWithHostNet, and the fallback to
// Default when there is no cluster DNS to name.
import * as assert from 'assert';
import type { PodSpec } from 'kubernetes-types/core/v1';
import type { Pod } from '../../cluster/kubelet/kubelet';
import { podDns } from '../../cluster/kubelet/podDns';
import { resolvConfServers } from '../../cluster/dns/upstream';

const CLUSTER = { server: '10.88.0.1', domain: 'cluster.local' };

function pod(spec: Partial<PodSpec> = {}): Pod {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'p', namespace: 'shop', uid: 'u' },
    spec: { containers: [{ name: 'c', image: 'i' }], ...spec },
  } as Pod;
}

describe("a pod's DNS settings (dnsPolicy, dnsConfig)", () => {
  it('names the cluster DNS with the namespace search domains and ndots:5 by default (ClusterFirst)', () => {
    assert.deepStrictEqual(podDns(pod(), CLUSTER), {
      dns: {
        servers: ['10.88.0.1'],
        searches: ['shop.svc.cluster.local', 'svc.cluster.local', 'cluster.local'],
        options: ['ndots:5'],
      },
      fellBack: false,
    });
  });

  it("adds dnsConfig's nameservers and searches, and its options win by name", () => {
    const d = podDns(
      pod({
        dnsConfig: {
          nameservers: ['192.0.2.53'],
          searches: ['corp.example'],
          options: [{ name: 'ndots', value: '2' }, { name: 'edns0' }],
        },
      }),
      CLUSTER,
    ).dns!;
    assert.deepStrictEqual(d.servers, ['10.88.0.1', '192.0.2.53']);
    assert.deepStrictEqual(d.searches.slice(-1), ['corp.example']);
    assert.deepStrictEqual(d.options, ['ndots:2', 'edns0']);
  });

  it("leaves Default to the engine (the node's resolver), and takes None's dnsConfig alone", () => {
    assert.deepStrictEqual(podDns(pod({ dnsPolicy: 'Default' }), CLUSTER), { fellBack: false });
    assert.deepStrictEqual(
      podDns(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['192.0.2.53'], searches: ['a.example'] } }), CLUSTER),
      { dns: { servers: ['192.0.2.53'], searches: ['a.example'], options: [] }, fellBack: false },
    );
    // Default with a dnsConfig: the node's nameservers, then dnsConfig's
    const withConfig = podDns(pod({ dnsPolicy: 'Default', dnsConfig: { nameservers: ['192.0.2.53'] } }), CLUSTER);
    assert.deepStrictEqual(
      withConfig.dns!.servers,
      [...new Set([...resolvConfServers().map((s) => s.host), '192.0.2.53'])].slice(0, 3),
    );
  });

  it('uses the node resolver for host-network pods unless ClusterFirstWithHostNet', () => {
    assert.deepStrictEqual(podDns(pod({ hostNetwork: true }), CLUSTER), { fellBack: false });
    const d = podDns(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), CLUSTER).dns!;
    assert.deepStrictEqual(d.servers, ['10.88.0.1']);
  });

  it('falls back to Default, and says so, when no cluster DNS can be named', () => {
    assert.deepStrictEqual(podDns(pod(), { domain: 'cluster.local' }), { fellBack: true });
  });
});
