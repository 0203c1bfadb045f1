// Sync, refresh, rollback and resume from the editor: the request is written as the CLI writes it
// (kube/applicationOperation.ts) and its answer is awaited on the Applications informer, not by polling.
import { randomUUID } from 'crypto';
import type { Application } from '../../kube/application';
import { APPLICATION_API_VERSION, APPLICATION_KIND } from '../../kube/application';
import {
  CANCEL_OPERATION_PATCH,
  initiatedBy,
  operationPatch,
  operationPending,
  operationProgress,
  OperationRequest,
  OperationState,
} from '../../kube/applicationOperation';
import type { ClusterConnection } from '../connection/clusterConnection';
import { whenObject } from '../connection/informerWait';
import type { AppRef } from './applicationModel';

export interface OperationOutcome {
  app: Application;
  state: OperationState;
}

export interface OperationOptions {
  /** the command as the history shows who asked: "sync", "rollback 3" */
  command: string;
  timeoutMs?: number;
  /** the syncer's progress messages while it runs */
  onProgress?: (message: string) => void;
}

const objectRef = (ref: AppRef) => ({ apiVersion: APPLICATION_API_VERSION, kind: APPLICATION_KIND, ...ref });

/**
 * Asks the syncer for an operation on the app and resolves with its answer (which may be Failed). Rejects when the
 * request is dropped or nobody answers in time; an unanswered request is taken back.
 */
export async function requestOperation(
  c: ClusterConnection,
  ref: AppRef,
  request: OperationRequest,
  o: OperationOptions,
): Promise<OperationOutcome> {
  const id = randomUUID();
  const requestedAt = Date.now();
  const timeoutMs = o.timeoutMs ?? 120_000;
  const informer = c.applications();
  await c.objects.mergePatch(objectRef(ref), operationPatch(request, initiatedBy(`VS Code: ${o.command}`), id));
  // the cache may still hold the app from before the request (the watch lags): dropped only if gone once seen
  let seen = false;
  const answer = whenObject(
    informer,
    (obj) => {
      const app = obj as Application;
      if (app.metadata.name !== ref.name || (app.metadata.namespace ?? 'default') !== ref.namespace) return undefined;
      const p = operationProgress(app, id, requestedAt);
      if (app.spec.operation?.id === id) seen = true;
      if (p.stage === 'running' && p.message) o.onProgress?.(p.message);
      if (p.stage === 'dropped' && seen) {
        throw new Error(
          `the request to ${o.command} ${ref.name} was cleared before the syncer carried it out ` +
            '(it was finishing an earlier operation, or someone removed spec.operation); try again',
        );
      }
      return p.stage === 'done' ? { app, state: p.state } : undefined;
    },
    timeoutMs,
    `the syncer to ${o.command} ${ref.name}`,
  );
  try {
    return await answer;
  } catch (e) {
    const now: Application | undefined = informer.get(ref.namespace, ref.name);
    if (now && operationPending(now) && now.spec.operation?.id === id) {
      // nobody took it: take it back, so a syncer started later does not act on a stale request
      await c.objects.mergePatch(objectRef(ref), CANCEL_OPERATION_PATCH).catch(() => undefined);
      throw new Error(
        `no syncer answered within ${Math.round(timeoutMs / 1000)} s: none seems to be running for ` +
          `${ref.namespace}/${ref.name}; Slipway: Start (or \`slipway up\`) runs one`,
      );
    }
    throw e;
  }
}
