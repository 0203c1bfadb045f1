// Kubernetes' CEL IP and CIDR libraries: isIP, ip(), isCIDR, cidr(), with family, loopback, unspecified and
// containment checks. Addresses are read as Kubernetes reads them: no zones, no IPv4-mapped IPv6 forms.
import type { Environment } from '@marcbachmann/cel-js';
import { BlockList, isIP } from 'net';

/** An IP address in CEL. */
export class CelIp {
  constructor(
    readonly text: string,
    readonly family: 4 | 6,
  ) {}
}

/** A CIDR in CEL: its address and prefix length. */
export class CelCidr {
  constructor(
    readonly ip: CelIp,
    readonly prefix: number,
  ) {}
}

const IP = 'net.IP';
const CIDR = 'net.CIDR';

function parseIp(text: string): CelIp | undefined {
  const family = isIP(text);
  if (family === 0 || text.includes('%') || /^::ffff:\d/i.test(text)) return undefined;
  return new CelIp(text, family as 4 | 6);
}

function parseCidr(text: string): CelCidr | undefined {
  const [addr, bits, extra] = text.split('/');
  const ip = parseIp(addr ?? '');
  if (!ip || extra !== undefined || !/^\d+$/.test(bits ?? '')) return undefined;
  const prefix = Number(bits);
  return prefix <= (ip.family === 4 ? 32 : 128) ? new CelCidr(ip, prefix) : undefined;
}

function must<T>(value: T | undefined, what: string, text: string): T {
  if (value === undefined) throw new Error(`${what} parse error during conversion from string: ${text}`);
  return value;
}

function contains(cidr: CelCidr, ip: CelIp): boolean {
  if (ip.family !== cidr.ip.family) return false;
  const list = new BlockList();
  const type = cidr.ip.family === 4 ? 'ipv4' : 'ipv6';
  list.addSubnet(cidr.ip.text, cidr.prefix, type);
  return list.check(ip.text, type);
}

const LOOPBACK = [parseCidr('127.0.0.0/8')!, parseCidr('::1/128')!];
const UNSPECIFIED = [parseCidr('0.0.0.0/32')!, parseCidr('::/128')!];

export function registerNetworkLibrary(env: Environment): void {
  env
    .registerType(IP, CelIp)
    .registerType(CIDR, CelCidr)
    .registerFunction('isIP(string): bool', (s: string) => parseIp(s) !== undefined)
    .registerFunction(`ip(string): ${IP}`, (s: string) => must(parseIp(s), 'IP Address', s))
    .registerFunction(`${IP}.family(): int`, (ip: CelIp) => BigInt(ip.family))
    .registerFunction(`${IP}.isLoopback(): bool`, (ip: CelIp) => LOOPBACK.some((c) => contains(c, ip)))
    .registerFunction(`${IP}.isUnspecified(): bool`, (ip: CelIp) => UNSPECIFIED.some((c) => contains(c, ip)))
    .registerFunction('isCIDR(string): bool', (s: string) => parseCidr(s) !== undefined)
    .registerFunction(`cidr(string): ${CIDR}`, (s: string) => must(parseCidr(s), 'network address', s))
    .registerFunction(`${CIDR}.prefixLength(): int`, (c: CelCidr) => BigInt(c.prefix))
    .registerFunction(`${CIDR}.ip(): ${IP}`, (c: CelCidr) => c.ip)
    .registerFunction(`${CIDR}.containsIP(${IP}): bool`, (c: CelCidr, ip: CelIp) => contains(c, ip))
    .registerFunction(`${CIDR}.containsIP(string): bool`, (c: CelCidr, s: string) =>
      contains(c, must(parseIp(s), 'IP Address', s)),
    )
    .registerFunction(
      `${CIDR}.containsCIDR(${CIDR}): bool`,
      (c: CelCidr, inner: CelCidr) => inner.prefix >= c.prefix && contains(c, inner.ip),
    );
}
