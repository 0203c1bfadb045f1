// NetworkPolicies: this cluster cannot enforce them, and says so on each policy instead of letting it look in force.
import * as assert from 'assert';
import { eventually, useTestCluster, TestCluster } from '../helpers/testCluster';

describe('NetworkPolicies', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 1 });
  let t: TestCluster;
  before(() => (t = c.t));

  it('get a Warning event NotEnforced saying why', async () => {
    await t.apply(`
apiVersion: networking.k8s.io/v1
kind: NetworkPolicy
metadata: {name: deny-all, namespace: default}
spec:
  podSelector: {}
  policyTypes: [Ingress]
`);
    const event = await eventually(async () => {
      const list = await t.json(['get', 'events', '--field-selector', 'involvedObject.name=deny-all']);
      return list.items.find((e: { reason: string }) => e.reason === 'NotEnforced');
    });
    assert.strictEqual(event.type, 'Warning');
    assert.strictEqual(event.involvedObject.kind, 'NetworkPolicy');
    assert.match(event.message, /^network policies are not enforced by this cluster's runtime \(the simulated runtime/);
    const shown = await t.ok(['events', '--for', 'networkpolicy/deny-all']);
    assert.match(shown, /Warning\s+NotEnforced\s+NetworkPolicy\/deny-all\s+network policies are not enforced/);
  });
});
