// The one informer (kubeclient/informer.ts) against the real embedded cluster: list-then-watch, a 410 Gone
// re-list, an ERROR event, a handler that throws. The transport is the real in-process one; where a test
// needs a watch to start late or from a bad revision, a wrapper holds or rewrites the informer's watch request.
import * as assert from 'assert';
import { ApiClient } from '../../kubeclient/apiClient';
import { Informer } from '../../kubeclient/informer';
import type { RawStream, Request, Transport, WatchEventHandler, WatchHandle } from '../../kubeclient/transport';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const CONFIGMAPS = { group: '', version: 'v1', plural: 'configmaps', namespaced: true };

/** The real transport, with a hook on each watch request (the informer's lists go through untouched). */
class WatchHook implements Transport {
  lists = 0;
  watches = 0;
  /** codes of the ERROR events the server sent */
  errors: number[] = [];
  constructor(
    private readonly inner: Transport,
    private readonly onWatch: (n: number, url: string) => Promise<string> | string = (_n, url) => url,
  ) {}
  get server(): string {
    return this.inner.server;
  }
  request(req: Request): Promise<any> {
    if (req.method === 'GET' && !req.path.includes('watch=')) this.lists++;
    return this.inner.request(req);
  }
  watch(url: string, accept: string, onEvent: WatchEventHandler, onEnd: (err?: Error) => void): WatchHandle {
    let inner: WatchHandle | undefined;
    let stopped = false;
    void Promise.resolve(this.onWatch(++this.watches, url)).then((u) => {
      const record: WatchEventHandler = (type, obj) => {
        if (type === 'ERROR') this.errors.push(obj?.code);
        onEvent(type, obj);
      };
      if (!stopped) inner = this.inner.watch(u, accept, record, onEnd);
    });
    return {
      stop: () => {
        stopped = true;
        inner?.stop();
      },
    };
  }
  stream(url: string, onText: (t: string) => void): RawStream {
    return this.inner.stream(url, onText);
  }
  close(): void {
    this.inner.close();
  }
}

/** the test's own ConfigMaps, apart from those the cluster puts in every namespace (kube-root-ca.crt) */
const OURS = 'informer-test=yes';

function configMap(namespace: string, name: string, v = '1'): any {
  return {
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: { name, namespace, labels: { 'informer-test': 'yes' } },
    data: { v },
  };
}

