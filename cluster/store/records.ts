// The JSON payloads carried inside frames. Log records describe one write each; snapshot
// records describe one live entry each. The value is embedded as already-serialized JSON so a
// write is stringified exactly once.
import type { KubeObject } from '../../kube/objects';

export interface PutRecord {
  kind: 'put';
  revision: number;
  key: string;
  value: KubeObject;
}

export interface DeleteRecord {
  kind: 'delete';
  revision: number;
  key: string;
}

export type LogRecord = PutRecord | DeleteRecord;

export function putPayload(revision: number, key: string, valueJson: string): string {
  return `{"r":${revision},"k":${JSON.stringify(key)},"v":${valueJson}}`;
}

export function deletePayload(revision: number, key: string): string {
  return `{"r":${revision},"k":${JSON.stringify(key)},"d":1}`;
}

function isRevision(n: unknown): n is number {
  return typeof n === 'number' && Number.isSafeInteger(n) && n > 0;
}

/** Parses a log payload; throws on anything that is not a well-formed record. */
export function parseLogRecord(payload: string): LogRecord {
  const raw = JSON.parse(payload);
  if (!raw || !isRevision(raw.r) || typeof raw.k !== 'string') {
    throw new Error('malformed log record');
  }
  if (raw.d === 1) return { kind: 'delete', revision: raw.r, key: raw.k };
  if (!raw.v || typeof raw.v !== 'object') throw new Error('malformed log record value');
  return { kind: 'put', revision: raw.r, key: raw.k, value: raw.v };
}

export interface SnapshotHeader {
  revision: number;
  count: number;
}

export function snapshotHeaderPayload(h: SnapshotHeader): string {
  return JSON.stringify({ snapshot: 1, revision: h.revision, count: h.count });
}

export function parseSnapshotHeader(payload: string): SnapshotHeader {
  const raw = JSON.parse(payload);
  if (!raw || raw.snapshot !== 1 || !(raw.revision === 0 || isRevision(raw.revision))) {
    throw new Error('malformed snapshot header');
  }
  if (!Number.isSafeInteger(raw.count) || raw.count < 0) throw new Error('malformed snapshot header');
  return { revision: raw.revision, count: raw.count };
}

export function snapshotEntryPayload(key: string, modRevision: number, valueJson: string): string {
  return `{"k":${JSON.stringify(key)},"r":${modRevision},"v":${valueJson}}`;
}

export function parseSnapshotEntry(payload: string): { key: string; modRevision: number; value: KubeObject } {
  const raw = JSON.parse(payload);
  if (!raw || typeof raw.k !== 'string' || !isRevision(raw.r) || !raw.v || typeof raw.v !== 'object') {
    throw new Error('malformed snapshot entry');
  }
  return { key: raw.k, modRevision: raw.r, value: raw.v };
}
