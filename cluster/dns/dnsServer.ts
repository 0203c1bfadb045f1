// The cluster's DNS server (what kube-dns/CoreDNS is in a Kubernetes cluster): UDP and TCP on one address and
// port, names of the cluster's domain answered from ClusterRecords with authority, everything else relayed to
// the machine's resolvers (upstream.ts). Packets are read and written with dns-packet.
import * as dgram from 'dgram';
import * as net from 'net';
import * as packet from 'dns-packet';
import type { Answer, DecodedPacket, Question, SoaAnswer } from 'dns-packet';
import { ClusterRecords, TTL } from './clusterRecords';
import { forward, UpstreamServer } from './upstream';

export interface DnsServerOptions {
  records: ClusterRecords;
  /** the servers names outside the cluster go to */
  upstream: () => UpstreamServer[];
}

export interface ListenAddress {
  host: string;
  port: number;
}

const RCODE = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4 } as const;
/** a UDP answer larger than this (the client's EDNS size when it sends one) is truncated: the client asks over TCP */
const UDP_PLAIN_LIMIT = 512;
const TCP_IDLE_MS = 10_000;

export class DnsServer {
  private readonly udp: dgram.Socket[] = [];
  private readonly tcp: net.Server[] = [];
  private readonly connections = new Set<net.Socket>();

  constructor(private readonly opts: DnsServerOptions) {}

  /** Serves UDP and TCP on host:port (port 0: a free port, the same for both); resolves with where it listens. */
  async listen(host: string, port: number): Promise<ListenAddress> {
    for (let attempt = 0; ; attempt++) {
      const udp = dgram.createSocket({ type: net.isIPv6(host) ? 'udp6' : 'udp4' });
      try {
        await new Promise<void>((resolve, reject) => {
          udp.once('error', reject);
          udp.bind(port, host, () => {
            udp.off('error', reject);
            resolve();
          });
        });
        const bound = udp.address().port;
        const tcp = net.createServer((s) => this.serveTcp(s));
        await new Promise<void>((resolve, reject) => {
          tcp.once('error', reject);
          tcp.listen(bound, host, () => {
            tcp.off('error', reject);
            resolve();
          });
        });
        udp.on('message', (msg, from) => void this.serveUdp(udp, msg, from));
        udp.on('error', () => undefined);
        this.udp.push(udp);
        this.tcp.push(tcp);
        return { host, port: bound };
      } catch (e) {
        udp.close();
        // a free UDP port may be taken for TCP: another free one then
        if (port !== 0 || attempt >= 5) throw e;
      }
    }
  }

  async close(): Promise<void> {
    for (const s of this.udp) s.close();
    for (const c of this.connections) c.destroy();
    await Promise.all(this.tcp.map((s) => new Promise((r) => s.close(r))));
    this.udp.length = 0;
    this.tcp.length = 0;
  }

  /** The answer to one query message; undefined when it is not worth one (not a query, or unreadable). */
  async answer(query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
    let q: DecodedPacket & { opcode?: string };
    try {
      q = packet.decode(query);
    } catch {
      return query.length >= 12 ? failure(query.readUInt16BE(0), 0, RCODE.FORMERR) : undefined;
    }
    if (q.type !== 'query') return undefined;
    const rd = q.flags! & packet.RECURSION_DESIRED;
    if (q.opcode !== 'QUERY') return failure(q.id!, rd, RCODE.NOTIMP, q.questions);
    if (q.questions?.length !== 1) return failure(q.id!, rd, RCODE.FORMERR, q.questions);
    const question = q.questions[0];
    const records = this.opts.records;
    if (!records.inDomain(question.name)) {
      const reply = await forward(this.opts.upstream(), query, tcp);
      return reply ?? failure(q.id!, rd, RCODE.SERVFAIL, q.questions);
    }
    const found = records.lookup(question.name, question.type);
    const answers: Answer[] = found.found ? found.answers : [];
    const reply: packet.Packet = {
      type: 'response',
      id: q.id,
      flags: rd | packet.AUTHORITATIVE_ANSWER | packet.RECURSION_AVAILABLE | (found.found ? 0 : RCODE.NXDOMAIN),
      questions: q.questions,
      answers,
      additionals: found.found ? found.additionals : [],
      // a negative answer carries the zone's SOA, whose minimum TTL tells resolvers how long to remember it
      authorities: answers.length ? [] : [soa(records.domain)],
    };
    const encoded = packet.encode(reply);
    const limit = tcp ? 65535 : Math.max(UDP_PLAIN_LIMIT, ednsSize(q));
    if (encoded.length <= limit) return encoded;
    return packet.encode({ ...reply, flags: reply.flags! | packet.TRUNCATED_RESPONSE, answers: [], additionals: [] });
  }

  private async serveUdp(socket: dgram.Socket, msg: Buffer, from: dgram.RemoteInfo): Promise<void> {
    const reply = await this.answer(msg, false).catch(() => undefined);
    if (reply) socket.send(reply, from.port, from.address, () => undefined);
  }

  /** TCP: each message with a two-byte length before it, several per connection */
  private serveTcp(socket: net.Socket): void {
    this.connections.add(socket);
    socket.setTimeout(TCP_IDLE_MS, () => socket.destroy());
    socket.on('close', () => this.connections.delete(socket));
    socket.on('error', () => undefined);
    let pending = Buffer.alloc(0);
    socket.on('data', (d) => {
      pending = Buffer.concat([pending, d]);
      while (pending.length >= 2 && pending.length >= 2 + pending.readUInt16BE(0)) {
        const msg = pending.subarray(2, 2 + pending.readUInt16BE(0));
        pending = pending.subarray(2 + msg.length);
        void this.answer(msg, true)
          .catch(() => undefined)
          .then((reply) => {
            if (!reply || socket.destroyed) return;
            const len = Buffer.alloc(2);
            len.writeUInt16BE(reply.length);
            socket.write(Buffer.concat([len, reply]));
          });
      }
    });
  }
}

function failure(id: number, rd: number, rcode: number, questions: Question[] = []): Buffer {
  return packet.encode({ type: 'response', id, flags: rd | packet.RECURSION_AVAILABLE | rcode, questions });
}

/** the UDP payload size the client's EDNS record allows; 0 without one */
function ednsSize(q: DecodedPacket): number {
  const opt = (q.additionals ?? []).find((a) => a.type === 'OPT');
  return opt && 'udpPayloadSize' in opt ? (opt.udpPayloadSize ?? 0) : 0;
}

function soa(domain: string): SoaAnswer {
  return {
    type: 'SOA',
    name: domain,
    ttl: TTL,
    data: {
      mname: `ns.dns.${domain}`,
      rname: `hostmaster.${domain}`,
      serial: 1,
      refresh: 7200,
      retry: 1800,
      expire: 86400,
      minimum: TTL,
    },
  };
}
