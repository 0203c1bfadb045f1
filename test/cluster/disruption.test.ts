// PodDisruptionBudgets through the real kubectl: the disruption controller keeps their status (pods expected
// and healthy, disruptions allowed, the DisruptionAllowed condition) as pods come and go, and evictionVerdict
// (what the Eviction subresource asks) answers from that status.
import * as assert from 'assert';
import type { Pod } from 'kubernetes-types/core/v1';
import type { PodDisruptionBudget } from 'kubernetes-types/policy/v1';
import { evictionVerdict } from '../../cluster/controllers/kit/disruptionBudgets';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

function budget(name: string, spec: object): string {
  return JSON.stringify({
    apiVersion: 'policy/v1',
    kind: 'PodDisruptionBudget',
    metadata: { name },
    spec: { selector: { matchLabels: { app: 'web' } }, ...spec },
  });
}

describe('PodDisruptionBudgets (real kubectl, disruption controller)', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 2, clockSpeed: 10 });
  });
  after(async () => {
    await t?.stop();
  });

  // kubectl that must succeed: TestCluster.ok
  const k = (args: string[], input?: string): Promise<string> => t.ok(args, input);
  const pdbWith = (name: string, want: Record<string, number>) =>
    eventually(
      async () => {
        const b: PodDisruptionBudget = JSON.parse(await k(['get', 'pdb', name, '-o', 'json']));
        const s = (b.status ?? {}) as Record<string, unknown>;
        return Object.entries(want).every(([f, v]) => s[f] === v) ? b : undefined;
      },
      15_000,
      `${name} status ${JSON.stringify(want)}`,
    );

  it('reports healthy and expected pods and the disruptions a budget allows', async () => {
    await k(['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3']);
    await k(['apply', '-f', '-'], budget('min-two', { minAvailable: 2 }));
    await k(['apply', '-f', '-'], budget('half', { minAvailable: '50%' }));
    await k(['apply', '-f', '-'], budget('none', { maxUnavailable: 0 }));
    const min = await pdbWith('min-two', {
      currentHealthy: 3,
      desiredHealthy: 2,
      expectedPods: 3,
      disruptionsAllowed: 1,
    });
    const cond = min?.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    assert.deepStrictEqual([cond?.status, cond?.reason], ['True', 'SufficientPods']);
    await pdbWith('half', { currentHealthy: 3, desiredHealthy: 2, expectedPods: 3, disruptionsAllowed: 1 });
    const none = await pdbWith('none', {
      currentHealthy: 3,
      desiredHealthy: 3,
      expectedPods: 3,
      disruptionsAllowed: 0,
    });
    const noneCond = none?.status?.conditions?.find((c) => c.type === 'DisruptionAllowed');
    assert.deepStrictEqual([noneCond?.status, noneCond?.reason], ['False', 'InsufficientPods']);
    assert.match(await k(['get', 'pdb', 'min-two']), /min-two\s+2\s+N\/A\s+1\s/);

    // scaled up, the percentage follows the Deployment's replicas
    await k(['scale', 'deployment', 'web', '--replicas=4']);
    await pdbWith('half', { currentHealthy: 4, desiredHealthy: 2, expectedPods: 4, disruptionsAllowed: 2 });
  });

  it('answers whether an eviction keeps the budget', async () => {
    await k(['delete', 'pdb', 'half', 'none']);
    await k(['apply', '-f', '-'], budget('min-two', { minAvailable: 4 }));
    const b = await pdbWith('min-two', { currentHealthy: 4, desiredHealthy: 4, disruptionsAllowed: 0 });
    const pods: Pod[] = JSON.parse(await k(['get', 'pods', '-l', 'app=web', '-o', 'json'])).items;
    const verdict = evictionVerdict(pods[0], [b!]);
    assert.strictEqual(verdict.allowed, false);
    assert.ok(!verdict.allowed && verdict.status === 429);
    assert.strictEqual(
      !verdict.allowed && verdict.cause,
      'The disruption budget min-two needs 4 healthy pods and has 4 currently',
    );
    await k(['apply', '-f', '-'], budget('min-two', { minAvailable: 3 }));
    const relaxed = await pdbWith('min-two', { desiredHealthy: 3, disruptionsAllowed: 1 });
    assert.strictEqual(evictionVerdict(pods[0], [relaxed!]).allowed, true);
    // a pod no budget covers may always go
    assert.strictEqual(
      evictionVerdict({ ...pods[0], metadata: { ...pods[0].metadata, labels: {} } }, [relaxed!]).allowed,
      true,
    );
  });

  it('the Eviction subresource honours the budget: one eviction passes, the next gets 429 with the reason', async () => {
    // two pods no controller replaces, under a budget that lets one go
    for (const name of ['db-0', 'db-1']) {
      await k(['run', name, '--image=postgres:16', '--labels=app=db']);
    }
    await k(['apply', '-f', '-'], budget('db', { minAvailable: 1 }).replace('"app":"web"', '"app":"db"'));
    await pdbWith('db', { currentHealthy: 2, desiredHealthy: 1, disruptionsAllowed: 1 });
    const evict = (name: string) =>
      t.request('POST', `/api/v1/namespaces/default/pods/${name}/eviction`, {
        apiVersion: 'policy/v1',
        kind: 'Eviction',
        metadata: { name, namespace: 'default' },
      });
    // both at once (as `kubectl drain` of a node holding both): the budget lets exactly one through
    const answers = await Promise.all([evict('db-0'), evict('db-1')]);
    assert.deepStrictEqual(answers.map((a) => a.status).sort(), [201, 429], answers.map((a) => a.text).join('\n'));
    const refused = answers.find((a) => a.status === 429)!;
    assert.match(refused.text, /Cannot evict pod as it would violate the pod's disruption budget/);
    // has: the budget's status when the second eviction reads it (2 until the controller counts the evicted pod out)
    assert.match(refused.text, /The disruption budget db needs 1 healthy pods and has [12] currently/);
  });
});
