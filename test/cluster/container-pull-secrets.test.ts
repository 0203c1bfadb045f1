// Pulls from a registry that asks for a login (the CNCF registry on loopback that .ci/install-containers starts):
// without credentials the engine's refusal shows as ErrImagePull then ImagePullBackOff; with a
// kubernetes.io/dockerconfigjson Secret in imagePullSecrets, or on the pod's ServiceAccount, the image is pulled
// and runs; a missing pull Secret is an event. The image is pushed there through the engine's API first.
import * as assert from 'assert';
import type Docker from 'dockerode';
import { Engine } from '../../cluster/runtime/container/engine';
import { engineOrSkip, ensureShellImage, SHELL_IMAGE } from '../helpers/containerEngine';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const REGISTRY = process.env.SLIPWAY_TEST_REGISTRY;
const [USER, PASSWORD] = (process.env.SLIPWAY_TEST_REGISTRY_LOGIN ?? ':').split(':');

function follow(docker: Docker, stream: NodeJS.ReadableStream): Promise<void> {
  return new Promise((resolve, reject) =>
    docker.modem.followProgress(stream, (err: Error | null, out: { error?: string }[]) => {
      const failed = err?.message ?? out.find((o) => o.error)?.error;
      if (failed) reject(new Error(failed));
      else resolve();
    }),
  );
}

describe('image pulls with imagePullSecrets (a registry that asks for a login)', function () {
  this.timeout(90_000);
  let engine: Engine;
  let t: TestCluster;
  let image: string;

  before(async function () {
    this.timeout(120_000);
    engine = await engineOrSkip(this);
    if (!REGISTRY) {
      if (process.env.SLIPWAY_CONTAINER_TESTS === '1') throw new Error('SLIPWAY_TEST_REGISTRY is not set');
      console.log('    skipped: no test registry (SLIPWAY_TEST_REGISTRY; .ci/install-containers starts one)');
      this.skip();
    }
    await ensureShellImage(engine);
    image = `${REGISTRY}/slipway-test/private-shell:${process.pid}`;
    const [repo, tag] = [image.slice(0, image.lastIndexOf(':')), String(process.pid)];
    await engine.docker.getImage(SHELL_IMAGE).tag({ repo, tag });
    const auth = { username: USER, password: PASSWORD, serveraddress: REGISTRY };
    await follow(engine.docker, await engine.docker.getImage(image).push({ authconfig: auth }));
    // only the registry has it now: every pod below pulls it
    await engine.docker.getImage(image).remove();
    t = await startTestCluster({ runtime: 'container', nodes: 1, clockSpeed: 10 });
  });

  after(async () => {
    await t?.stop();
    await engine?.docker
      .getImage(image)
      .remove()
      .catch(() => undefined);
  });

  const pod = (name: string, extra: object = {}) =>
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        terminationGracePeriodSeconds: 1,
        containers: [
          { name: 'c', image, imagePullPolicy: 'Always', command: ['sh', '-c', 'echo pulled-and-ran; sleep 3600'] },
        ],
        ...extra,
      },
    });

  const waiting = async (name: string) =>
    (await t.json(['get', 'pod', name])).status?.containerStatuses?.[0]?.state?.waiting;

  it("shows the registry's refusal as ErrImagePull then ImagePullBackOff without credentials", async () => {
    await t.apply(pod('anonymous'));
    const w = await eventually(
      async () => {
        const s = await waiting('anonymous');
        return s?.reason === 'ImagePullBackOff' ? s : undefined;
      },
      30_000,
      'ImagePullBackOff',
    );
    assert.match(w.message, /unauthorized|authentication required|401/i);
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=anonymous']);
    assert.match(events, /Failed to pull image/);
  });

  it('pulls with a dockerconfigjson Secret in imagePullSecrets, and through the ServiceAccount', async () => {
    await t.ok([
      'create',
      'secret',
      'docker-registry',
      'regcred',
      `--docker-server=${REGISTRY}`,
      `--docker-username=${USER}`,
      `--docker-password=${PASSWORD}`,
    ]);
    await t.apply(pod('with-secret', { imagePullSecrets: [{ name: 'regcred' }] }));
    await t.ok(['wait', '--for=condition=Ready', 'pod/with-secret', '--timeout=40s']);
    await eventually(async () => /pulled-and-ran/.test(await t.ok(['logs', 'with-secret'])), 10_000, 'its output');

    await t.ok(['create', 'serviceaccount', 'puller']);
    await t.ok(['patch', 'serviceaccount', 'puller', '-p', '{"imagePullSecrets":[{"name":"regcred"}]}']);
    await t.apply(pod('via-account', { serviceAccountName: 'puller' }));
    const spec = (await t.json(['get', 'pod', 'via-account'])).spec;
    assert.deepStrictEqual(spec.imagePullSecrets, [{ name: 'regcred' }], "the ServiceAccount's pull secrets");
    await t.ok(['wait', '--for=condition=Ready', 'pod/via-account', '--timeout=40s']);
  });

  it('says when a pull Secret named by the pod does not exist', async () => {
    await t.apply(pod('missing-secret', { imagePullSecrets: [{ name: 'nope' }, { name: 'regcred' }] }));
    await t.ok(['wait', '--for=condition=Ready', 'pod/missing-secret', '--timeout=40s']);
    const events = await t.ok(['get', 'events', '--field-selector', 'involvedObject.name=missing-secret']);
    assert.match(events, /FailedToRetrieveImagePullSecret.*Unable to retrieve some image pull secrets \(nope\)/);
  });
});
