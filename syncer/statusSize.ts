// The Application status is written whole in one request, which the API server takes up to 3 MiB, and every
// watcher of the app receives it: long texts are cut and long error lists summarized before it is written.
import { ApplicationStatus, ManifestErrorStatus } from '../kube/application';
import { shortText } from '../kube/fieldErrors';

export const MAX_LISTED_ERRORS = 50;
const MAX_MESSAGE = 1000;

/** The first errors of a list and, past `max`, one line saying how many more there are. */
export function summarizeErrors(errors: ManifestErrorStatus[], max = MAX_LISTED_ERRORS): ManifestErrorStatus[] {
  if (errors.length <= max) return errors;
  const next = errors[max];
  return [
    ...errors.slice(0, max),
    { file: next.file, line: next.line, message: `and ${errors.length - max} more not listed here` },
  ];
}

function cut<T extends { message?: string }>(o: T): T {
  return o.message !== undefined && o.message.length > MAX_MESSAGE
    ? { ...o, message: shortText(o.message, MAX_MESSAGE) }
    : o;
}

/** A copy of the status with every message at most 1,000 characters and error lists summarized. */
export function boundedStatus(st: ApplicationStatus): ApplicationStatus {
  return {
    ...st,
    ...(st.health ? { health: cut(st.health) } : {}),
    ...(st.operationState ? { operationState: cut(st.operationState) } : {}),
    ...(st.resources ? { resources: st.resources.map((r) => (r.health ? { ...r, health: cut(r.health) } : r)) } : {}),
    ...(st.history ? { history: st.history.map(cut) } : {}),
    ...(st.conditions
      ? {
          conditions: st.conditions.map((c) =>
            cut({ ...c, ...(c.errors ? { errors: summarizeErrors(c.errors.map(cut)) } : {}) }),
          ),
        }
      : {}),
  };
}
