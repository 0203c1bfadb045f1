// The image of the pods' sandbox (infra) containers, made on the spot: nothing may be downloaded while a pod
// starts, and no image is known to be on every machine. A sandbox container only has to hold the pod's network
// namespace open, so its image is one static executable that waits forever (Kubernetes' "pause"), written here
// as machine code: a 64-bit ELF of about 140 bytes, for the engine host's architecture, imported into the engine
// from a one-file tar. It ignores SIGTERM like any PID 1 without handlers; sandboxes are removed with SIGKILL.
import type Docker from 'dockerode';
import { importImage } from './imageImport';

export const SANDBOX_REPOSITORY = 'localhost/slipway-sandbox';
const VERSION = '1';

/** the loop, per Go architecture name, with the ELF machine number */
const CODE: Record<string, { machine: number; code: Buffer }> = {
  // loop: mov eax, 34 (pause); syscall; jmp loop
  amd64: { machine: 0x3e, code: Buffer.from('b8220000000f05ebf7', 'hex') },
  // loop: x0..x3 = 0; x8 = 73 (ppoll); svc #0; b loop (arm64 has no pause syscall)
  arm64: {
    machine: 0xb7,
    code: Buffer.from(
      [0xd2800000, 0xd2800001, 0xd2800002, 0xd2800003, 0xd2800928, 0xd4000001, 0x17fffffa].flatMap((w) => [
        w & 0xff,
        (w >>> 8) & 0xff,
        (w >>> 16) & 0xff,
        w >>> 24,
      ]),
    ),
  },
};

/** A static ELF executable: the header, one loadable segment, the code. */
export function pauseExecutable(arch: string): Buffer {
  const target = CODE[arch];
  if (!target) throw new Error(`the container runtime supports engines on amd64 and arm64, not ${arch}`);
  const base = 0x400000;
  const headers = 64 + 56;
  const size = headers + target.code.length;
  const elf = Buffer.alloc(headers);
  elf.write('\x7fELF', 0, 'latin1');
  elf[4] = 2; // 64-bit
  elf[5] = 1; // little-endian
  elf[6] = 1; // ELF version
  elf.writeUInt16LE(2, 16); // executable
  elf.writeUInt16LE(target.machine, 18);
  elf.writeUInt32LE(1, 20);
  elf.writeBigUInt64LE(BigInt(base + headers), 24); // entry
  elf.writeBigUInt64LE(64n, 32); // program headers at
  elf.writeUInt16LE(64, 52); // ELF header size
  elf.writeUInt16LE(56, 54); // program header size
  elf.writeUInt16LE(1, 56); // one program header
  elf.writeUInt32LE(1, 64); // PT_LOAD
  elf.writeUInt32LE(5, 68); // read + execute
  elf.writeBigUInt64LE(BigInt(base), 80); // virtual address
  elf.writeBigUInt64LE(BigInt(base), 88); // physical address
  elf.writeBigUInt64LE(BigInt(size), 96); // size in file
  elf.writeBigUInt64LE(BigInt(size), 104); // size in memory
  elf.writeBigUInt64LE(0x1000n, 112); // alignment
  return Buffer.concat([elf, target.code]);
}

/** A ustar archive of one executable file. */
function tarOf(name: string, data: Buffer): Buffer {
  const h = Buffer.alloc(512);
  const field = (text: string, at: number, len: number) => h.write(text, at, len, 'latin1');
  const octal = (n: number, at: number, len: number) => field(n.toString(8).padStart(len - 1, '0') + '\0', at, len);
  field(name, 0, 100);
  octal(0o755, 100, 8);
  octal(0, 108, 8);
  octal(0, 116, 8);
  octal(data.length, 124, 12);
  octal(0, 136, 12);
  field('        ', 148, 8);
  field('0', 156, 1);
  field('ustar\0' + '00', 257, 8);
  let sum = 0;
  for (const b of h) sum += b;
  field(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  const pad = Buffer.alloc((512 - (data.length % 512)) % 512);
  return Buffer.concat([h, data, pad, Buffer.alloc(1024)]);
}

/** The sandbox image's reference, imported into the engine unless it is there already. */
export async function ensureSandboxImage(docker: Docker, arch: string): Promise<string> {
  const ref = `${SANDBOX_REPOSITORY}:${VERSION}-${arch}`;
  try {
    await docker.getImage(ref).inspect();
    return ref;
  } catch {
    // not there yet
  }
  await importImage(docker, tarOf('pause', pauseExecutable(arch)), ref, ['ENTRYPOINT ["/pause"]']);
  await docker.getImage(ref).inspect();
  return ref;
}
