// Small promise wrappers over descriptor-level fs calls. The store needs explicit control over
// write offsets and fsync, which fs.promises.FileHandle hides behind its own bookkeeping. Files are
// created readable by their owner only: the log and snapshots hold Secrets.
import * as fs from 'fs';
import * as path from 'path';

export function openFile(file: string, flags: string): Promise<number> {
  return new Promise((resolve, reject) => fs.open(file, flags, 0o600, (err, fd) => (err ? reject(err) : resolve(fd))));
}

export function closeFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.close(fd, (err) => (err ? reject(err) : resolve())));
}

export function fsyncFile(fd: number): Promise<void> {
  return new Promise((resolve, reject) => fs.fsync(fd, (err) => (err ? reject(err) : resolve())));
}

/** Writes the whole buffer at the descriptor's position (the end, for files opened to append). */
export async function writeAll(fd: number, buf: Buffer): Promise<void> {
  let offset = 0;
  while (offset < buf.length) {
    offset += await new Promise<number>((resolve, reject) =>
      fs.write(fd, buf, offset, buf.length - offset, null, (err, n) => (err ? reject(err) : resolve(n))),
    );
  }
}

/** Makes a create, rename or unlink inside dir durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFile(dir, 'r');
  try {
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
}

/** Creates an empty file that must not exist yet, durably. */
export async function createFileDurably(file: string): Promise<void> {
  const fd = await openFile(file, 'wx');
  try {
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
  await fsyncDir(path.dirname(file));
}

/** Cuts a file to length, durably. */
export async function truncateDurably(file: string, length: number): Promise<void> {
  const fd = await openFile(file, 'r+');
  try {
    await new Promise<void>((resolve, reject) => fs.ftruncate(fd, length, (err) => (err ? reject(err) : resolve())));
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
}
