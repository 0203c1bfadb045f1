// Asking the syncer for work, for every asker (the CLI, the editor): the request goes into the Application's
// spec.operation as a merge patch, and the answer is status.operationState carrying the request's id once the
// syncer has carried it out. One place builds the patch and reads the answer, so they cannot drift apart.
import * as os from 'os';
import type { Application, ApplicationOperation, ApplicationStatus } from './application';

/** What is asked: one of sync, rollback, resume, refresh (who asks and the id are added by operationPatch). */
export type OperationRequest = Omit<ApplicationOperation, 'initiatedBy' | 'id'>;
export type OperationState = NonNullable<ApplicationStatus['operationState']>;

export const OPERATION_KEYS = ['sync', 'rollback', 'resume', 'refresh'] as const;

/** Who asks, for the history entry: the tool and command (`slipway sync`), the local user and the host. */
export function initiatedBy(who: string): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): the host name still says where it came from
  }
  return `${who} (${user}@${os.hostname()})`;
}

/** Whether the app holds a request the syncer has not taken yet. */
export function operationPending(app: Pick<Application, 'spec'>): boolean {
  const op = app.spec?.operation;
  return !!op && OPERATION_KEYS.some((k) => op[k] !== undefined && op[k] !== null);
}

/**
 * The merge patch that writes a request. Every kind of request is named (null for the others), so it replaces an
 * earlier request instead of merging with it; the syncer echoes `id` into status.operationState.requestId when
 * done, so the asker needs no clock comparison across hosts.
 */
export function operationPatch(
  request: OperationRequest,
  initiatedBy: string,
  id: string,
): { spec: { operation: Record<string, unknown> } } {
  return {
    spec: { operation: { sync: null, rollback: null, resume: null, refresh: null, ...request, initiatedBy, id } },
  };
}

/** The merge patch that takes a request back (nobody carried it out). */
export const CANCEL_OPERATION_PATCH = { spec: { operation: null } };

/** A request's progress as the app shows it. */
export type OperationProgress =
  /** written, not taken yet (or the syncer is finishing an earlier one) */
  | { stage: 'pending' }
  /** taken; the syncer's latest message */
  | { stage: 'running'; message?: string }
  | { stage: 'done'; state: OperationState }
  /** cleared without an answer: the syncer took another request, or someone removed spec.operation */
  | { stage: 'dropped' };

/**
 * Where request `id` stands in `app`. `requestedAt` (ms, the asker's clock) tells a running operation that began
 * after the request from an older one, for progress messages only.
 */
export function operationProgress(app: Application, id: string, requestedAt: number): OperationProgress {
  const st = app.status?.operationState;
  if (st?.requestId === id && st.phase !== 'Running') return { stage: 'done', state: st };
  const fresh = !!st?.startedAt && Date.parse(st.startedAt) >= requestedAt;
  if (st?.phase === 'Running' && fresh) return { stage: 'running', message: st.message };
  // the syncer answers in status before it takes the request out of spec: a request gone unanswered was dropped
  if (operationPending(app) && app.spec.operation?.id === id) return { stage: 'pending' };
  return { stage: 'dropped' };
}
