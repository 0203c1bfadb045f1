// Asking the syncer for work: the request goes into the Application's spec.operation (a merge patch, so kubectl
// and the editor can do the same), and the answer is status.operationState once the syncer has cleared the request.
import * as os from 'os';
import { randomUUID } from 'crypto';
import { Application, ApplicationOperation, ApplicationStatus, HistoryEntry } from '../../kube/application';
import { ObjectClient } from '../../kubeclient/objectClient';
import { CommandError, CommandIO, json, OutputFormat, short } from './output';
import { describeStatus } from './statusText';
import { appRef, connect, findApp, TargetOptions } from './target';

export type OperationRequest = Omit<ApplicationOperation, 'initiatedBy'>;
export type OperationState = NonNullable<ApplicationStatus['operationState']>;

export interface OperationOptions {
  timeoutMs: number;
  /** where the cluster came from, for messages */
  origin: string;
  io?: CommandIO;
  pollMs?: number;
}

export interface OperationResult {
  app: Application;
  state: OperationState;
}

const OPERATION_KEYS = ['sync', 'rollback', 'resume', 'refresh'] as const;

function pending(app: Application): boolean {
  const op = app.spec?.operation;
  return !!op && OPERATION_KEYS.some((k) => op[k] !== undefined && op[k] !== null);
}

/** Who started an operation: the command, the local user and the host. */
export function initiatedBy(command: string): string {
  let user = 'unknown';
  try {
    user = os.userInfo().username;
  } catch {
    // no passwd entry (containers): the host name still says where it came from
  }
  return `slipway ${command} (${user}@${os.hostname()})`;
}

/** Writes the request and waits for the syncer's answer; throws a CommandError when none comes. */
export async function runOperation(
  client: ObjectClient,
  app: Application,
  request: OperationRequest,
  command: string,
  o: OperationOptions,
): Promise<OperationResult> {
  const ref = appRef(app);
  if (pending(app))
    o.io?.err(`note: replacing a request nobody has carried out yet: ${JSON.stringify(app.spec.operation)}`);
  // every kind of request is named, so a merge patch replaces an earlier one instead of merging with it
  // the syncer echoes the id into status.operationState.requestId when done: no clock comparison across hosts
  const id = randomUUID();
  const operation: Record<string, unknown> = {
    sync: null,
    rollback: null,
    resume: null,
    refresh: null,
    ...request,
    initiatedBy: initiatedBy(command),
    id,
  };
  const requestedAt = Date.now();
  await client.mergePatch(ref, { spec: { operation } });
  const deadline = requestedAt + o.timeoutMs;
  const fresh = (st: OperationState | undefined): st is OperationState =>
    !!st?.startedAt && Date.parse(st.startedAt) >= requestedAt;
  let lastMessage = '';
  for (;;) {
    const now: Application = await client.get(ref);
    const st = now.status?.operationState;
    if (fresh(st) && st.phase === 'Running' && st.message && st.message !== lastMessage) {
      lastMessage = st.message;
      o.io?.out(`${st.operation}: ${st.message}`);
    }
    if (st?.requestId === id && st.phase !== 'Running') return { app: now, state: st };
    if (!pending(now)) {
      if (st?.requestId !== id) {
        throw new CommandError(
          `the request was cleared before the syncer carried it out (it was finishing an earlier operation, or someone removed spec.operation); run \`slipway ${command}\` again`,
        );
      }
    }
    if (Date.now() > deadline) {
      const secs = Math.round(o.timeoutMs / 1000);
      if (fresh(st))
        throw new CommandError(
          `${st.operation} is still running after ${secs} s: ${st.message ?? ''}; follow it with \`slipway status -w\``,
        );
      // nobody picked the request up: take it back, so a syncer started later does not act on a stale request
      if (pending(now)) await client.mergePatch(ref, { spec: { operation: null } }).catch(() => undefined);
      throw new CommandError(
        `no syncer answered within ${secs} s: none seems to be running for ${ref.namespace}/${ref.name} in the cluster from ${o.origin}. ` +
          '`slipway up` runs one (or use a longer --timeout if it is busy)',
        2,
      );
    }
    await new Promise((r) => setTimeout(r, o.pollMs ?? 100));
  }
}

export interface OperationCommandOptions extends TargetOptions {
  output: OutputFormat;
  timeoutMs: number;
}

/** The history entry an operation made, if it made one. */
export function entryOf(r: OperationResult): HistoryEntry | undefined {
  return (r.app.status?.history ?? []).find(
    (h) => h.startedAt === r.state.startedAt && (!r.state.revision || h.revision === r.state.revision),
  );
}

/** The outcome as people read it: the operation, its result, the history entry it made, then the app's state. */
export function describeOutcome(r: OperationResult): string {
  const s = r.state;
  const entry = entryOf(r);
  const what = entry
    ? `${short(entry.revision)} as history #${entry.id}${entry.subject ? ` (${entry.subject})` : ''}`
    : s.revision
      ? short(s.revision)
      : '';
  const head = `${s.operation}: ${s.phase}${what ? ` — ${what}` : ''}${s.message && s.message !== 'done' ? `: ${s.message}` : ''}`;
  return `${head}\n${describeStatus(r.app, { brief: true })}`;
}

/** An operation's result as `--output json` prints it. */
export function outcomeJson(r: OperationResult): string {
  const st = r.app.status ?? {};
  return json({
    operationState: r.state,
    historyEntry: entryOf(r),
    sync: st.sync,
    health: st.health,
    pinned: st.pinned,
  });
}

/**
 * Runs one request against the target Application and prints its outcome; exit code 1 when the syncer reports
 * it Failed. `before` may check the request against the app first (and throw to refuse it).
 */
export async function operationCommand(
  o: OperationCommandOptions,
  io: CommandIO,
  command: string,
  request: OperationRequest,
  extra: { before?: (app: Application) => void; after?: (r: OperationResult) => string | undefined } = {},
): Promise<number> {
  const t = connect(o);
  try {
    const app = await findApp(t, o);
    extra.before?.(app);
    const r = await runOperation(t.client, app, request, command, {
      timeoutMs: o.timeoutMs,
      origin: t.origin,
      io: o.output === 'json' ? undefined : io,
    });
    if (o.output === 'json') io.out(outcomeJson(r));
    else {
      io.out(describeOutcome(r));
      const note = extra.after?.(r);
      if (note) io.out(note);
    }
    return r.state.phase === 'Failed' ? 1 : 0;
  } finally {
    t.client.close();
  }
}
