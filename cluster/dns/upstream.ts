// Names outside the cluster go to the resolvers of the machine (the nameservers of /etc/resolv.conf), as CoreDNS's
// `forward . /etc/resolv.conf`: the query is relayed as it came, over UDP (over TCP when the answer was truncated
// and the client asked over TCP), to each server in turn until one answers.
import * as dgram from 'dgram';
import * as fs from 'fs';
import * as net from 'net';

export interface UpstreamServer {
  host: string;
  port: number;
}

const TIMEOUT_MS = 2000;

/** The nameservers a resolv.conf names; none when it cannot be read. */
export function resolvConfServers(file = '/etc/resolv.conf'): UpstreamServer[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  const servers: UpstreamServer[] = [];
  for (const line of text.split('\n')) {
    const m = /^\s*nameserver\s+(\S+)/.exec(line);
    if (m && net.isIP(m[1].replace(/%.*$/, ''))) servers.push({ host: m[1], port: 53 });
  }
  return servers;
}

function viaUdp(server: UpstreamServer, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket(net.isIPv6(server.host) ? 'udp6' : 'udp4');
    const id = query.readUInt16BE(0);
    const done = (err?: Error, reply?: Buffer) => {
      clearTimeout(timer);
      socket.close();
      if (reply) resolve(reply);
      else reject(err);
    };
    const timer = setTimeout(() => done(new Error(`no answer from ${server.host}:${server.port}`)), TIMEOUT_MS);
    socket.on('error', (e) => done(e));
    // only the answer to this query, from anyone who learnt the port, is taken
    socket.on('message', (msg) => {
      if (msg.length >= 12 && msg.readUInt16BE(0) === id) done(undefined, msg);
    });
    socket.send(query, server.port, server.host);
  });
}

function viaTcp(server: UpstreamServer, query: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const socket = net.connect(server.port, server.host);
    let data = Buffer.alloc(0);
    const timer = setTimeout(
      () => socket.destroy(new Error(`no answer from ${server.host}:${server.port}`)),
      TIMEOUT_MS,
    );
    socket.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      socket.write(Buffer.concat([len, query]));
    });
    socket.on('data', (d) => {
      data = Buffer.concat([data, d]);
      if (data.length >= 2 && data.length >= 2 + data.readUInt16BE(0)) {
        clearTimeout(timer);
        socket.destroy();
        resolve(data.subarray(2, 2 + data.readUInt16BE(0)));
      }
    });
    socket.on('error', (e) => {
      clearTimeout(timer);
      reject(e);
    });
    socket.on('close', () => reject(new Error(`${server.host}:${server.port} closed the connection`)));
  });
}

const TRUNCATED = 0x0200;

/** The first answer of the servers to the query; undefined when none answers. */
export async function forward(servers: UpstreamServer[], query: Buffer, tcp: boolean): Promise<Buffer | undefined> {
  for (const server of servers) {
    try {
      const reply = await viaUdp(server, query);
      if (tcp && reply.readUInt16BE(2) & TRUNCATED) return await viaTcp(server, query);
      return reply;
    } catch {
      // the next server
    }
  }
  return undefined;
}
