// resourceVersion on reads (get, list): the store's revision a client wants the answer at least as new as.
// A version the store has not reached yet is waited for briefly and then answered as kube-apiserver answers it:
// 504 "Too large resource version" with a ResourceVersionTooLarge cause, so client-go retries.
import { clock } from '../clock';
import type { Store } from '../store/types';
import { ApiError, badRequest } from './apiErrors';

/** How long a read waits for the store to reach a resourceVersion it has not reached (kube-apiserver: 3 s). */
const FRESHNESS_WAIT_MS = 3000;

/** The revision a read must reflect; undefined for "" and "0" (any state will do). A malformed one is a 400. */
export function readResourceVersion(q: URLSearchParams): number | undefined {
  const rv = q.get('resourceVersion');
  const match = q.get('resourceVersionMatch');
  if (match !== null && match !== '' && match !== 'NotOlderThan' && match !== 'Exact') {
    const supported = 'supported values: "Exact", "NotOlderThan"';
    throw badRequest(`resourceVersionMatch: Unsupported value: ${JSON.stringify(match)}: ${supported}`);
  }
  if (rv === null || rv === '' || rv === '0') return undefined;
  const n = Number(rv);
  if (!/^\d+$/.test(rv) || !Number.isSafeInteger(n)) {
    throw badRequest(`invalid resource version: ${JSON.stringify(rv)}`);
  }
  return n;
}

/** Resolves once the store has reached revision, or fails with 504 Too large resource version. */
export function awaitRevision(store: Store, revision: number): Promise<void> {
  if (store.revision >= revision) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const watcher = store.watch('', store.revision, (e) => {
      if (e.revision < revision) return;
      timer.cancel();
      watcher.cancel();
      resolve();
    });
    const timer = clock().after(FRESHNESS_WAIT_MS, () => {
      watcher.cancel();
      reject(tooLargeResourceVersion(revision, store.revision));
    });
  });
}

function tooLargeResourceVersion(requested: number, current: number): ApiError {
  return new ApiError(504, 'Timeout', `Timeout: Too large resource version: ${requested}, current: ${current}`, {
    causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
    retryAfterSeconds: 1,
  });
}
