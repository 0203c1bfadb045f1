// apiregistration.k8s.io/v1 APIServices: one per served group version (the built-ins and each CRD's), Local and
// Available as kube-apiserver lists them, read-only for users.
import * as assert from 'assert';
import { widgetCrd } from '../helpers/manifests';
import { eventually, useTestCluster, TestCluster } from '../helpers/testCluster';

interface ApiServiceJson {
  metadata: { name: string };
  spec: { group: string; version: string; groupPriorityMinimum: number; versionPriority: number; service?: unknown };
  status: { conditions: { type: string; status: string; reason: string; message: string }[] };
}

const CRD = JSON.stringify(widgetCrd({ version: 'v1alpha1' }));

describe('APIServices', function () {
  this.timeout(60_000);
  const c = useTestCluster({ nodes: 1 });
  let t: TestCluster;
  before(() => (t = c.t));

  const names = async () =>
    ((await t.json(['get', 'apiservices'])).items as ApiServiceJson[]).map((s) => s.metadata.name).sort();

  it('lists every served group version as a Local, Available APIService', async () => {
    const served = (await t.ok(['api-versions']))
      .trim()
      .split('\n')
      .map((gv) => (gv.includes('/') ? `${gv.split('/')[1]}.${gv.split('/')[0]}` : `${gv}.`))
      .sort();
    assert.deepStrictEqual(await names(), served);
    assert.ok(served.includes('v1.events.k8s.io') && served.includes('v1.autoscaling'), served.join(' '));

    assert.match(await t.ok(['get', 'apiservices']), /^v1\.apps\s+Local\s+True\s+\d+s$/m);
    const apps: ApiServiceJson = await t.json(['get', 'apiservice', 'v1.apps']);
    assert.deepStrictEqual(apps.spec, {
      group: 'apps',
      version: 'v1',
      groupPriorityMinimum: 17800,
      versionPriority: 15,
    });
    assert.deepStrictEqual(
      apps.status.conditions.map((c) => [c.type, c.status, c.reason, c.message]),
      [['Available', 'True', 'Local', 'Local APIServices are always available']],
    );
    const core: ApiServiceJson = await t.json(['get', 'apiservice', 'v1.']);
    assert.deepStrictEqual([core.spec.group, core.spec.groupPriorityMinimum], ['', 18000]);
  });

  it("follows CRDs' group versions", async () => {
    await t.apply(CRD);
    await eventually(async () => (await names()).includes('v1alpha1.example.com'), 10_000, 'the CRD APIService');
    const widget: ApiServiceJson = await t.json(['get', 'apiservice', 'v1alpha1.example.com']);
    assert.deepStrictEqual([widget.spec.groupPriorityMinimum, widget.spec.versionPriority], [1000, 100]);
    await t.ok(['delete', 'crd', 'widgets.example.com']);
    await eventually(async () => !(await names()).includes('v1alpha1.example.com'), 10_000, 'the APIService gone');
  });

  it('refuses writes: the server keeps them', async () => {
    const r = await t.kubectl(['delete', 'apiservice', 'v1.apps']);
    assert.notStrictEqual(r.code, 0);
    assert.match(r.stderr, /the server does not allow this method on the requested resource/);
    const put = await t.request('POST', '/apis/apiregistration.k8s.io/v1/apiservices', {
      apiVersion: 'apiregistration.k8s.io/v1',
      kind: 'APIService',
      metadata: { name: 'v1.example.org' },
      spec: { group: 'example.org', version: 'v1', groupPriorityMinimum: 1, versionPriority: 1 },
    });
    assert.deepStrictEqual([put.status, put.body.reason], [405, 'MethodNotAllowed']);
    assert.ok((await names()).includes('v1.apps'));
  });
});
