// UDP forwarding at a cluster IP (DNS-like Services), between real sockets on 127.0.0.1: each client's datagrams go
// to the endpoint its first one was given and the answers come back to it, a second client is balanced to another
// endpoint, and a port already held is refused with a ListenError.
import * as assert from 'assert';
import * as dgram from 'dgram';
import { once } from 'events';
import type { Backend } from '../../cluster/network/serviceEndpoints';
import { listenUdp, type UdpForwarder } from '../../cluster/network/udpForwarder';

/** A UDP "pod" that answers each datagram with its name and what it got. */
async function udpPod(name: string): Promise<{ backend: Backend; close(): void }> {
  const s = dgram.createSocket('udp4');
  s.on('message', (msg, from) => s.send(`${name} ${msg}`, from.port, from.address));
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return { backend: { ip: '127.0.0.1', port: s.address().port }, close: () => s.close() };
}

/** A client socket: send() answers with the next datagram it receives. */
async function client(port: number): Promise<{ ask(text: string): Promise<string>; close(): void }> {
  const s = dgram.createSocket('udp4');
  s.bind(0, '127.0.0.1');
  await once(s, 'listening');
  return {
    async ask(text) {
      const answer = once(s, 'message');
      s.send(text, port, '127.0.0.1');
      return String((await answer)[0]);
    },
    close: () => s.close(),
  };
}

describe('UDP forwarding to Service endpoints', () => {
  let pods: { backend: Backend; close(): void }[];
  let forwarder: UdpForwarder;
  const chosen: string[] = [];

  before(async () => {
    pods = [await udpPod('a'), await udpPod('b')];
    let turn = 0;
    forwarder = await listenUdp('127.0.0.1', 0, (clientIP) => {
      chosen.push(clientIP);
      return pods[turn++ % pods.length].backend;
    });
  });

  after(async () => {
    await forwarder.close();
    for (const p of pods) p.close();
  });

  it("keeps a client's datagrams on one endpoint and balances the next client to another", async () => {
    const one = await client(forwarder.port);
    const two = await client(forwarder.port);
    try {
      assert.strictEqual(await one.ask('q1'), 'a q1');
      assert.strictEqual(await one.ask('q2'), 'a q2');
      assert.strictEqual(await two.ask('q3'), 'b q3');
      assert.deepStrictEqual(chosen, ['127.0.0.1', '127.0.0.1'], 'one choice per client, with its address');
    } finally {
      one.close();
      two.close();
    }
  });

  it('refuses a port another program holds with a ListenError naming it', async () => {
    await assert.rejects(
      listenUdp('127.0.0.1', forwarder.port, () => undefined),
      /is already in use/,
    );
  });
});
