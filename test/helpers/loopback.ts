// Ports and requests on 127.0.0.1 for the tests of what the cluster serves to the developer's machine
// (LoadBalancer and NodePort listeners, the ingress): a port free right now, a port held by another program, and a
// plain HTTP GET that reports the status and text instead of throwing.
import * as http from 'http';
import * as net from 'net';

/** A port nothing listens on at the moment (the OS's pick for port 0, released again). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(port));
    });
  });
}

/** Listens on a free port as "another program" would; close() releases it. */
export function holdPort(): Promise<{ port: number; close(): Promise<void> }> {
  return new Promise((resolve, reject) => {
    const s = net.createServer((c) => c.destroy());
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () =>
      resolve({
        port: (s.address() as net.AddressInfo).port,
        close: () => new Promise<void>((done) => s.close(() => done())),
      }),
    );
  });
}

export interface HttpAnswer {
  status: number;
  text: string;
  headers: http.IncomingHttpHeaders;
}

/** GET url with a new connection each time (no keep-alive: each request is a new choice of endpoint). */
export function httpGet(url: string, headers: Record<string, string> = {}, timeoutMs = 5000): Promise<HttpAnswer> {
  return new Promise((resolve, reject) => {
    const req = http.get(url, { headers, agent: false, timeout: timeoutMs }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (d) => (text += d));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text, headers: res.headers }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`GET ${url}: no answer within ${timeoutMs} ms`)));
    req.on('error', reject);
  });
}
