// The human view of an Application's state, shared by `slipway up` (as it changes) and `slipway status`.
// A pinned app (rolled back, automated sync paused) leads with a banner so the pause cannot be missed.
import { Application } from '../../kube/application';

export function describeStatus(app: Application, opts: { brief?: boolean } = {}): string {
  const st = app.status ?? {};
  if (!app.status?.reconciledAt && !app.status?.operationState)
    return `${app.metadata.name}: waiting for the syncer's first look`;
  const lines: string[] = [];
  if (st.pinned) {
    const msg = st.conditions?.find((c) => c.type === 'Pinned')?.message ?? `pinned to #${st.pinned.id}`;
    lines.push(`!! ${msg}`);
  }
  const sync = st.sync?.status ?? 'Unknown';
  const health = st.health?.status ?? 'Unknown';
  const rev = st.sync?.shortRevision ? ` ${st.sync.shortRevision}` : '';
  const op = st.operationState;
  let head = `${app.metadata.name}: ${sync}${rev} · ${health}${st.health?.message ? ` (${st.health.message})` : ''}`;
  if (st.sync?.message) head += ` (${st.sync.message})`;
  if (op?.phase === 'Running') head += ` · ${op.operation} running`;
  lines.push(head);
  for (const c of st.conditions ?? []) {
    if (c.type === 'Pinned') continue;
    lines.push(`  ${c.type}: ${c.message}`);
    for (const e of c.errors ?? []) lines.push(`    ${e.file}:${e.line}${e.field ? ` ${e.field}` : ''}: ${e.message}`);
  }
  if (!opts.brief && op?.nextRetryAt)
    lines.push(`  the failed sync of ${op.revision?.slice(0, 7)} is retried at ${op.nextRetryAt}`);
  if (!opts.brief) {
    // the hooks of the last sync: they are no resources of the app, but what they did is part of the sync
    for (const h of op?.syncResult?.resources ?? []) {
      const id = `${h.kind}/${h.namespace ? `${h.namespace}/` : ''}${h.name}`;
      lines.push(`  ${`${h.hookType} hook ${id}`.padEnd(48)} ${h.hookPhase.padEnd(21)} ${h.message ?? ''}`.trimEnd());
    }
    for (const r of st.resources ?? []) {
      const id = `${r.kind}/${r.namespace ? `${r.namespace}/` : ''}${r.name}`;
      lines.push(
        `  ${id.padEnd(48)} ${r.status.padEnd(9)} ${(r.health?.status ?? '').padEnd(11)} ${r.health?.message ?? ''}`.trimEnd(),
      );
    }
  }
  return lines.join('\n');
}
