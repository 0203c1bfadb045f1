// What the Applications view shows of an Application and its resources: labels, descriptions, tooltips, icons
// (codicon ids with theme colour ids) and contextValues (which actions the item offers). Free of `vscode`, so
// it is tested against the objects a real syncer writes.
import type { Application, HealthStatusCode, HistoryEntry, ResourceStatus } from '../../kube/application';
import { syncPolicyOf } from '../../kube/application';

/** A codicon and the theme colour it is drawn in. */
export interface IconModel {
  id: string;
  color?: string;
}

export interface ItemModel {
  label: string;
  description: string;
  tooltip: string;
  icon: IconModel;
  /** `slipwayApp` etc. followed by flags (pinned, outOfSync, running...): menus match them with `when` */
  contextValue: string;
}

export interface AppRef {
  namespace: string;
  name: string;
}

export const appRefOf = (app: Application): AppRef => ({
  namespace: app.metadata.namespace ?? 'default',
  name: app.metadata.name,
});

export const short = (sha: string | undefined): string => (sha ? sha.slice(0, 7) : '');

const PASSED = 'testing.iconPassed';
const FAILED = 'testing.iconFailed';
const WARNING = 'list.warningForeground';
const PINNED = 'charts.orange';

/** The icon of a health status, as resources, history entries and apps show it. */
export function healthIcon(health: HealthStatusCode | undefined): IconModel {
  switch (health) {
    case 'Healthy':
      return { id: 'pass-filled', color: PASSED };
    case 'Degraded':
      return { id: 'error', color: FAILED };
    case 'Progressing':
      return { id: 'loading~spin' };
    case 'Suspended':
      return { id: 'debug-pause', color: WARNING };
    case 'Missing':
      return { id: 'circle-slash', color: WARNING };
    default:
      return { id: 'question' };
  }
}

/** Whether the syncer is carrying out an operation on the app now. */
export const operationRunning = (app: Application): boolean => app.status?.operationState?.phase === 'Running';

/** The history entry of the revision the app is synced to (its subject names the commit). */
export function entryOfRevision(app: Application, revision: string | undefined): HistoryEntry | undefined {
  if (!revision) return undefined;
  return [...(app.status?.history ?? [])].reverse().find((h) => h.revision === revision);
}

/** The latest Healthy entry deployed before the live one, with another revision: what "roll back" goes back to. */
export function lastGoodEntry(app: Application): HistoryEntry | undefined {
  const live = app.status?.sync?.revision;
  return [...(app.status?.history ?? [])]
    .reverse()
    .find((h) => h.result === 'Succeeded' && h.health === 'Healthy' && h.revision !== live);
}

/** The app's auto-sync state in words: on, off, or paused by a pin. */
export function autoSyncText(app: Application): string {
  const pinned = app.status?.pinned;
  if (pinned) return `auto-sync paused (pinned to #${pinned.id})`;
  return syncPolicyOf(app).automated ? 'auto-sync on' : 'auto-sync off';
}

function appIcon(app: Application): IconModel {
  const st = app.status;
  if (operationRunning(app)) return { id: 'sync~spin' };
  if (st?.pinned) return { id: 'pinned', color: PINNED };
  if (st?.conditions?.some((c) => c.type === 'InvalidManifest' && c.status === 'True'))
    return { id: 'warning', color: WARNING };
  if (st?.health?.status === 'Healthy' && st.sync?.status === 'OutOfSync') return { id: 'diff', color: WARNING };
  return healthIcon(st?.health?.status);
}

/** The Applications view's row of an app: "guestbook" — "Synced abc1234 subject · Healthy · auto-sync on". */
export function applicationItem(app: Application): ItemModel {
  const st = app.status ?? {};
  const sync = st.sync?.status ?? 'Unknown';
  const revision = st.sync?.revision;
  const subject = entryOfRevision(app, revision)?.subject;
  const health = st.health?.status ?? 'Unknown';
  const syncText = [sync, short(revision), subject].filter(Boolean).join(' ');
  const running = operationRunning(app) ? `${st.operationState?.operation}…` : undefined;
  const pinned = st.pinned;
  const description = [pinned ? `pinned to #${pinned.id}` : undefined, running, syncText, health, autoSyncText(app)]
    .filter(Boolean)
    .join(' · ');
  const tooltip = [
    `${app.metadata.namespace ?? 'default'}/${app.metadata.name}: ${sync}, ${health}${st.health?.message ? ` (${st.health.message})` : ''}`,
    `Source: ${app.spec.source.repo}${app.spec.source.branch ? ` (${app.spec.source.branch})` : ''}` +
      ` path ${app.spec.source.path ?? '.'}`,
    revision ? `Revision: ${short(revision)}${subject ? ` ${subject}` : ''}` : 'Not synced yet',
    `Auto-sync: ${autoSyncText(app).replace(/^auto-sync /, '')}`,
    ...(pinned
      ? [
          '',
          `PINNED to history #${pinned.id} (${short(pinned.revision)}) by ${pinned.reason} since ${pinned.since}.`,
          'New commits are NOT deployed. To follow the branch again: right-click → Resume Auto-Sync ' +
            '(or `slipway resume`).',
        ]
      : []),
    ...(st.conditions ?? [])
      .filter((c) => c.status === 'True' && c.type !== 'Pinned')
      .map((c) => `${c.type}: ${c.message}`),
  ].join('\n');
  const flags = [
    pinned ? 'pinned' : undefined,
    sync === 'OutOfSync' ? 'outOfSync' : undefined,
    running ? 'running' : undefined,
    lastGoodEntry(app) ? 'canRollBack' : undefined,
  ].filter(Boolean);
  return {
    label: app.metadata.name,
    description,
    tooltip,
    icon: appIcon(app),
    contextValue: ['slipwayApp', ...flags].join(' '),
  };
}

/** The apiVersion of a resource in status.resources. */
export const apiVersionOf = (r: ResourceStatus): string => (r.group ? `${r.group}/${r.version}` : r.version);

/** file and line of a resource's manifest (status.resources[].source "path/file.yaml:12"). */
export function sourceOf(r: ResourceStatus): { file: string; line: number } | undefined {
  const m = /^(.*):(\d+)$/.exec(r.source ?? '');
  return m ? { file: m[1], line: Number(m[2]) } : undefined;
}

/** A resource row under its app: "Deployment/web" — "guestbook · OutOfSync · Progressing". */
export function resourceItem(r: ResourceStatus): ItemModel {
  const health = r.health?.status;
  const source = sourceOf(r);
  return {
    label: `${r.kind}/${r.name}`,
    description: [r.namespace, r.status === 'Synced' ? undefined : r.status, health].filter(Boolean).join(' · '),
    tooltip: [
      `${apiVersionOf(r)} ${r.kind} ${r.namespace ? `${r.namespace}/` : ''}${r.name}`,
      `Sync: ${r.status}${health ? `, health: ${health}${r.health?.message ? ` (${r.health.message})` : ''}` : ''}`,
      `Wave ${r.wave}`,
      source ? `Manifest: ${source.file}, line ${source.line}` : '',
      'Click: desired (git) against live',
    ]
      .filter(Boolean)
      .join('\n'),
    icon: r.status === 'OutOfSync' && health !== 'Degraded' ? { id: 'diff', color: WARNING } : healthIcon(health),
    contextValue: [
      'slipwayResource',
      r.status === 'OutOfSync' ? 'outOfSync' : undefined,
      source ? 'hasSource' : undefined,
    ]
      .filter(Boolean)
      .join(' '),
  };
}
