// Asking the syncer for work and waiting for its answer, as the CLI does: the request and the reading of the answer
// are kube/applicationOperation.ts's, shared with the editor.
import { randomUUID } from 'crypto';
import { Application, HistoryEntry } from '../../kube/application';
import {
  CANCEL_OPERATION_PATCH,
  initiatedBy as whoAsks,
  operationPatch,
  operationPending,
  operationProgress,
  OperationRequest,
  OperationState,
} from '../../kube/applicationOperation';
import { ObjectClient } from '../../kubeclient/objectClient';
import { CommandError, CommandIO, json, OutputFormat, short } from './output';
import { describeStatus } from './statusText';
import { appRef, connect, findApp, TargetOptions } from './target';

export type { OperationRequest, OperationState };

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

/** Who started an operation: the command, the local user and the host. */
export function initiatedBy(command: string): string {
  return whoAsks(`slipway ${command}`);
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
  if (operationPending(app))
    o.io?.err(`note: replacing a request nobody has carried out yet: ${JSON.stringify(app.spec.operation)}`);
  const id = randomUUID();
  const requestedAt = Date.now();
  await client.mergePatch(ref, operationPatch(request, initiatedBy(command), id));
  const deadline = requestedAt + o.timeoutMs;
  let lastMessage = '';
  for (;;) {
    const now: Application = await client.get(ref);
    const progress = operationProgress(now, id, requestedAt);
    if (progress.stage === 'done') return { app: now, state: progress.state };
    if (progress.stage === 'running' && progress.message && progress.message !== lastMessage) {
      lastMessage = progress.message;
      o.io?.out(`${now.status?.operationState?.operation}: ${progress.message}`);
    }
    if (progress.stage === 'dropped') {
      throw new CommandError(
        `the request was cleared before the syncer carried it out (it was finishing an earlier operation, or someone removed spec.operation); run \`slipway ${command}\` again`,
      );
    }
    if (Date.now() > deadline) {
      const secs = Math.round(o.timeoutMs / 1000);
      const st = now.status?.operationState;
      if (progress.stage === 'running')
        throw new CommandError(
          `${st?.operation} is still running after ${secs} s: ${st?.message ?? ''}; follow it with \`slipway status -w\``,
        );
      // nobody picked the request up: take it back, so a syncer started later does not act on a stale request
      if (operationPending(now)) await client.mergePatch(ref, CANCEL_OPERATION_PATCH).catch(() => undefined);
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
