// The HTTP forwarding the ingress and the API server's proxy share, between real servers on 127.0.0.1: a request
// body and answer piped through with the headers a proxy adds and drops, an Upgrade (as WebSocket's) switched and
// piped both ways, a refused upgrade passed on, and an unreachable pod reported to the caller.
import * as assert from 'assert';
import * as http from 'http';
import type { AddressInfo, Socket } from 'net';
import { forwardHttp, forwardUpgrade, refuseUpgrade } from '../../cluster/network/httpForwarder';
import { freePort } from '../helpers/loopback';

/** what the test pod answers: the request as it arrived */
interface Echo {
  method: string;
  url: string;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function listen(server: http.Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('HTTP forwarding to a pod', () => {
  let pod: http.Server;
  let front: http.Server;
  let podPort: number;
  let frontPort: number;
  let target: { scheme: 'http'; host: string; port: number };

  before(async () => {
    // the "pod": echoes what it was asked with; switches protocols for Upgrade: echo, refuses others
    pod = http.createServer((req, res) => {
      let body = '';
      req.on('data', (d) => (body += d));
      req.on('end', () => {
        res.writeHead(200, { 'Content-Type': 'application/json', 'Set-Cookie': ['a=1', 'b=2'] });
        res.end(JSON.stringify({ method: req.method, url: req.url, headers: req.headers, body }));
      });
    });
    pod.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      if (req.headers.upgrade !== 'echo') {
        socket.end('HTTP/1.1 400 Bad Request\r\nContent-Length: 11\r\n\r\nnot echoed\n');
        return;
      }
      socket.write('HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: echo\r\n\r\n');
      if (head.length) socket.write(head);
      socket.pipe(socket);
    });
    podPort = await listen(pod);
    target = { scheme: 'http', host: '127.0.0.1', port: podPort };
    front = http.createServer((req, res) => {
      forwardHttp({ ...target, path: req.url ?? '/' }, req, res, { preserveHost: true, drop: ['authorization'] }).catch(
        (e: Error) => {
          res.writeHead(502);
          res.end(e.message);
        },
      );
    });
    front.on('upgrade', (req: http.IncomingMessage, socket: Socket, head: Buffer) => {
      forwardUpgrade({ ...target, path: req.url ?? '/' }, req, socket, head, { preserveHost: true }).catch((e: Error) =>
        refuseUpgrade(socket, 502, 'Bad Gateway', e.message),
      );
    });
    frontPort = await listen(front);
  });
  after(() => {
    front?.close();
    front?.closeAllConnections();
    pod?.close();
    pod?.closeAllConnections();
  });

  it('pipes the body and the answer, keeps Host, adds X-Forwarded-*, drops hop-by-hop and dropped headers', async () => {
    const answer = await new Promise<{ status: number; cookies?: string[]; body: Echo }>((resolve, reject) => {
      const req = http.request(
        {
          host: '127.0.0.1',
          port: frontPort,
          method: 'POST',
          path: '/items?x=1',
          agent: false,
          headers: { Host: 'shop.test', Authorization: 'Bearer secret', 'Keep-Alive': 'timeout=5', 'X-Mine': 'yes' },
        },
        (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'], body: JSON.parse(text) }),
          );
        },
      );
      req.on('error', reject);
      req.end('a body');
    });
    assert.strictEqual(answer.status, 200);
    assert.deepStrictEqual(answer.cookies, ['a=1', 'b=2']);
    const { method, url, headers, body } = answer.body;
    assert.deepStrictEqual([method, url, body], ['POST', '/items?x=1', 'a body']);
    assert.strictEqual(headers.host, 'shop.test');
    assert.strictEqual(headers['x-mine'], 'yes');
    assert.strictEqual(headers['x-forwarded-for'], '127.0.0.1');
    assert.strictEqual(headers['x-forwarded-host'], 'shop.test');
    assert.strictEqual(headers['x-forwarded-proto'], 'http');
    assert.strictEqual(headers.authorization, undefined);
    assert.strictEqual(headers['keep-alive'], undefined);
  });

  it('switches protocols on an Upgrade and pipes both ways; passes a refusal on', async () => {
    const upgrade = (protocol: string) =>
      new Promise<{ switched: boolean; status?: number; socket?: Socket; text?: string }>((resolve, reject) => {
        const req = http.request({
          host: '127.0.0.1',
          port: frontPort,
          path: '/ws',
          agent: false,
          headers: { Connection: 'Upgrade', Upgrade: protocol },
        });
        req.on('upgrade', (res, socket) => resolve({ switched: true, status: res.statusCode, socket }));
        req.on('response', (res) => {
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ switched: false, status: res.statusCode, text }));
        });
        req.on('error', reject);
        req.end();
      });
    const ok = await upgrade('echo');
    assert.strictEqual(ok.status, 101);
    const echoed = await new Promise<string>((resolve) => {
      ok.socket!.once('data', (d) => resolve(String(d)));
      ok.socket!.write('ping');
    });
    assert.strictEqual(echoed, 'ping');
    ok.socket!.destroy();
    const refused = await upgrade('other');
    assert.deepStrictEqual([refused.switched, refused.status, refused.text], [false, 400, 'not echoed\n']);
  });

  it('rejects when the pod does not answer, so the caller says so', async () => {
    const closed = await freePort();
    const res = await new Promise<http.IncomingMessage & { text?: string }>((resolve, reject) => {
      const server = http.createServer((req, out) => {
        forwardHttp({ scheme: 'http', host: '127.0.0.1', port: closed, path: '/' }, req, out).catch((e: Error) => {
          out.writeHead(502);
          out.end(e.message);
        });
      });
      void listen(server).then((port) =>
        http
          .get({ host: '127.0.0.1', port, agent: false }, (r) => {
            let text = '';
            r.on('data', (d) => (text += d));
            r.on('end', () => {
              server.close();
              resolve(Object.assign(r, { text }));
            });
          })
          .on('error', reject),
      );
    });
    assert.strictEqual(res.statusCode, 502);
    assert.match(res.text ?? '', /ECONNREFUSED/);
  });
});
