// Streaming watches: newline-delimited JSON events, headers flushed at once (client-go waits for them),
// selector filtering with Kubernetes' transitions (an object leaving the selection is a DELETED event),
// bookmarks, timeoutSeconds and 410 Expired for a resourceVersion older than the retained history.
import type { ServerResponse } from 'http';
import { ResourceInfo } from '../../kube/registry';
import type { KubeObject } from '../../kube/objects';
import { Store, StoreError, StoreEvent } from '../store/types';
import { objectResponse } from './localExchange';
import { deepFreeze, storedJson } from '../store/values';
import { OpenStreams, ResponseStream } from './responseStream';

export interface WatchRequest {
  info: ResourceInfo;
  /** a stored object as the request's version shows it (type meta set; converted when another version) */
  view: (stored: KubeObject) => KubeObject;
  prefix: string;
  /** undefined or "0": start with ADDED events for the current state */
  resourceVersion?: string;
  matches: (obj: KubeObject) => boolean;
  /** undefined: the object as stored */
  render?: (obj: KubeObject, first: boolean) => object;
  bookmarks: boolean;
  timeoutSeconds?: number;
  /** for bookmarks' object */
  bookmarkObject: (rv: string) => KubeObject;
}

const BOOKMARK_INTERVAL_MS = 60_000;

// Stored objects are immutable and shared by every watcher, so one serialization of an event serves all
// plain-JSON watchers of it (dozens of components watch pods).
const serialized = new WeakMap<object, { type: string; line: string }[]>();

function plainEventLine(type: string, obj: KubeObject): string {
  let cached = serialized.get(obj);
  const hit = cached?.find((c) => c.type === type);
  if (hit) return hit.line;
  // the store's own serialization of the object, when it has one, is the object's part of the line
  const json = storedJson(obj);
  const line =
    json !== undefined
      ? `{"type":${JSON.stringify(type)},"object":${json}}\n`
      : JSON.stringify({ type, object: obj }) + '\n';
  if (!cached) serialized.set(obj, (cached = []));
  cached.push({ type, line });
  return line;
}

/** Longest watch timeout honoured; longer ones are cut to it (timers overflow past 2^31-1 ms, about 24.8 days). */
export const MAX_WATCH_TIMEOUT_SECONDS = 7 * 24 * 3600;

/** The watch's lifetime: timeoutSeconds, at most a week; none given: a randomized half hour to an hour. */
export function watchTimeoutMs(timeoutSeconds: number | undefined): number {
  // kubectl get -w sends no timeout; like the real server, end long watches after a randomized half hour to an hour
  const seconds =
    timeoutSeconds && timeoutSeconds > 0
      ? Math.min(timeoutSeconds, MAX_WATCH_TIMEOUT_SECONDS)
      : 1800 + Math.random() * 1800;
  return seconds * 1000;
}

export function serveWatch(store: Store, res: ServerResponse, w: WatchRequest, streams?: OpenStreams): void {
  res.writeHead(200, {
    'Content-Type': 'application/json',
    'Transfer-Encoding': 'chunked',
    'Cache-Control': 'no-cache, private',
  });
  res.flushHeaders();
  // everything below writes through the stream, which ends once and stops the timers and the store watcher
  const stream = new ResponseStream(res, streams);
  let first = true;
  // an in-process client that takes objects gets each event's object itself, read-only
  const local = objectResponse(res);
  const send = (type: string, obj: KubeObject, initial = false) => {
    if (stream.ended) return;
    if (local) {
      const object =
        type === 'BOOKMARK' || type === 'ERROR' ? obj : w.render ? w.render(w.view(obj), first) : w.view(obj);
      if (type !== 'BOOKMARK' && type !== 'ERROR') first = false;
      local.writeObject({ type, object: deepFreeze(object) });
      return;
    }
    if (type === 'BOOKMARK' || type === 'ERROR') {
      stream.write(JSON.stringify({ type, object: obj }) + '\n', initial);
      return;
    }
    const typed = w.view(obj);
    if (!w.render) stream.write(plainEventLine(type, typed), initial);
    else stream.write(JSON.stringify({ type, object: w.render(typed, first) }) + '\n', initial);
    first = false;
  };

  let after: number;
  const rv = w.resourceVersion;
  if (rv === undefined || rv === '' || rv === '0') {
    const { items, revision } = store.list(w.prefix);
    for (const e of items) if (w.matches(e.value)) send('ADDED', e.value, true);
    after = revision;
  } else {
    after = Number(rv);
    if (!Number.isSafeInteger(after) || after < 0) {
      send('ERROR', expired(`invalid resource version: ${rv}`, 400, 'BadRequest'));
      stream.end();
      return;
    }
  }

  let lastRv = after;
  const onEvent = (e: StoreEvent) => {
    lastRv = e.revision;
    const now = e.type === 'DELETED' ? false : w.matches(e.value);
    const before = e.prev !== undefined ? w.matches(e.prev) : false;
    if (e.type === 'ADDED') {
      if (now) send('ADDED', e.value);
    } else if (e.type === 'DELETED') {
      if (w.matches(e.value)) send('DELETED', e.value);
    } else if (now && before) send('MODIFIED', e.value);
    else if (now && !before) send('ADDED', e.value);
    else if (!now && before) send('DELETED', e.value);
  };
  if (stream.ended) return; // the client went away during the initial state
  try {
    const watcher = store.watch(w.prefix, after, onEvent);
    stream.onEnd(() => watcher.cancel());
  } catch (err) {
    if (err instanceof StoreError && err.code === 'Gone') {
      send('ERROR', expired(`too old resource version: ${after} (${store.compactedRevision})`, 410, 'Expired'));
      stream.end();
      return;
    }
    stream.end();
    throw err;
  }

  // both on the cluster's clock, so a sped-up cluster (tests, the soak benchmark) runs through many timeouts quickly
  stream.after(watchTimeoutMs(w.timeoutSeconds), () => stream.end());
  if (w.bookmarks) {
    const bookmark = () => send('BOOKMARK', w.bookmarkObject(String(Math.max(lastRv, store.revision))));
    stream.every(BOOKMARK_INTERVAL_MS, bookmark);
  }
}

function expired(message: string, code: number, reason: string) {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code };
}
