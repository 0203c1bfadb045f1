// Hostile request bodies, generated here: deeply nested YAML and JSON, hundreds of thousands of keys, Secrets
// with values that must not be echoed. Each is refused with a clear 4xx, quickly, and the server keeps answering.
import * as assert from 'assert';
import * as fs from 'fs';
import * as path from 'path';
import { monitorEventLoopDelay } from 'perf_hooks';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

interface Reply {
  status: number;
  text: string;
  ms: number;
}

/** A ConfigMap nesting `depth` flow mappings under an unknown field: about 5 bytes a level. */
export function deepManifest(name: string, depth: number): string {
  return `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\nnested: ${'{a: '.repeat(depth)}1${'}'.repeat(depth)}\n`;
}

describe('API server: hostile bodies', function () {
  this.timeout(60_000);
  let t: TestCluster;

  async function call(method: string, urlPath: string, body: string, contentType = 'application/json'): Promise<Reply> {
    const start = Date.now();
    const r = await t.request(method, urlPath, body, { 'Content-Type': contentType });
    return { status: r.status, text: r.text, ms: Date.now() - start };
  }

  before(async () => {
    t = await startTestCluster({ nodes: 1 });
  });
  after(async () => t?.stop());

  it('kubectl apply --server-side of 1,000-deep YAML gets 400 BadRequest twice, and the server still answers', async () => {
    const file = path.join(t.dir, 'deep.yaml');
    fs.writeFileSync(file, deepManifest('deep', 1000));
    assert.ok(fs.statSync(file).size < 7000);
    for (let i = 0; i < 2; i++) {
      const r = await t.kubectl(['apply', '--server-side', '-f', file]);
      assert.notStrictEqual(r.code, 0);
      assert.match(r.stderr, /BadRequest.*nested more than 100 levels deep/s, r.stderr);
    }
    const ns = await t.json(['get', 'namespace', 'default']);
    assert.strictEqual(ns.metadata.name, 'default');
  });

  it('a 1,000-deep JSON body over HTTPS, as create and as apply, is a 400 naming the line and column', async () => {
    const body =
      JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'deepjson' } }).slice(0, -1) +
      ',"nested":' +
      '{"a":'.repeat(1000) +
      '1' +
      '}'.repeat(1000) +
      '}';
    for (const [method, p, type] of [
      ['POST', '/api/v1/namespaces/default/configmaps', 'application/json'],
      ['PATCH', '/api/v1/namespaces/default/configmaps/deepjson?fieldManager=t', 'application/apply-patch+yaml'],
    ]) {
      const r = await call(method, p, body, type);
      assert.strictEqual(r.status, 400, r.text);
      assert.match(JSON.parse(r.text).message, /nested more than 100 levels deep.*\(at line 1, column \d+\)/);
    }
    assert.strictEqual((await call('GET', '/api/v1/namespaces/default', '')).status, 200);
  });

  it('150,000 keys by server-side apply and 180,000 labels by create are refused at once; others are answered meanwhile', async () => {
    const keys = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'many' },
      data: Object.fromEntries(Array.from({ length: 150_000 }, (_, i) => [`k${i}`, 'v'])),
    };
    const labels = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: {
        name: 'labels',
        labels: Object.fromEntries(Array.from({ length: 180_000 }, (_, i) => [`l${i}`, 'v'])),
      },
    };
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const big = [
      call(
        'PATCH',
        '/api/v1/namespaces/default/configmaps/many?fieldManager=t',
        JSON.stringify(keys),
        'application/apply-patch+yaml',
      ),
      call('POST', '/api/v1/namespaces/default/configmaps', JSON.stringify(labels)),
    ];
    const small = call('GET', '/api/v1/namespaces/default/configmaps', '');
    const [applied, created, listed] = await Promise.all([...big, small]);
    delay.disable();
    for (const r of [applied, created]) {
      assert.strictEqual(r.status, 413, r.text);
      assert.match(JSON.parse(r.text).message, /more than 100,000 keys and list items/);
      assert.ok(r.ms < 2000, `${r.ms} ms`);
    }
    assert.strictEqual(listed.status, 200);
    assert.ok(listed.ms < 1000, `the small request took ${listed.ms} ms`);
    assert.ok(delay.max / 1e6 < 1000, `event loop blocked ${delay.max / 1e6} ms`);
    // 50,000 labels are within the limit and are still taken in a couple of seconds
    const fine = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'fine', labels: Object.fromEntries(Array.from({ length: 50_000 }, (_, i) => [`l${i}`, 'v'])) },
    };
    const r = await call(
      'PATCH',
      '/api/v1/namespaces/default/configmaps/fine?fieldManager=t',
      JSON.stringify(fine),
      'application/apply-patch+yaml',
    );
    assert.strictEqual(r.status, 201, r.text.slice(0, 300));
    assert.ok(r.ms < 5000, `${r.ms} ms`);
  });

  it('Secret data that is not base64 is refused as Kubernetes refuses it, and no message shows a Secret value', async () => {
    const bad = await t.kubectl(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Secret\nmetadata: {name: bad64}\ndata:\n  pin: not base64!\n',
    });
    assert.notStrictEqual(bad.code, 0);
    assert.match(
      bad.stderr,
      /data\[pin\]: Invalid value: "<secret contents redacted>": illegal base64 data at input byte 3/,
      bad.stderr,
    );
    assert.doesNotMatch(bad.stderr, /not base64!/);
    const typed = await t.kubectl(['apply', '--server-side', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Secret\nmetadata: {name: pin}\nstringData:\n  pin: 98765432\n',
    });
    assert.notStrictEqual(typed.code, 0);
    assert.match(typed.stderr, /stringData\[pin\]/, typed.stderr);
    assert.doesNotMatch(typed.stderr, /98765432/);
    const over = await call(
      'POST',
      '/api/v1/namespaces/default/secrets',
      JSON.stringify({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'x' }, data: { pin: 'c2VjcmV0!' } }),
    );
    assert.ok(over.status === 400 || over.status === 422, over.text);
    assert.doesNotMatch(over.text, /c2VjcmV0/);
    const good = await t.kubectl(['apply', '-f', '-'], {
      input: 'apiVersion: v1\nkind: Secret\nmetadata: {name: good64}\ndata:\n  pin: OTg3NjU0MzI=\n',
    });
    assert.strictEqual(good.code, 0, good.stderr);
  });
});
