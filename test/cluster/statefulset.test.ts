// StatefulSets with the real kubectl, run by the real scheduler and kubelets on three nodes, on a sped-up
// clock: ordinal pods created one at a time in order with their claims, scale down from the highest
// ordinal, partitioned rolling updates from the highest ordinal down, ControllerRevisions behind
// `rollout status`, `rollout history` and `rollout undo`, Parallel pod management and the claim
// retention policy, all read back the way a user would.
import * as assert from 'assert';
import { startTestCluster, TestCluster, eventually } from '../helpers/testCluster';

/** cluster milliseconds per real millisecond */
const SPEED = 20;

interface StsOptions {
  replicas?: number;
  image?: string;
  podManagementPolicy?: string;
  partition?: number;
  retention?: { whenDeleted?: string; whenScaled?: string };
  readyAfterSeconds?: number;
}

function statefulSet(name: string, o: StsOptions = {}): string {
  const annotations: Record<string, string> = {};
  if (o.readyAfterSeconds !== undefined)
    annotations['sim.slipway.dev/ready-after-seconds'] = String(o.readyAfterSeconds);
  // the simulated readiness only matters to a container with a readiness probe, as in Kubernetes
  const probe =
    o.readyAfterSeconds !== undefined ? { readinessProbe: { httpGet: { path: '/', port: 80 }, periodSeconds: 1 } } : {};
  return JSON.stringify({
    apiVersion: 'apps/v1',
    kind: 'StatefulSet',
    metadata: { name },
    spec: {
      serviceName: name,
      replicas: o.replicas ?? 3,
      selector: { matchLabels: { app: name } },
      ...(o.podManagementPolicy ? { podManagementPolicy: o.podManagementPolicy } : {}),
      ...(o.partition !== undefined
        ? { updateStrategy: { type: 'RollingUpdate', rollingUpdate: { partition: o.partition } } }
        : {}),
      ...(o.retention ? { persistentVolumeClaimRetentionPolicy: o.retention } : {}),
      template: {
        metadata: { labels: { app: name }, annotations },
        spec: {
          containers: [
            {
              name: 'nginx',
              image: o.image ?? 'registry.k8s.io/nginx-slim:0.24',
              ports: [{ containerPort: 80, name: 'web' }],
              volumeMounts: [{ name: 'www', mountPath: '/usr/share/nginx/html' }],
              ...probe,
            },
          ],
        },
      },
      volumeClaimTemplates: [
        {
          metadata: { name: 'www', labels: { tier: 'storage' } },
          spec: { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } },
        },
      ],
    },
  });
}

function headlessService(name: string): string {
  return JSON.stringify({
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name },
    spec: { clusterIP: 'None', selector: { app: name }, ports: [{ port: 80, name: 'web' }] },
  });
}

/** One line per watch event: type, pod name, Ready status, deletion timestamp, revision label. */
const WATCH_FORMAT =
  'jsonpath={.type}|{.object.metadata.name}|{.object.status.conditions[?(@.type=="Ready")].status}|{.object.metadata.deletionTimestamp}|{.object.metadata.labels.controller-revision-hash}{"\\n"}';

interface WatchLine {
  type: string;
  name: string;
  ready: string;
  deleting: boolean;
  revision: string;
}

function parseWatch(out: string): WatchLine[] {
  return out
    .split('\n')
    .filter((l) => l.includes('|'))
    .map((l) => {
      const [type, name, ready, deletion, revision] = l.split('|');
      return { type, name, ready, deleting: deletion !== '', revision };
    });
}

