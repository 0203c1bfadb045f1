// `slipway history`: what was deployed when, by what trigger, and how it went; the live and the pinned entries marked.
import { Application, HistoryEntry } from '../../kube/application';
import { CommandIO, formatTime, json, OutputFormat, short, table } from './output';
import { connect, findApp, TargetOptions } from './target';

export interface HistoryOptions extends TargetOptions {
  output: OutputFormat;
}

/** The entry whose revision the cluster runs: the latest that succeeded. */
export function liveEntry(app: Application): HistoryEntry | undefined {
  return [...(app.status?.history ?? [])].reverse().find((h) => h.result === 'Succeeded');
}

/** The hooks a sync ran, in a word: "2 ok", or the first that failed ("PreSync failed"). */
function hooksSummary(h: HistoryEntry): string {
  const hooks = h.hooks ?? [];
  const failed = hooks.find((k) => k.hookPhase === 'Failed');
  if (failed) return `${failed.hookType} failed`;
  return hooks.length ? `${hooks.length} ok` : '';
}

/**
 * The app's history (the last `last` entries) as a table, marking the live and the pinned entry; with a width,
 * subjects are cut to fit it.
 */
export function historyTable(app: Application, last?: number, width?: number): string {
  const all = app.status?.history ?? [];
  const entries = last ? all.slice(-last) : all;
  if (!entries.length) return 'No history yet: nothing has been synced.';
  const live = liveEntry(app)?.id;
  const pinned = app.status?.pinned?.id;
  // a HOOKS column only for apps whose syncs ran hooks
  const withHooks = entries.some((h) => h.hooks?.length);
  const rows = entries.map((h) => [
    `${h.id === live ? '*' : ' '}${h.id === pinned ? 'P' : ' '}`,
    String(h.id),
    short(h.revision),
    formatTime(h.startedAt),
    h.retries ? `${h.result} (${h.retries} ${h.retries === 1 ? 'retry' : 'retries'})` : h.result,
    h.health ?? '',
    ...(withHooks ? [hooksSummary(h)] : []),
    h.trigger,
    h.subject,
    h.author,
  ]);
  const headers = ['', 'ID', 'REVISION', 'STARTED', 'RESULT', 'HEALTH', ...(withHooks ? ['HOOKS'] : [])];
  headers.push('TRIGGER', 'SUBJECT', 'AUTHOR');
  const legend = [
    ...(live !== undefined ? ['* live'] : []),
    ...(pinned !== undefined ? [`P pinned (automated sync paused until \`slipway resume\`)`] : []),
  ];
  return (
    table(headers, rows, {
      width,
      shrink: headers.indexOf('SUBJECT'),
    }) + (legend.length ? `\n${legend.join('   ')}` : '')
  );
}

export async function history(o: HistoryOptions, io: CommandIO): Promise<number> {
  const t = connect(o);
  try {
    const app = await findApp(t, o);
    if (o.output === 'json') {
      const live = liveEntry(app)?.id;
      const pinned = app.status?.pinned?.id;
      io.out(json((app.status?.history ?? []).map((h) => ({ ...h, live: h.id === live, pinned: h.id === pinned }))));
    } else io.out(historyTable(app, undefined, io.columns?.()));
    return 0;
  } finally {
    t.client.close();
  }
}
