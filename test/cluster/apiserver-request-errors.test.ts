// Requests of the wrong shape get the answers kube-apiserver gives (400, 415, 504), never a 500, and the
// Authorization scheme is matched without regard to case.
import * as assert from 'assert';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const CMS = '/api/v1/namespaces/default/configmaps';

describe('API server answers to malformed requests', function () {
  this.timeout(30_000);
  let t: TestCluster;

  type Reply = { status: number; body: any };
  async function call(
    method: string,
    path: string,
    body?: string,
    headers: Record<string, string> = {},
  ): Promise<Reply> {
    const r = await t.request(method, path, body, headers);
    return { status: r.status, body: r.body ?? r.text };
  }

  before(async () => {
    t = await startTestCluster({ nodes: 0 });
    const x = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { a: '1' } };
    const r = await call('POST', CMS, JSON.stringify(x));
    assert.strictEqual(r.status, 201);
  });
  after(async () => t?.stop());

  it('answers 400, not 500, to malformed query values, paths, continue tokens and patches (fuzzed)', async () => {
    const token = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const fixed: [string, string, string?, string?][] = [
      ['GET', `${CMS}?limit=abc`],
      ['GET', `${CMS}?limit=1.5`],
      ['GET', `${CMS}?watch=true&timeoutSeconds=abc`],
      ['GET', `${CMS}?resourceVersion=abc`],
      ['GET', `${CMS}/x?resourceVersion=-3`],
      ['GET', `${CMS}?resourceVersionMatch=Sometimes`],
      ['GET', `${CMS}?continue=${token(null)}`],
      ['GET', `${CMS}?continue=${token({ k: 1 })}`],
      ['GET', `${CMS}?labelSelector=${encodeURIComponent('a in (b')}`],
      ['GET', '/api/v1/namespaces/%zz/configmaps'],
      ['DELETE', `${CMS}/nothere?gracePeriodSeconds=soon`],
      ['PATCH', `${CMS}/x`, 'null', 'application/merge-patch+json'],
      ['PATCH', `${CMS}/x`, '{"metadata":"s"}', 'application/strategic-merge-patch+json'],
      ['PATCH', `${CMS}/x`, '{"metadata":"s"}', 'application/merge-patch+json'],
      ['PATCH', `${CMS}/x`, '[{"op":"replace","path":"/metadata","value":7}]', 'application/json-patch+json'],
      [
        'PATCH',
        `${CMS}/x?fieldManager=m`,
        '{"apiVersion":"v1","kind":"ConfigMap","metadata":"x"}',
        'application/apply-patch+yaml',
      ],
    ];
    // a little fuzz: random values in the integer parameters and random JSON in merge patches' metadata
    const junk = ['', 'x', '1e3', '0x10', '--1', '9'.repeat(30), ' ', '%', 'null', '[]', '{}', '1/2'];
    const pick = () => junk[Math.floor(Math.random() * junk.length)];
    for (let i = 0; i < 20; i++) {
      const p = ['limit', 'timeoutSeconds', 'resourceVersion'][i % 3];
      // a random but valid timeoutSeconds ("99") would hold a watch open that long: those are lists
      const watch = i % 2 && p !== 'timeoutSeconds' ? 'watch=true&' : '';
      fixed.push(['GET', `${CMS}?${watch}${p}=${encodeURIComponent(pick() + pick())}&timeoutSeconds=1`]);
      const values = [null, 7, 'text', [], true, [{}], { labels: 'x' }, { name: 5 }];
      const metadata = values[Math.floor(Math.random() * values.length)];
      fixed.push(['PATCH', `${CMS}/x`, JSON.stringify({ metadata }), 'application/merge-patch+json']);
    }
    for (const [method, path, body, type] of fixed) {
      const r = await call(method, path, body, type ? { 'Content-Type': type } : {});
      assert.ok(r.status < 500, `${method} ${path} ${body ?? ''}: ${r.status} ${JSON.stringify(r.body)}`);
    }
    for (const [method, path, body, type] of fixed.slice(0, 16)) {
      const r = await call(method, path, body, type ? { 'Content-Type': type } : {});
      assert.strictEqual(r.status, 400, `${method} ${path} ${body ?? ''}: ${JSON.stringify(r.body)}`);
      assert.strictEqual(r.body.reason, 'BadRequest');
    }
    // the object is intact
    assert.deepStrictEqual((await call('GET', `${CMS}/x`)).body.data, { a: '1' });
  });

  it('refuses a text/plain body with 415 UnsupportedMediaType', async () => {
    const body = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'plain' } });
    const r = await call('POST', CMS, body, { 'Content-Type': 'text/plain' });
    assert.strictEqual(r.status, 415);
    assert.strictEqual(r.body.reason, 'UnsupportedMediaType');
    assert.match(r.body.message, /application\/json/);
    assert.strictEqual((await call('GET', `${CMS}/plain`)).status, 404);
  });

  it('accepts the bearer scheme in any case, and still refuses a wrong token', async () => {
    for (const scheme of ['bearer', 'BEARER', 'Bearer']) {
      const r = await call('GET', `${CMS}/x`, undefined, { Authorization: `${scheme} ${t.cluster.token}` });
      assert.strictEqual(r.status, 200, scheme);
    }
    assert.strictEqual(
      (await call('GET', `${CMS}/x`, undefined, { Authorization: `bearer ${t.cluster.token}x` })).status,
      401,
    );
    assert.strictEqual(
      (await call('GET', `${CMS}/x`, undefined, { Authorization: `Basic ${t.cluster.token}` })).status,
      401,
    );
  });

  it('answers a get or list at a future resourceVersion with 504 Too large resource version, after a brief wait', async () => {
    const current = Number((await call('GET', CMS)).body.metadata.resourceVersion);
    const future = current + 1000;
    const started = Date.now();
    const [get, list] = await Promise.all([
      call('GET', `${CMS}/x?resourceVersion=${future}`),
      call('GET', `${CMS}?resourceVersion=${future}&resourceVersionMatch=NotOlderThan`),
    ]);
    for (const r of [get, list]) {
      assert.strictEqual(r.status, 504, JSON.stringify(r.body));
      assert.strictEqual(r.body.reason, 'Timeout');
      assert.match(r.body.message, new RegExp(`Too large resource version: ${future}, current: \\d+`));
      const cause = { reason: 'ResourceVersionTooLarge', message: 'Too large resource version' };
      assert.deepStrictEqual(r.body.details.causes, [cause]);
    }
    assert.ok(Date.now() - started >= 2500, 'answered without waiting for the store to catch up');
    // a version reached while the read waits is served
    const next = current + 1;
    const pending = call('GET', `${CMS}?resourceVersion=${next}`);
    const created = await call(
      'POST',
      CMS,
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'later' } }),
    );
    assert.strictEqual(created.status, 201);
    const r = await pending;
    assert.strictEqual(r.status, 200);
    assert.ok(Number(r.body.metadata.resourceVersion) >= next);
  });
});
