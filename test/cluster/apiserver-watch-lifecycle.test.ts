// Long-running watches over real HTTPS: timeouts that coincide with bookmarks, clients that never read, and
// timeouts too long for a timer. Each failure here used to end or bloat the whole API server process.
import * as assert from 'assert';
import * as https from 'https';
import * as tls from 'tls';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

const CMS = '/api/v1/namespaces/default/configmaps';

interface WatchResult {
  status: number;
  events: { type: string; object: { metadata?: { resourceVersion?: string; name?: string } } }[];
  /** the server ended the response properly (the chunked body's last chunk arrived) */
  ended: boolean;
}

/** A watch read to its end, as client-go reads one. */
function watch(t: TestCluster, query: string): Promise<WatchResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(`${t.cluster.url}${CMS}?watch=true&${query}`);
    const req = https.get(
      u,
      { ca: t.cluster.caCert, headers: { Authorization: `Bearer ${t.cluster.token}` } },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d) => (text += d));
        res.on('end', () => {
          const events = text
            .split('\n')
            .filter(Boolean)
            .map((l) => JSON.parse(l));
          resolve({ status: res.statusCode ?? 0, events, ended: true });
        });
        res.on('aborted', () => resolve({ status: res.statusCode ?? 0, events: [], ended: false }));
      },
    );
    req.on('error', reject);
  });
}

function request(t: TestCluster, method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  return new Promise((resolve, reject) => {
    const req = https.request(
      `${t.cluster.url}${path}`,
      {
        method,
        ca: t.cluster.caCert,
        headers: { Authorization: `Bearer ${t.cluster.token}`, 'Content-Type': 'application/json' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString();
          resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : undefined });
        });
      },
    );
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