describe('StatefulSets (kubectl, scheduler, kubelets)', function () {
  this.timeout(120_000);
  let t: TestCluster;

  const json = (args: string[]) => t.json(args);

  const apply = (manifest: string) => t.apply(manifest);

  async function kubectlOk(args: string[], timeoutMs = 60_000): Promise<string> {
    const r = await t.kubectl(args, { timeoutMs });
    assert.strictEqual(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
    return r.stdout;
  }

  async function podsOf(app: string): Promise<any[]> {
    return (await json(['get', 'pods', '-l', `app=${app}`])).items;
  }

  function watchPods(app: string) {
    return t.kubectlStream(['get', 'pods', '-l', `app=${app}`, '--watch', '--output-watch-events', '-o', WATCH_FORMAT]);
  }

  before(async () => {
    t = await startTestCluster({ nodes: 3, clockSpeed: SPEED });
    await t.cluster.controllersReady;
    await eventually(async () => (await json(['get', 'nodes'])).items.length === 3, 30_000, 'three nodes');
  });
  after(async () => {
    await t?.stop();
  });

  it('creates web-0, web-1 and web-2 in order, each Running and Ready before the next, with their claims', async () => {
    const watch = watchPods('web');
    await new Promise((r) => setTimeout(r, 300));
    await apply(headlessService('web'));
    await apply(statefulSet('web', { readyAfterSeconds: 2 }));
    const status = await kubectlOk(['rollout', 'status', 'statefulset/web', '--timeout=60s'], 70_000);
    assert.match(status, /partitioned roll out complete: 3 new pods have been updated/);
    watch.stop();
    await watch.exited;

    const lines = parseWatch(watch.output());
    const created = lines.filter((l) => l.type === 'ADDED').map((l) => l.name);
    assert.deepStrictEqual(created, ['web-0', 'web-1', 'web-2'], watch.output());
    // OrderedReady: a pod is created only once its predecessor has been seen Ready
    for (const [prev, next] of [
      ['web-0', 'web-1'],
      ['web-1', 'web-2'],
    ]) {
      const readyAt = lines.findIndex((l) => l.name === prev && l.ready === 'True');
      const addedAt = lines.findIndex((l) => l.name === next && l.type === 'ADDED');
      assert.ok(readyAt >= 0 && readyAt < addedAt, `${next} was created before ${prev} was Ready:\n${watch.output()}`);
    }

    const sts = await json(['get', 'statefulset', 'web']);
    assert.strictEqual(sts.status.replicas, 3);
    assert.strictEqual(sts.status.readyReplicas, 3);
    assert.strictEqual(sts.status.currentReplicas, 3);
    assert.strictEqual(sts.status.updatedReplicas, 3);
    assert.strictEqual(sts.status.availableReplicas, 3);
    assert.strictEqual(sts.status.observedGeneration, sts.metadata.generation);
    assert.strictEqual(sts.status.collisionCount, 0);
    assert.ok(sts.status.currentRevision.startsWith('web-'), sts.status.currentRevision);
    assert.strictEqual(sts.status.updateRevision, sts.status.currentRevision);

    const pods = await podsOf('web');
    assert.deepStrictEqual(pods.map((p) => p.metadata.name).sort(), ['web-0', 'web-1', 'web-2']);
    for (const p of pods) {
      const ordinal = p.metadata.name.split('-')[1];
      assert.strictEqual(p.metadata.labels['statefulset.kubernetes.io/pod-name'], p.metadata.name);
      assert.strictEqual(p.metadata.labels['apps.kubernetes.io/pod-index'], ordinal);
      assert.strictEqual(p.metadata.labels['controller-revision-hash'], sts.status.updateRevision);
      assert.strictEqual(p.spec.hostname, p.metadata.name);
      assert.strictEqual(p.spec.subdomain, 'web');
      assert.ok(p.spec.nodeName, `${p.metadata.name} is not on a node`);
      const ref = p.metadata.ownerReferences.find((r: any) => r.controller);
      assert.deepStrictEqual([ref.kind, ref.name, ref.uid], ['StatefulSet', 'web', sts.metadata.uid]);
      const volume = p.spec.volumes.find((v: any) => v.name === 'www');
      assert.strictEqual(volume.persistentVolumeClaim.claimName, `www-web-${ordinal}`);
    }

    const claims = (await json(['get', 'pvc', '-l', 'app=web'])).items;
    assert.deepStrictEqual(claims.map((c: any) => c.metadata.name).sort(), ['www-web-0', 'www-web-1', 'www-web-2']);
    for (const c of claims) {
      assert.deepStrictEqual(c.metadata.labels, { app: 'web', tier: 'storage' });
      // the default Retain policy leaves claims unowned, so they outlive the set
      assert.strictEqual(c.metadata.ownerReferences, undefined, JSON.stringify(c.metadata.ownerReferences));
      assert.strictEqual(c.spec.resources.requests.storage, '1Gi');
    }

    const revisions = (await json(['get', 'controllerrevisions', '-l', 'app=web'])).items;
    assert.strictEqual(revisions.length, 1);
    assert.strictEqual(revisions[0].metadata.name, sts.status.currentRevision);
    assert.strictEqual(revisions[0].revision, 1);
    assert.strictEqual(revisions[0].metadata.ownerReferences[0].uid, sts.metadata.uid);

    const events = (
      await json(['get', 'events', '--field-selector', 'involvedObject.name=web,involvedObject.kind=StatefulSet'])
    ).items;
    const messages = events.map((e: any) => e.message);
    assert.ok(messages.includes('create Pod web-0 in StatefulSet web successful'), messages.join('\n'));
    assert.ok(messages.includes('create Claim www-web-2 Pod web-2 in StatefulSet web success'), messages.join('\n'));
  });

  it('scales down from the highest ordinal, one pod at a time, and keeps the claims', async () => {
    const watch = watchPods('web');
    await new Promise((r) => setTimeout(r, 300));
    await kubectlOk(['scale', 'statefulset/web', '--replicas=1']);
    await eventually(async () => (await podsOf('web')).length === 1, 60_000, 'one pod left');
    watch.stop();
    await watch.exited;
    const lines = parseWatch(watch.output());
    const firstDeleting = (name: string) =>
      lines.findIndex((l) => l.name === name && (l.deleting || l.type === 'DELETED'));
    const gone = (name: string) => lines.findIndex((l) => l.name === name && l.type === 'DELETED');
    assert.ok(firstDeleting('web-2') >= 0 && firstDeleting('web-1') >= 0, watch.output());
    // web-1 is not touched until web-2 is gone
    assert.ok(gone('web-2') < firstDeleting('web-1'), `web-1 went before web-2 had gone:\n${watch.output()}`);
    assert.strictEqual(firstDeleting('web-0'), -1, watch.output());
    assert.deepStrictEqual(
      (await podsOf('web')).map((p) => p.metadata.name),
      ['web-0'],
    );

    const claims = (await json(['get', 'pvc', '-l', 'app=web'])).items.map((c: any) => c.metadata.name).sort();
    assert.deepStrictEqual(claims, ['www-web-0', 'www-web-1', 'www-web-2']);
    const sts = await json(['get', 'statefulset', 'web']);
    assert.strictEqual(sts.status.replicas, 1);

    await kubectlOk(['scale', 'statefulset/web', '--replicas=3']);
    await kubectlOk(['rollout', 'status', 'statefulset/web', '--timeout=60s'], 70_000);
    assert.strictEqual((await podsOf('web')).length, 3);
  });

  it('rolls out a partitioned update to ordinals at or above the partition only, highest first', async () => {
    const before = await json(['get', 'statefulset', 'web']);
    const oldRevision = before.status.currentRevision;
    await kubectlOk([
      'patch',
      'statefulset/web',
      '-p',
      JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition: 1 } } } }),
    ]);
    const watch = watchPods('web');
    await new Promise((r) => setTimeout(r, 300));
    await kubectlOk(['set', 'image', 'statefulset/web', 'nginx=registry.k8s.io/nginx-slim:0.25']);
    const status = await kubectlOk(['rollout', 'status', 'statefulset/web', '--timeout=60s'], 70_000);
    assert.match(status, /partitioned roll out complete: 2 new pods have been updated/);
    watch.stop();
    await watch.exited;

    const sts = await json(['get', 'statefulset', 'web']);
    const newRevision = sts.status.updateRevision;
    assert.notStrictEqual(newRevision, oldRevision);
    assert.strictEqual(sts.status.currentRevision, oldRevision);
    assert.strictEqual(sts.status.updatedReplicas, 2);
    assert.strictEqual(sts.status.currentReplicas, 1);

    const byName = new Map((await podsOf('web')).map((p) => [p.metadata.name, p]));
    assert.strictEqual(byName.get('web-0').metadata.labels['controller-revision-hash'], oldRevision);
    assert.strictEqual(byName.get('web-0').spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.24');
    for (const n of ['web-1', 'web-2']) {
      assert.strictEqual(byName.get(n).metadata.labels['controller-revision-hash'], newRevision);
      assert.strictEqual(byName.get(n).spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.25');
    }
    const lines = parseWatch(watch.output());
    const deleted = lines.filter((l) => l.type === 'DELETED').map((l) => l.name);
    assert.deepStrictEqual(deleted, ['web-2', 'web-1'], watch.output());

    // partition 0 finishes the rollout: web-0 too, and the update revision becomes current
    await kubectlOk([
      'patch',
      'statefulset/web',
      '-p',
      JSON.stringify({ spec: { updateStrategy: { rollingUpdate: { partition: 0 } } } }),
    ]);
    await kubectlOk(['rollout', 'status', 'statefulset/web', '--timeout=60s'], 70_000);
    const done = await eventually(
      async () => {
        const s = await json(['get', 'statefulset', 'web']);
        return s.status.currentRevision === newRevision && s.status.currentReplicas === 3 ? s : undefined;
      },
      30_000,
      'the update revision to become current',
    );
    assert.strictEqual(done.status.updatedReplicas, 3);
    for (const p of await podsOf('web')) assert.strictEqual(p.metadata.labels['controller-revision-hash'], newRevision);
  });

  it('keeps ControllerRevisions that rollout history lists and rollout undo restores', async () => {
    const history = await kubectlOk(['rollout', 'history', 'statefulset/web']);
    assert.match(history, /REVISION\s+CHANGE-CAUSE\n1\s+<none>\n2\s+<none>/);
    const rev1 = await kubectlOk(['rollout', 'history', 'statefulset/web', '--revision=1']);
    assert.match(rev1, /Image:\s+registry.k8s.io\/nginx-slim:0.24/);

    const undo = await kubectlOk(['rollout', 'undo', 'statefulset/web']);
    assert.match(undo, /statefulset.apps\/web rolled back/);
    await kubectlOk(['rollout', 'status', 'statefulset/web', '--timeout=60s'], 70_000);
    const sts = await eventually(
      async () => {
        const s = await json(['get', 'statefulset', 'web']);
        return s.status.currentRevision === s.status.updateRevision && s.status.updatedReplicas === 3 ? s : undefined;
      },
      30_000,
      'the rollback to finish',
    );
    assert.strictEqual(sts.spec.template.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.24');
    for (const p of await podsOf('web'))
      assert.strictEqual(p.spec.containers[0].image, 'registry.k8s.io/nginx-slim:0.24');
    // the first revision came back as the newest rather than as a copy
    assert.match(
      await kubectlOk(['rollout', 'history', 'statefulset/web']),
      /REVISION\s+CHANGE-CAUSE\n2\s+<none>\n3\s+<none>/,
    );
    const revisions = (await json(['get', 'controllerrevisions', '-l', 'app=web'])).items;
    assert.strictEqual(revisions.length, 2);
    assert.strictEqual(revisions.find((r: any) => r.revision === 3).metadata.name, sts.status.updateRevision);

    const again = await kubectlOk(['rollout', 'undo', 'statefulset/web', '--to-revision=3']);
    assert.match(again, /skipped rollback \(current template already matches revision 3\)/);
  });

  it('creates all pods at once with Parallel pod management, without waiting for readiness', async () => {
    await apply(headlessService('par'));
    const watch = watchPods('par');
    await new Promise((r) => setTimeout(r, 300));
    // a readiness that never comes: OrderedReady would stop at par-0
    await apply(statefulSet('par', { podManagementPolicy: 'Parallel', replicas: 3, readyAfterSeconds: 100_000 }));
    await eventually(async () => (await podsOf('par')).length === 3, 30_000, 'three pods');
    watch.stop();
    await watch.exited;
    const pods = await podsOf('par');
    assert.ok(
      pods.every((p) => !(p.status.conditions ?? []).some((c: any) => c.type === 'Ready' && c.status === 'True')),
    );
    const sts = await eventually(
      async () => {
        const s = await json(['get', 'statefulset', 'par']);
        return s.status.replicas === 3 ? s : undefined;
      },
      10_000,
      'status.replicas 3',
    );
    assert.strictEqual(sts.status.readyReplicas, undefined);
    const rollout = await t.kubectl(['rollout', 'status', 'statefulset/par', '--timeout=1s']);
    assert.notStrictEqual(rollout.code, 0);
    assert.match(rollout.stdout, /Waiting for 3 pods to be ready/);
    await kubectlOk(['delete', 'statefulset', 'par', '--wait=false']);
  });

  it('deletes claims as persistentVolumeClaimRetentionPolicy asks', async () => {
    await apply(headlessService('db'));
    await apply(statefulSet('db', { replicas: 2, retention: { whenDeleted: 'Delete', whenScaled: 'Delete' } }));
    await kubectlOk(['rollout', 'status', 'statefulset/db', '--timeout=60s'], 70_000);
    const sts = await json(['get', 'statefulset', 'db']);
    const claims = await eventually(
      async () => {
        const items = (await json(['get', 'pvc', '-l', 'app=db'])).items;
        return items.length === 2 &&
          items.every((c: any) => c.metadata.ownerReferences?.some((r: any) => r.uid === sts.metadata.uid))
          ? items
          : undefined;
      },
      20_000,
      'claims owned by the set',
    );
    assert.deepStrictEqual(claims.map((c: any) => c.metadata.name).sort(), ['www-db-0', 'www-db-1']);

    // whenScaled: Delete, the claim of a removed ordinal goes with its pod
    await kubectlOk(['scale', 'statefulset/db', '--replicas=1']);
    await eventually(
      async () => {
        const names = (await json(['get', 'pvc', '-l', 'app=db'])).items.map((c: any) => c.metadata.name);
        return names.length === 1 && names[0] === 'www-db-0';
      },
      60_000,
      'www-db-1 deleted on scale down',
    );

    // whenDeleted: Delete, deleting the set deletes the remaining claims
    await kubectlOk(['delete', 'statefulset', 'db']);
    await eventually(
      async () => (await json(['get', 'pvc', '-l', 'app=db'])).items.length === 0,
      60_000,
      'claims deleted with the set',
    );
    // while the first set's claims, retained by default, are still there
    assert.strictEqual((await json(['get', 'pvc', '-l', 'app=web'])).items.length, 3);
  });
});
