// The edits a reconcile pass makes to an Application's status before it writes it: conditions, history entries,
// and how the pin shows. Pure functions of the status; the pass writes the result through StatusWriter.
import {
  ApplicationCondition,
  ApplicationStatus,
  DEFAULT_HISTORY_LIMIT,
  HistoryEntry,
  ManifestErrorStatus,
} from '../../kube/application';

/** The start of the message of a history entry whose revision was rejected (invalid manifests): nothing to retry. */
export const NOT_APPLIED = 'not applied:';

export function now(): string {
  return new Date().toISOString();
}

/** A commit as users see it in logs and messages. */
export function short(sha: string | undefined): string {
  return sha ? sha.slice(0, 7) : '';
}

/** Sets a condition; its transition time stays while its message does. */
export function setCondition(
  st: ApplicationStatus,
  type: string,
  reason: string,
  message: string,
  errors?: ManifestErrorStatus[],
): void {
  const conditions = (st.conditions ??= []);
  const old = conditions.find((c) => c.type === type);
  const next: ApplicationCondition = {
    type,
    status: 'True',
    reason,
    message,
    lastTransitionTime: old && old.message === message ? old.lastTransitionTime : now(),
    ...(errors ? { errors } : {}),
  };
  if (old) conditions.splice(conditions.indexOf(old), 1, next);
  else conditions.push(next);
}

export function clearCondition(st: ApplicationStatus, type: string): void {
  if (st.conditions) st.conditions = st.conditions.filter((c) => c.type !== type);
}

/** The status message of a pinned app: which history entry, why, and that `slipway resume` lifts it. */
function pinnedMessage(st: ApplicationStatus, branch: string): string {
  const p = st.pinned!;
  return (
    `Automated sync is PAUSED: the app is pinned to history #${p.id} (${short(p.revision)}) by ${p.reason}. ` +
    `New commits on ${branch} are not deployed until you run \`slipway resume\`.`
  );
}

/** autoSync and the Pinned condition say whether the app follows its branch. */
export function showPin(st: ApplicationStatus, automated: boolean, branch: string | undefined): void {
  const paused = st.pinned && `Paused: pinned to #${st.pinned.id} (slipway resume)`;
  st.autoSync = paused || (automated ? 'On' : 'Off');
  if (st.pinned) setCondition(st, 'Pinned', 'RolledBack', pinnedMessage(st, branch ?? 'the branch'));
  else clearCondition(st, 'Pinned');
}

/** A pinned app is OutOfSync while its branch tip is another revision: in step with the pin, not with git. */
export function showBehindTip(st: ApplicationStatus, tip: string | undefined): void {
  if (!st.pinned || !tip || tip === st.pinned.revision) return;
  const message = `pinned to #${st.pinned.id}; branch tip ${short(tip)} not deployed`;
  st.sync = { ...st.sync, status: 'OutOfSync', message };
}

/** Appends a history entry with the next id, dropping the oldest past `limit`. */
export function addHistory(
  st: ApplicationStatus,
  e: Omit<HistoryEntry, 'id'>,
  limit = DEFAULT_HISTORY_LIMIT,
): HistoryEntry {
  const history = (st.history ??= []);
  const entry: HistoryEntry = { id: (history[history.length - 1]?.id ?? 0) + 1, ...e };
  history.push(entry);
  if (history.length > limit) history.splice(0, history.length - limit);
  return entry;
}

/** The latest history entry when it is a failed attempt to apply `target` (not a rejected one: nothing to retry). */
export function failedAttempt(st: ApplicationStatus, target: string): HistoryEntry | undefined {
  const last = st.history?.[st.history.length - 1];
  const failed = last?.revision === target && last.result === 'Failed' && !last.message?.startsWith(NOT_APPLIED);
  return failed ? last : undefined;
}
