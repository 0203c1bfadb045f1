import * as assert from 'assert';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { KubeObject } from '../../kube/objects';
import { openStore, StoreError, type FileStore, type StoreEvent, type StoreOptions } from '../../cluster/store';

function tmpDir(): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), 'slipway-store-'));
}

/** A stored value as these tests write it: a ConfigMap's data, sometimes a spec. */
type TestValue = KubeObject & { data: Record<string, string>; spec: { list: unknown[] } };
const stored = (v: KubeObject | undefined): TestValue => v as TestValue;

function cm(name: string, data: Record<string, string> = {}): any {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data };
}

async function rejectsWith(p: Promise<unknown>, code: StoreError['code']): Promise<void> {
  await assert.rejects(p, (err: unknown) => err instanceof StoreError && err.code === code);
}

/** Collects watch events and lets a test wait for a number of them. */
class Collector {
  readonly events: StoreEvent[] = [];
  private waiters: { n: number; resolve: () => void }[] = [];
  readonly onEvent = (e: StoreEvent): void => {
    this.events.push(e);
    this.waiters = this.waiters.filter((w) => (this.events.length >= w.n ? (w.resolve(), false) : true));
  };
  async waitFor(n: number): Promise<StoreEvent[]> {
    if (this.events.length < n) await new Promise<void>((resolve) => this.waiters.push({ n, resolve }));
    return this.events;
  }
  summary(): string[] {
    return this.events.map((e) => `${e.type} ${e.key} ${e.revision}`);
  }
}

const settle = (): Promise<void> => new Promise((r) => setTimeout(r, 20));

function segmentFiles(dir: string): string[] {
  return fs
    .readdirSync(dir)
    .filter((f) => f.startsWith('wal-'))
    .sort();
}

