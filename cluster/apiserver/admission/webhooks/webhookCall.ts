// POSTs of AdmissionReviews to webhooks over HTTPS, each bounded by its webhook's timeout, on kept-alive connections
// per address, name and CA (a TLS handshake per call would cost more than the rest of a write). Failures are
// worded as kube-apiserver words them (`Post "URL": ...`), so they read the same in both clusters.
import * as crypto from 'crypto';
import * as https from 'https';
import type { WebhookTarget } from './webhookTarget';

/** A webhook's answer larger than this is refused (kube-apiserver reads at most as much of a response). */
const MAX_RESPONSE_BYTES = 3 * 1024 * 1024;

/** Connections kept for at most this many webhook addresses; past it they are all closed and opened anew. */
const MAX_AGENTS = 64;

/** The webhook could not be called or did not answer with a 2xx JSON body: a call failure. */
export class WebhookCallError extends Error {}

export class WebhookClient {
  private readonly agents = new Map<string, https.Agent>();

  post(target: WebhookTarget, body: unknown, timeoutSeconds: number): Promise<unknown> {
    return postReview(target, body, timeoutSeconds, this.agentFor(target));
  }

  close(): void {
    for (const a of this.agents.values()) a.destroy();
    this.agents.clear();
  }

  private agentFor(t: WebhookTarget): https.Agent {
    const ca = t.ca ? crypto.createHash('sha256').update(t.ca).digest('hex') : '';
    const key = `${t.host}:${t.port}/${t.servername ?? ''}/${ca}`;
    let agent = this.agents.get(key);
    if (!agent) {
      if (this.agents.size >= MAX_AGENTS) this.close();
      agent = new https.Agent({ keepAlive: true, ca: t.ca, servername: t.servername });
      this.agents.set(key, agent);
    }
    return agent;
  }
}

function postReview(
  target: WebhookTarget,
  body: unknown,
  timeoutSeconds: number,
  agent: https.Agent,
): Promise<unknown> {
  const url = new URL(target.url);
  // kube-apiserver tells the webhook its deadline the same way
  url.searchParams.set('timeout', `${timeoutSeconds}s`);
  const where = `Post "${target.shownOrigin}${url.pathname}${url.search}"`;
  const data = Buffer.from(JSON.stringify(body));
  return new Promise((resolve, reject) => {
    const fail = (why: string) => reject(new WebhookCallError(`${where}: ${why}`));
    const req = https.request(
      {
        host: target.host,
        port: target.port,
        path: url.pathname + url.search,
        method: 'POST',
        ca: target.ca,
        servername: target.servername,
        agent,
        headers: {
          'Content-Type': 'application/json',
          Accept: 'application/json',
          'Content-Length': data.length,
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy();
            fail(`the webhook's response is larger than ${MAX_RESPONSE_BYTES} bytes`);
          } else chunks.push(c);
        });
        res.on('end', () => {
          clearTimeout(timer);
          const text = Buffer.concat(chunks).toString();
          const code = res.statusCode ?? 0;
          if (code < 200 || code > 299)
            return fail(`the server responded with the status code ${code}${text ? `: ${text.slice(0, 300)}` : ''}`);
          try {
            resolve(JSON.parse(text));
          } catch {
            fail('the response is not JSON');
          }
        });
        res.on('error', (e) => fail(e.message));
      },
    );
    const timer = setTimeout(() => {
      req.destroy();
      fail(`context deadline exceeded (no answer within the webhook's timeoutSeconds, ${timeoutSeconds})`);
    }, timeoutSeconds * 1000);
    req.on('error', (e) => {
      clearTimeout(timer);
      fail(e.message);
    });
    req.end(data);
  });
}