describe('kubeclient informer against the embedded cluster', function () {
  this.timeout(60_000);
  let t: TestCluster;
  let api: ApiClient;
  const informers: Informer[] = [];
  let nsCount = 0;

  // a small watch history, so a watch that starts late finds its revision compacted (410)
  before(async () => {
    t = await startTestCluster({ nodes: 1, storeOptions: { historyEvents: 20 } });
    api = ApiClient.forCluster({ ...clusterConfig(), local: t.cluster.apiServer });
  });
  after(async () => {
    for (const i of informers) i.stop();
    api?.close();
    await t?.stop();
  });
  const clusterConfig = () => ({ server: t.cluster.url, token: t.cluster.token, ca: t.cluster.caCert });

  async function namespace(): Promise<string> {
    const name = `inf-${++nsCount}`;
    await api.create('/api/v1/namespaces', { apiVersion: 'v1', kind: 'Namespace', metadata: { name } });
    return name;
  }
  function track(i: Informer): Informer {
    informers.push(i);
    return i;
  }
  const cms = (ns: string) => `/api/v1/namespaces/${ns}/configmaps`;

  it('lists, then tells handlers of adds, updates and deletes from the watch', async () => {
    const ns = await namespace();
    await api.create(cms(ns), configMap(ns, 'before'));
    const seen: string[] = [];
    const inf = track(
      new Informer(api, CONFIGMAPS, { namespace: ns, labelSelector: OURS })
        .on({
          add: (o) => seen.push(`add ${o.metadata.name} ${o.data.v}`),
          update: (o, old) => seen.push(`update ${o.metadata.name} ${old.data.v}->${o.data.v}`),
          delete: (o) => seen.push(`delete ${o.metadata.name}`),
        })
        .start(),
    );
    await inf.waitForSync();
    assert.deepStrictEqual(seen, ['add before 1']);
    assert.strictEqual(inf.get(ns, 'before').data.v, '1');

    await api.create(cms(ns), configMap(ns, 'after'));
    await api.update(`${cms(ns)}/before`, configMap(ns, 'before', '2'));
    await api.delete(`${cms(ns)}/after`);
    await eventually(() => seen.length === 4, 10_000, 'four events');
    assert.deepStrictEqual(seen, ['add before 1', 'add after 1', 'update before 1->2', 'delete after']);
    assert.deepStrictEqual(
      inf.list().map((o) => o.metadata.name),
      ['before'],
    );
    assert.strictEqual(inf.get(ns, 'after'), undefined);
  });

  it('re-lists after 410 Gone and tells handlers of each object once', async () => {
    const ns = await namespace();
    let release!: () => void;
    const released = new Promise<void>((r) => (release = r));
    // the first watch waits until the history no longer reaches back to the list's revision
    const hook = new WatchHook(api.transport, async (n, url) => (n === 1 ? (await released, url) : url));
    const client = new ApiClient(hook);
    const added: string[] = [];
    const inf = new Informer(client, CONFIGMAPS, { namespace: ns, labelSelector: OURS }).on({
      add: (o) => added.push(o.metadata.name),
    });
    track(inf).start();
    await inf.waitForSync();
    const names = Array.from({ length: 30 }, (_, i) => `cm-${i}`);
    for (const n of names) await api.create(cms(ns), configMap(ns, n));
    release();
    await eventually(() => added.length === names.length, 10_000, 'every object added');
    assert.deepStrictEqual([...added].sort(), [...names].sort());
    assert.deepStrictEqual(hook.errors, [410]);
    assert.ok(hook.lists >= 2, `a re-list after 410 (lists: ${hook.lists})`);
    assert.ok(hook.watches >= 2, 'a new watch after the re-list');
    // the informer watches on: a later change arrives
    await api.create(cms(ns), configMap(ns, 'later'));
    await eventually(() => inf.get(ns, 'later') !== undefined, 10_000, 'the later object');
    assert.strictEqual(added.filter((n) => n === 'later').length, 1);
  });

  it('an ERROR event ends the watch; the informer re-lists and watches on', async () => {
    const ns = await namespace();
    // the first watch asks from a revision the server refuses: it answers with one ERROR event (400)
    const badRevision = (url: string) => url.replace(/resourceVersion=\d*/, 'resourceVersion=-5');
    const hook = new WatchHook(api.transport, (n, url) => (n === 1 ? badRevision(url) : url));
    const inf = track(new Informer(new ApiClient(hook), CONFIGMAPS, { namespace: ns, labelSelector: OURS }).start());
    await inf.waitForSync();
    await eventually(() => hook.watches >= 2, 10_000, 'a second watch');
    assert.deepStrictEqual(hook.errors, [400]);
    assert.ok(hook.lists >= 2, `re-listed after the ERROR event (lists: ${hook.lists})`);
    await api.create(cms(ns), configMap(ns, 'x'));
    await eventually(() => inf.get(ns, 'x') !== undefined, 10_000, 'the object created after the ERROR event');
  });

  it('a handler that throws is reported, and neither the other handlers nor the watch stop', async () => {
    const ns = await namespace();
    const reported: string[] = [];
    const others: string[] = [];
    const inf = track(
      new Informer(api, CONFIGMAPS, {
        namespace: ns,
        labelSelector: OURS,
        onHandlerError: (e, obj) => reported.push(`${obj.metadata.name}: ${(e as Error).message}`),
      }),
    );
    inf.on({
      add: (o) => {
        if (o.metadata.name === 'bad') throw new Error('handler bug');
      },
    });
    inf.on({ add: (o) => others.push(o.metadata.name) });
    inf.start();
    await inf.waitForSync();
    await api.create(cms(ns), configMap(ns, 'bad'));
    await api.create(cms(ns), configMap(ns, 'good'));
    await eventually(() => others.length === 2, 10_000, 'both adds told to the other handler');
    assert.deepStrictEqual(others, ['bad', 'good']);
    assert.deepStrictEqual(reported, ['bad: handler bug']);
  });

  it('without onHandlerError, a handler exception is written to stderr naming the object', async () => {
    const ns = await namespace();
    const written: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => {
      written.push(args.join(' '));
    };
    try {
      const inf = new Informer(api, CONFIGMAPS, { namespace: ns, labelSelector: OURS }).on({
        add: () => {
          throw new Error('boom');
        },
      });
      track(inf).start();
      await inf.waitForSync();
      await api.create(cms(ns), configMap(ns, 'loud'));
      await eventually(() => written.length > 0, 10_000, 'the report');
    } finally {
      console.error = original;
    }
    assert.match(written[0], new RegExp(`${ns}/loud.*boom`, 's'));
  });
});