describe('API server long-running watches', function () {
  this.timeout(30_000);

  describe('on a sped-up clock', () => {
    // 600x: the 60 s bookmark interval is 100 ms, a 300 s watch timeout half a second
    let t: TestCluster;
    before(async () => {
      t = await startTestCluster({ nodes: 0, clockSpeed: 600 });
    });
    after(async () => t?.stop());

    it('survives watches whose timeout and bookmark fire together (client-go: 300-599 s with bookmarks)', async () => {
      // timeouts that are multiples of the bookmark interval make both timers fire in the same turn
      const timeouts = [60, 120, 300, 360, 420, 480, 540, 599, 60, 300, 300, 540];
      const query = (s: number) => `timeoutSeconds=${s}&allowWatchBookmarks=true&resourceVersion=0`;
      const results = await Promise.all(timeouts.map((s) => watch(t, query(s))));
      for (const [i, r] of results.entries()) {
        assert.strictEqual(r.status, 200);
        assert.ok(r.ended, `watch ${i} (timeoutSeconds=${timeouts[i]}) was not ended properly`);
      }
      // the long ones saw bookmarks before their end, the rest of the stream intact
      const long = results[timeouts.indexOf(599)];
      assert.ok(
        long.events.filter((e) => e.type === 'BOOKMARK').length >= 5,
        JSON.stringify(long.events.map((e) => e.type)),
      );
      // nothing was written after an end, and the server still serves
      assert.strictEqual(t.cluster.apiServer.streams.errors, 0);
      assert.strictEqual((await request(t, 'GET', CMS)).status, 200);
    });

    it("ends a watch at the cluster clock's timeoutSeconds and keeps one whose timeout overflows a timer open", async () => {
      const started = Date.now();
      const short = await watch(t, 'timeoutSeconds=3&resourceVersion=0');
      assert.ok(short.ended);
      assert.ok(Date.now() - started < 2000, 'a 3 s watch at 600x took more than 2 s');
      // 10^9 s does not fit a timer (2^31-1 ms); it used to overflow and end the watch at once
      const rv = (await request(t, 'GET', CMS)).body.metadata.resourceVersion;
      const huge = new Promise<string>((resolve, reject) => {
        const req = https.get(
          `${t.cluster.url}${CMS}?watch=true&timeoutSeconds=1000000000&resourceVersion=${rv}`,
          {
            ca: t.cluster.caCert,
            headers: { Authorization: `Bearer ${t.cluster.token}` },
          },
          (res) => {
            let text = '';
            res.setEncoding('utf8');
            res.on('data', (d: string) => {
              text += d;
              if (text.includes('"name":"after-huge-timeout"')) {
                req.destroy();
                resolve('event');
              }
            });
            res.on('end', () => resolve('ended'));
            // the watch is open (headers arrived): now write what it must see
            void request(t, 'POST', CMS, {
              apiVersion: 'v1',
              kind: 'ConfigMap',
              metadata: { name: 'after-huge-timeout' },
            });
          },
        );
        req.on('error', (e) => (e.message === 'socket hang up' ? undefined : reject(e)));
      });
      assert.strictEqual(await huge, 'event');
    });
  });

  describe('with a client that never reads', () => {
    let t: TestCluster;
    before(async () => {
      t = await startTestCluster({ nodes: 0, storeOptions: { historyBytes: 4 * 1024 * 1024 } });
    });
    after(async () => t?.stop());

    it('sends an initial state larger than the buffer limit whole (it is not a slow reader)', async () => {
      for (let i = 0; i < 7; i++) {
        const data = { v: String.fromCharCode(97 + i).repeat(800 * 1024) };
        const metadata = { name: `initial-${i}`, labels: { initial: 'yes' } };
        const r = await request(t, 'POST', CMS, { apiVersion: 'v1', kind: 'ConfigMap', metadata, data });
        assert.strictEqual(r.status, 201);
      }
      const w = await watch(t, 'labelSelector=initial%3Dyes&resourceVersion=0&timeoutSeconds=1');
      assert.ok(w.ended);
      const names = w.events.map((e) => e.object.metadata?.name).sort();
      assert.deepStrictEqual(
        names,
        [0, 1, 2, 3, 4, 5, 6].map((i) => `initial-${i}`),
      );
      assert.strictEqual(t.cluster.apiServer.streams.cutOff, 0);
    });

    it('closes the stalled watch with its buffer bounded, while other watchers get every event', async () => {
      const big = (v: string) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'big' }, data: { v } });
      const created = await request(t, 'POST', CMS, big(''));
      assert.strictEqual(created.status, 201);
      const rv = created.body.metadata.resourceVersion;
      const path = `${CMS}?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dbig`;

      // the stalled client: a raw TLS connection that sends its request and then reads nothing
      const u = new URL(t.cluster.url);
      const stalled = tls.connect({
        host: u.hostname,
        port: Number(u.port),
        ca: t.cluster.caCert,
        servername: 'localhost',
      });
      await new Promise<void>((resolve, reject) => {
        stalled.once('secureConnect', resolve);
        stalled.once('error', reject);
      });
      stalled.pause();
      let stalledClosed = false;
      stalled.on('close', () => (stalledClosed = true));
      stalled.on('error', () => undefined);
      stalled.write(`GET ${path} HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer ${t.cluster.token}\r\n\r\n`);

      // a reading watcher, counting what it receives
      const UPDATES = 125;
      let readBytes = 0;
      let readEvents = 0;
      let reader!: ReturnType<typeof https.get>;
      const allRead = new Promise<void>((resolve) => {
        const auth = { ca: t.cluster.caCert, headers: { Authorization: `Bearer ${t.cluster.token}` } };
        reader = https.get(`${t.cluster.url}${path}`, auth, (res) => {
          res.on('data', (d: Buffer) => {
            readBytes += d.length;
            for (const b of d) if (b === 10) readEvents++;
            if (readEvents >= UPDATES) resolve();
          });
        });
      });
      reader.on('error', () => undefined);

      // about 100 MB of events: 125 updates of an 800 KB ConfigMap
      const streams = t.cluster.apiServer.streams;
      let peakBuffered = 0;
      for (let i = 0; i < UPDATES; i++) {
        const value = String.fromCharCode(97 + (i % 26)).repeat(800 * 1024);
        const r = await request(t, 'PUT', `${CMS}/big`, big(value));
        assert.strictEqual(r.status, 200);
        peakBuffered = Math.max(peakBuffered, streams.bufferedBytes());
      }
      const total = UPDATES * 800 * 1024;
      // the reading client gets every event
      await allRead;
      assert.strictEqual(readEvents, UPDATES);
      assert.ok(readBytes > total);
      reader.destroy();

      // the stalled one was cut off: reading now, it gets what was in flight and then the connection ends
      let stalledBytes = 0;
      stalled.on('data', (d: Buffer) => (stalledBytes += d.length));
      stalled.resume();
      await new Promise<void>((resolve) => (stalledClosed ? resolve() : stalled.once('close', () => resolve())));
      assert.ok(stalledBytes < total / 2, `the stalled watch received ${stalledBytes} of ${total} bytes`);
      assert.strictEqual(streams.cutOff, 1);
      // what the server held for its clients stayed bounded (4 MiB and one event), not the ~100 MB written
      assert.ok(peakBuffered < 6 * 1024 * 1024, `the server buffered ${Math.round(peakBuffered / 1048576)} MiB`);
    });
  });
});