describe('cluster store', () => {
  let dir: string;
  let store: FileStore;

  const reopen = async (options?: StoreOptions): Promise<FileStore> => {
    await store.close();
    store = await openStore(dir, options);
    return store;
  };

  beforeEach(async () => {
    dir = tmpDir();
    store = await openStore(dir);
  });
  afterEach(async () => {
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  describe('reads and writes', () => {
    it('assigns one global revision per write and stamps it as resourceVersion', async () => {
      assert.strictEqual(store.revision, 0);
      const a = await store.create('/cm/default/a', cm('a', { v: '1' }));
      assert.strictEqual(a.modRevision, 1);
      assert.strictEqual(a.value.metadata.resourceVersion, '1');
      assert.strictEqual(stored(a.value).data.v, '1');

      const b = await store.create('/cm/default/b', { kind: 'Thing' });
      assert.deepStrictEqual(b.value, { kind: 'Thing', metadata: { resourceVersion: '2' } }, 'metadata is created');

      const a2 = await store.update('/cm/default/a', cm('a', { v: '2' }));
      assert.strictEqual(a2.modRevision, 3);
      assert.strictEqual(stored(store.get('/cm/default/a')!.value).data.v, '2');
      assert.strictEqual(store.get('/cm/default/a')!.value.metadata.resourceVersion, '3');

      const gone = await store.delete('/cm/default/b');
      assert.strictEqual(gone.modRevision, 4);
      assert.strictEqual(gone.value.kind, 'Thing');
      assert.strictEqual(gone.value.metadata.resourceVersion, '4');
      assert.strictEqual(store.get('/cm/default/b'), undefined);
      assert.strictEqual(store.revision, 4);
    });

    it('keeps its own copy of values and refuses mutation of what it hands out', async () => {
      const input = cm('a', { v: '1' });
      await store.create('/cm/a', input);
      input.data.v = 'changed by caller';
      assert.strictEqual(stored(store.get('/cm/a')!.value).data.v, '1');
      assert.strictEqual(input.metadata.resourceVersion, undefined, 'caller object is not stamped');
      assert.throws(() => {
        stored(store.get('/cm/a')!.value).data.v = 'x';
      }, TypeError);
    });

    it('stores a value handed over as the data a reopened store recovers, frozen, and copies what is not plain JSON', async () => {
      const handed = cm('a', { v: '1' });
      handed.spec = { dropped: undefined, list: [1, 'x', { y: true }] };
      const e = await store.create('/cm/a', handed, { handOver: true });
      assert.strictEqual(stored(e.value).data, handed.data, 'plain data is kept, not copied');
      assert.ok(Object.isFrozen(stored(e.value).spec.list[2]));
      assert.throws(() => {
        stored(e.value).data.v = 'x';
      }, TypeError);
      assert.ok(!('dropped' in stored(e.value).spec), 'undefined is dropped as JSON drops it');
      const odd = cm('b');
      odd.data = { when: new Date(0) as any };
      const b = await store.create('/cm/b', odd, { handOver: true });
      assert.strictEqual(stored(b.value).data.when, '1970-01-01T00:00:00.000Z', 'a Date is stored as its JSON text');
      const expected = JSON.parse(JSON.stringify([store.get('/cm/a')!.value, store.get('/cm/b')!.value]));
      store = await reopen();
      assert.deepStrictEqual([store.get('/cm/a')!.value, store.get('/cm/b')!.value], expected);
    });

    it('makes a write visible only once it is durable', async () => {
      const pending = store.create('/cm/a', cm('a'));
      assert.strictEqual(store.get('/cm/a'), undefined);
      assert.strictEqual(store.revision, 0);
      await pending;
      assert.strictEqual(store.get('/cm/a')!.modRevision, 1);
    });

    it('lists by prefix in key order with the current revision', async () => {
      for (const k of ['/cm/ns2/b', '/cm/ns1/z', '/cm/ns1/a', '/cm/ns10/a', '/secrets/ns1/a', '/cm/ns1']) {
        await store.create(k, cm(k));
      }
      const ns1 = store.list('/cm/ns1/');
      assert.deepStrictEqual(
        ns1.items.map((e) => e.key),
        ['/cm/ns1/a', '/cm/ns1/z'],
      );
      assert.strictEqual(ns1.revision, 6);
      assert.deepStrictEqual(
        store.list('/cm/').items.map((e) => e.key),
        ['/cm/ns1', '/cm/ns1/a', '/cm/ns1/z', '/cm/ns10/a', '/cm/ns2/b'],
      );
      await store.delete('/cm/ns1/a');
      assert.deepStrictEqual(
        store.list('/cm/ns1/').items.map((e) => e.key),
        ['/cm/ns1/z'],
      );
      assert.deepStrictEqual(store.list('/nothing/').items, []);
      assert.strictEqual(store.list('').items.length, 5);
    });

    it('rejects values that are not JSON objects without using a revision', async () => {
      await assert.rejects(store.create('/x', 'text' as any), TypeError);
      await assert.rejects(store.create('/x', [1, 2] as any), TypeError);
      await assert.rejects(store.create('/x', { metadata: 'no' }), TypeError);
      await assert.rejects(store.create('', {}), TypeError);
      assert.strictEqual((await store.create('/x', {})).modRevision, 1);
    });
  });

  describe('optimistic concurrency', () => {
    it('reports AlreadyExists, NotFound and Conflict', async () => {
      const a = await store.create('/cm/a', cm('a'));
      await rejectsWith(store.create('/cm/a', cm('a')), 'AlreadyExists');
      await rejectsWith(store.update('/cm/missing', cm('m')), 'NotFound');
      await rejectsWith(store.delete('/cm/missing'), 'NotFound');
      await store.update('/cm/a', cm('a', { v: '2' }), a.modRevision);
      await rejectsWith(store.update('/cm/a', cm('a', { v: '3' }), a.modRevision), 'Conflict');
      await rejectsWith(store.delete('/cm/a', a.modRevision), 'Conflict');
      assert.strictEqual(stored(store.get('/cm/a')!.value).data.v, '2');
      const deleted = await store.delete('/cm/a', 2);
      assert.strictEqual(deleted.modRevision, 3);
      assert.strictEqual(store.revision, 3, 'failed writes use no revision');
    });

    it('serializes concurrent writers in call order, before their writes are durable', async () => {
      const base = await store.create('/cm/a', cm('a'));
      const results = await Promise.allSettled([
        store.update('/cm/a', cm('a', { by: 'first' }), base.modRevision),
        store.update('/cm/a', cm('a', { by: 'second' }), base.modRevision),
        store.create('/cm/b', cm('b')),
        store.create('/cm/b', cm('b')),
        store.delete('/cm/b'),
      ]);
      assert.deepStrictEqual(
        results.map((r) => (r.status === 'fulfilled' ? r.value.modRevision : (r.reason as StoreError).code)),
        [2, 'Conflict', 3, 'AlreadyExists', 4],
      );
      assert.strictEqual(stored(store.get('/cm/a')!.value).data.by, 'first');
      assert.strictEqual(store.get('/cm/b'), undefined);
    });

    it('acknowledges many concurrent writers with distinct consecutive revisions', async () => {
      const entries = await Promise.all(Array.from({ length: 200 }, (_, i) => store.create(`/cm/k${i}`, cm(`k${i}`))));
      assert.deepStrictEqual(
        entries.map((e) => e.modRevision).sort((x, y) => x - y),
        Array.from({ length: 200 }, (_, i) => i + 1),
      );
      assert.strictEqual(store.list('/cm/').items.length, 200);
    });
  });

  describe('watch', () => {
    it('replays history after a revision, then delivers live events in order', async () => {
      await store.create('/cm/a', cm('a', { v: '1' }));
      await store.create('/secrets/s', { kind: 'Secret' });
      await store.update('/cm/a', cm('a', { v: '2' }));
      const c = new Collector();
      store.watch('/cm/', 1, c.onEvent);
      await store.create('/cm/b', cm('b'));
      await store.delete('/cm/a');
      await store.update('/secrets/s', { kind: 'Secret', data: {} });
      const events = await c.waitFor(3);
      await settle();
      assert.deepStrictEqual(c.summary(), ['MODIFIED /cm/a 3', 'ADDED /cm/b 4', 'DELETED /cm/a 5']);
      assert.strictEqual(stored(events[0].prev).data.v, '1');
      assert.strictEqual(stored(events[0].value).data.v, '2');
      const deleted = events[2];
      assert.strictEqual(deleted.value.metadata.resourceVersion, '5');
      assert.strictEqual(stored(deleted.value).data.v, '2');
      assert.strictEqual(deleted.prev!.metadata.resourceVersion, '3');
    });

    it('delivers only live events when watching from the current revision', async () => {
      await store.create('/cm/a', cm('a'));
      const c = new Collector();
      store.watch('/cm/', store.revision, c.onEvent);
      await settle();
      assert.deepStrictEqual(c.events, []);
      await store.create('/cm/b', cm('b'));
      await c.waitFor(1);
      assert.deepStrictEqual(c.summary(), ['ADDED /cm/b 2']);
    });

    it('stops delivering after cancel', async () => {
      const c = new Collector();
      const w = store.watch('/cm/', 0, c.onEvent);
      await store.create('/cm/a', cm('a'));
      await c.waitFor(1);
      w.cancel();
      await store.create('/cm/b', cm('b'));
      await settle();
      assert.deepStrictEqual(c.summary(), ['ADDED /cm/a 1']);
    });

    it('serves many watchers on overlapping prefixes, each exactly its own events', async () => {
      const watchers: { prefix: string; c: Collector }[] = [];
      for (let i = 0; i < 60; i++) {
        const prefix = i % 3 === 0 ? '/cm/' : i % 3 === 1 ? `/cm/ns${i % 5}/` : '';
        const c = new Collector();
        store.watch(prefix, 0, c.onEvent);
        watchers.push({ prefix, c });
      }
      const keys = Array.from({ length: 50 }, (_, i) => `/cm/ns${i % 5}/k${i}`).concat(['/other/x']);
      await Promise.all(keys.map((k) => store.create(k, cm(k))));
      await settle();
      for (const { prefix, c } of watchers) {
        const expected = keys.filter((k) => k.startsWith(prefix)).length;
        assert.strictEqual(c.events.length, expected, `watcher on "${prefix}"`);
        const revisions = c.events.map((e) => e.revision);
        assert.deepStrictEqual(
          revisions,
          [...revisions].sort((x, y) => x - y),
          'in revision order',
        );
      }
    });

    it('answers Gone for revisions older than the retained history', async () => {
      store = await reopen({ historyEvents: 5 });
      for (let i = 0; i < 12; i++) await store.create(`/cm/k${i}`, cm(`k${i}`));
      assert.strictEqual(store.compactedRevision, 7);
      assert.throws(
        () => store.watch('/cm/', 6, () => {}),
        (err: unknown) => err instanceof StoreError && err.code === 'Gone',
      );
      const c = new Collector();
      store.watch('/cm/', 7, c.onEvent);
      await c.waitFor(5);
      assert.deepStrictEqual(
        c.events.map((e) => e.revision),
        [8, 9, 10, 11, 12],
      );
    });
  });

  describe('persistence', () => {
    it('restores state after a restart and continues the revision counter', async () => {
      await store.create('/cm/a', cm('a', { v: '1' }));
      await store.create('/cm/b', cm('b'));
      await store.update('/cm/a', cm('a', { v: '2' }));
      await store.delete('/cm/b');
      store = await reopen();
      assert.strictEqual(store.revision, 4);
      assert.deepStrictEqual(
        store.list('/').items.map((e) => [e.key, e.modRevision]),
        [['/cm/a', 3]],
      );
      assert.strictEqual(stored(store.get('/cm/a')!.value).data.v, '2');
      assert.strictEqual((await store.create('/cm/c', cm('c'))).modRevision, 5);
      // History is in memory only: a watch from before the restart must relist.
      assert.throws(
        () => store.watch('/', 3, () => {}),
        (err: unknown) => (err as StoreError).code === 'Gone',
      );
      const c = new Collector();
      store.watch('/', 4, c.onEvent);
      await c.waitFor(1);
      assert.deepStrictEqual(c.summary(), ['ADDED /cm/c 5']);
    });

    it('drops a torn trailing record and keeps every earlier one', async () => {
      for (let i = 1; i <= 5; i++) await store.create(`/cm/k${i}`, cm(`k${i}`));
      await store.close();
      const [log] = segmentFiles(dir);
      const file = path.join(dir, log);
      fs.truncateSync(file, fs.statSync(file).size - 7); // the last write only partly reached the disk
      store = await openStore(dir);
      assert.deepStrictEqual(
        store.list('/cm/').items.map((e) => e.key),
        ['/cm/k1', '/cm/k2', '/cm/k3', '/cm/k4'],
      );
      assert.strictEqual(store.revision, 4);
      assert.ok(store.recovery.droppedTailBytes > 0);
      assert.strictEqual((await store.create('/cm/k6', cm('k6'))).modRevision, 5);
      // New records follow valid ones: nothing is lost on the next restart.
      store = await reopen();
      assert.strictEqual(store.recovery.droppedTailBytes, 0);
      assert.deepStrictEqual(
        store.list('/cm/').items.map((e) => e.key),
        ['/cm/k1', '/cm/k2', '/cm/k3', '/cm/k4', '/cm/k6'],
      );
    });

    it('drops a trailing record whose checksum fails, and a zero-filled tail', async () => {
      for (let i = 1; i <= 3; i++) await store.create(`/cm/k${i}`, cm(`k${i}`, { v: 'value' }));
      await store.close();
      const file = path.join(dir, segmentFiles(dir)[0]);
      const bytes = fs.readFileSync(file);
      bytes[bytes.length - 10] ^= 0xff;
      fs.writeFileSync(file, Buffer.concat([bytes, Buffer.alloc(4096)]));
      store = await openStore(dir);
      assert.deepStrictEqual(
        store.list('/cm/').items.map((e) => e.modRevision),
        [1, 2],
      );
    });

    it('recovers right after a log rotation, and refuses to open when a sealed segment is damaged', async () => {
      for (let i = 1; i <= 10; i++) await store.create(`/cm/k${i}`, cm(`k${i}`, { v: 'some value' }));
      await store.close();
      // A crash right after compaction started the next segment: the first one is sealed.
      fs.writeFileSync(path.join(dir, 'wal-0000000002.log'), '');
      store = await openStore(dir);
      assert.strictEqual(store.list('/cm/').items.length, 10);
      await store.close();

      const sealed = path.join(dir, 'wal-0000000001.log');
      const bytes = fs.readFileSync(sealed);
      bytes[Math.floor(bytes.length / 2)] ^= 0xff;
      fs.writeFileSync(sealed, bytes);
      await assert.rejects(openStore(dir), /damaged record/);
      store = await openStoreForCleanup(dir);
    });

    it('compacts into a snapshot and loses nothing across restarts', async () => {
      store = await reopen({ maxLogBytes: 4096 });
      const expected = new Map<string, string>();
      for (let i = 0; i < 150; i++) {
        const key = `/cm/k${i % 40}`;
        if (i % 7 === 6 && expected.has(key)) {
          await store.delete(key);
          expected.delete(key);
        } else if (expected.has(key)) {
          await store.update(key, cm(key, { i: String(i) }));
          expected.set(key, String(i));
        } else {
          await store.create(key, cm(key, { i: String(i) }));
          expected.set(key, String(i));
        }
      }
      const before = store.list('/');
      store = await reopen({ maxLogBytes: 4096 });
      assert.ok(fs.existsSync(path.join(dir, 'snapshot.db')), 'a snapshot was written');
      assert.ok(segmentFiles(dir).length <= 2, `old segments removed, found ${segmentFiles(dir)}`);
      assert.ok(store.recovery.snapshotRevision > 0);
      assert.strictEqual(store.revision, 150);
      assert.deepStrictEqual(store.list('/'), before);
      assert.deepStrictEqual(new Map(store.list('/cm/').items.map((e) => [e.key, stored(e.value).data.i])), expected);
      assert.strictEqual((await store.create('/cm/new', cm('new'))).modRevision, 151);
    });

    it('recovers from a crash between snapshot and removal of old segments', async () => {
      for (let i = 1; i <= 20; i++) await store.create(`/cm/k${i}`, cm(`k${i}`));
      await store.close();
      const oldSegment = fs.readFileSync(path.join(dir, 'wal-0000000001.log'));
      store = await openStore(dir, { maxLogRecords: 1 });
      await store.update('/cm/k1', cm('k1', { v: 'after' }));
      await store.delete('/cm/k2');
      await store.create('/cm/k21', cm('k21'));
      await store.close();
      assert.ok(!fs.existsSync(path.join(dir, 'wal-0000000001.log')), 'compaction removed the first segment');
      // Leftovers of an interrupted compaction: the covered segment and a half-written snapshot.
      fs.writeFileSync(path.join(dir, 'wal-0000000001.log'), oldSegment);
      fs.writeFileSync(path.join(dir, 'snapshot.db.tmp'), 'half a snapshot');
      store = await openStore(dir);
      assert.strictEqual(store.revision, 23);
      assert.strictEqual(store.list('/cm/').items.length, 20);
      assert.strictEqual(stored(store.get('/cm/k1')!.value).data.v, 'after');
      assert.strictEqual(store.get('/cm/k2'), undefined);
      assert.ok(!fs.existsSync(path.join(dir, 'snapshot.db.tmp')));
    });

    it('allows one open store per directory and no writes after close', async () => {
      await assert.rejects(openStore(dir), /in use/);
      await store.create('/cm/a', cm('a'));
      await store.close();
      await assert.rejects(store.create('/cm/b', cm('b')), /closed/);
      store = await openStore(dir);
      assert.strictEqual(store.get('/cm/a')!.modRevision, 1);
    });
  });
});

/** Opens an empty replacement directory so afterEach has a store to close. */
function openStoreForCleanup(damagedDir: string): Promise<FileStore> {
  fs.rmSync(damagedDir, { recursive: true, force: true });
  return openStore(damagedDir);
}
