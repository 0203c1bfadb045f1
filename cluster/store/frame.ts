// Framing shared by the log and the snapshot: [u32 length][u32 crc32][payload], little-endian.
// The checksum covers the length field as well as the payload, so a zero-filled tail (a file
// extended by the filesystem but never written) never parses as a valid empty frame.
import { crc32 } from 'zlib';

export const FRAME_HEADER_BYTES = 8;
/** A larger length can only come from garbage; refusing it keeps a torn header from allocating. */
export const MAX_FRAME_PAYLOAD = 256 * 1024 * 1024;

function checksum(lengthField: Buffer, payload: Buffer): number {
  return crc32(payload, crc32(lengthField));
}

export function encodeFrame(payload: string): Buffer {
  const body = Buffer.from(payload, 'utf8');
  const frame = Buffer.allocUnsafe(FRAME_HEADER_BYTES + body.length);
  frame.writeUInt32LE(body.length, 0);
  body.copy(frame, FRAME_HEADER_BYTES);
  frame.writeUInt32LE(checksum(frame.subarray(0, 4), body), 4);
  return frame;
}

export interface ScanResult {
  /** bytes from the start of the buffer that hold complete, valid frames */
  validBytes: number;
  /** true when bytes after validBytes did not form a valid frame */
  damaged: boolean;
}

/**
 * Hands each payload to onPayload, in order, until the end of the buffer or the first frame
 * that is short or fails its checksum.
 */
export function scanFrames(buf: Buffer, onPayload: (payload: string) => void): ScanResult {
  let offset = 0;
  while (offset < buf.length) {
    if (buf.length - offset < FRAME_HEADER_BYTES) break;
    const length = buf.readUInt32LE(offset);
    if (length === 0 || length > MAX_FRAME_PAYLOAD) break;
    const start = offset + FRAME_HEADER_BYTES;
    const end = start + length;
    if (end > buf.length) break;
    const body = buf.subarray(start, end);
    if (checksum(buf.subarray(offset, offset + 4), body) !== buf.readUInt32LE(offset + 4)) break;
    onPayload(body.toString('utf8'));
    offset = end;
  }
  return { validBytes: offset, damaged: offset < buf.length };
}

/**
 * Offset of the first valid frame starting at or after from, or -1. Tells a torn tail (nothing valid after the
 * damage) from damage in the middle of a log (acknowledged records after it). Payloads are JSON objects, and a
 * length field read from inside a payload almost never is a plausible length, so few offsets reach the checksum.
 */
export function findNextFrame(buf: Buffer, from: number): number {
  for (let offset = from; offset + FRAME_HEADER_BYTES < buf.length; offset++) {
    if (buf[offset + FRAME_HEADER_BYTES] !== 0x7b) continue; // '{'
    const length = buf.readUInt32LE(offset);
    if (length === 0 || length > buf.length - offset - FRAME_HEADER_BYTES) continue;
    const start = offset + FRAME_HEADER_BYTES;
    const sum = checksum(buf.subarray(offset, offset + 4), buf.subarray(start, start + length));
    if (sum === buf.readUInt32LE(offset + 4)) return offset;
  }
  return -1;
}
