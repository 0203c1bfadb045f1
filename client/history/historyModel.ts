// What the History view shows of an app's status.history, newest first: "#3 abc1234 subject" —
// "Dev · 5 min ago · commit", with result and health in the icon, and which entry is live or pinned.
import type { Application, HistoryEntry } from '../../kube/application';
import { healthIcon, IconModel, ItemModel, short } from '../applications/applicationModel';

export interface HistoryRow extends ItemModel {
  entry: HistoryEntry;
}

/** "just now", "42 s ago", "5 min ago", "3 h ago", "2 days ago". */
export function relativeTime(iso: string, now = Date.now()): string {
  const secs = Math.round((now - Date.parse(iso)) / 1000);
  if (Number.isNaN(secs)) return iso;
  if (secs < 5) return 'just now';
  if (secs < 60) return `${secs} s ago`;
  if (secs < 3600) return `${Math.floor(secs / 60)} min ago`;
  if (secs < 86400) return `${Math.floor(secs / 3600)} h ago`;
  const days = Math.floor(secs / 86400);
  return `${days} day${days === 1 ? '' : 's'} ago`;
}

/** The entry whose revision runs: the latest that succeeded (as `slipway history` marks it). */
export function liveEntryId(app: Application): number | undefined {
  return [...(app.status?.history ?? [])].reverse().find((h) => h.result === 'Succeeded')?.id;
}

function entryIcon(h: HistoryEntry): IconModel {
  if (h.result === 'Failed') return { id: 'close', color: 'testing.iconFailed' };
  if (h.result === 'Running') return { id: 'sync~spin' };
  return healthIcon(h.health);
}

export function historyRows(app: Application, now = Date.now()): HistoryRow[] {
  const live = liveEntryId(app);
  const pinned = app.status?.pinned?.id;
  return [...(app.status?.history ?? [])].reverse().map((h) => {
    const marks = [h.id === live ? 'live' : undefined, h.id === pinned ? 'pinned' : undefined].filter(Boolean);
    const result = h.retries ? `${h.result} after ${h.retries} ${h.retries === 1 ? 'retry' : 'retries'}` : h.result;
    return {
      entry: h,
      label: `#${h.id} ${short(h.revision)} ${h.subject}`,
      description: [...marks, h.author.replace(/\s*<[^>]*>$/, ''), relativeTime(h.startedAt, now), h.trigger]
        .filter(Boolean)
        .join(' · '),
      tooltip: [
        `#${h.id}: ${h.revision}`,
        `${h.subject} — ${h.author}`,
        `Started ${h.startedAt}${h.finishedAt ? `, finished ${h.finishedAt}` : ''} (${h.trigger})`,
        `Result: ${result}${h.health ? `, health ${h.health}` : ''}`,
        h.message ?? '',
        ...(h.id === pinned ? ['Pinned here: automated sync is paused until Resume Auto-Sync.'] : []),
      ]
        .filter(Boolean)
        .join('\n'),
      icon: h.id === pinned ? { id: 'pinned', color: 'charts.orange' } : entryIcon(h),
      contextValue: ['slipwayHistory', ...marks].join(' '),
    };
  });
}
