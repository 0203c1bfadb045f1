// The Cluster view's content, free of `vscode`: namespaces (pinned ones first) with their workloads, services,
// config, claims and pods; nodes; recent events. Fed only by the connection's shared informers (list-then-watch):
// an object's change re-renders its own element, an object added or removed re-renders its group, and changes
// are gathered for 50 ms so a rollout of a hundred pods is one refresh, not a hundred.
import type { Event, Namespace, Node, Pod } from 'kubernetes-types/core/v1';
import type { Informer } from '../../kubeclient/informer';
import type { ClusterConnection } from '../connection/clusterConnection';
import { ClusterKind, EVENTS, kindByPlural, NAMESPACED_KINDS, NAMESPACES, NODES, objectRef } from './clusterKinds';
import * as present from './presentation';
import type { NodePresentation, TreeNode } from './treeNode';

/** Where pinned ids are kept (the workspace's state in VS Code). */
export interface PinStore {
  get(): readonly string[];
  set(pins: readonly string[]): void | PromiseLike<void>;
}

/** Elements to refresh; undefined means the whole tree. */
export type TreeChange = TreeNode[] | undefined;

export const CHANGE_DELAY_MS = 50;
/** Events listed at most, warnings first, newest first. */
export const MAX_EVENTS = 200;

const ROOT = '';
const NODES_GROUP = 'nodes';
const EVENTS_GROUP = 'events';

type Obj = { metadata?: { name?: string; namespace?: string; uid?: string } };

const nsId = (ns: string) => `ns:${ns}`;
const groupId = (ns: string, plural: string) => `ns:${ns}/${plural}`;
const itemId = (ns: string, plural: string, name: string) => `ns:${ns}/${plural}/${name}`;
const PIN_PREFIX = 'pin:';

/** The ids of an element's ancestors, nearest last ("ns:a/pods/x" → "ns:a", "ns:a/pods"). */
function ancestors(id: string): string[] {
  if (id.startsWith(PIN_PREFIX)) return [];
  const parts = id.split('/');
  return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join('/'));
}

function byName(a: Obj, b: Obj): number {
  return (a.metadata?.name ?? '').localeCompare(b.metadata?.name ?? '');
}

export class ClusterTreeModel {
  private readonly nodes = new Map<string, TreeNode>();
  private readonly childIds = new Map<string, string[]>();
  /** objects per namespace and kind ("ns/plural"), kept from the informers' add and delete */
  private readonly counts = new Map<string, number>();
  private readonly attached = new Map<string, Informer>();
  private readonly listeners = new Set<(change: TreeChange) => void>();
  private pending = new Set<string>();
  private pendingRoot = false;
  private timer: NodeJS.Timeout | undefined;
  private disposed = false;

  constructor(
    private readonly connection: ClusterConnection,
    private readonly pins: PinStore,
    private readonly delayMs = CHANGE_DELAY_MS,
  ) {}

  onDidChange(listener: (change: TreeChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  dispose(): void {
    this.disposed = true;
    clearTimeout(this.timer);
    this.listeners.clear();
  }

  /** The element with this id, if it has been shown. */
  node(id: string): TreeNode | undefined {
    return this.nodes.get(id);
  }

  children(parent?: TreeNode): TreeNode[] {
    const id = parent?.id ?? ROOT;
    const kids = this.computeChildren(id);
    const before = this.childIds.get(id);
    const now = kids.map((k) => k.id);
    if (before) {
      const keep = new Set(now);
      for (const old of before) if (!keep.has(old)) this.forget(old);
    }
    this.childIds.set(id, now);
    return kids;
  }

  /** Pins a namespace or workload to the top of the tree, or unpins it. */
  async setPinned(node: TreeNode, pinned: boolean): Promise<void> {
    const key = node.id.startsWith(PIN_PREFIX) ? node.id.slice(PIN_PREFIX.length) : node.id;
    const others = this.pins.get().filter((p) => p !== key);
    await this.pins.set(pinned ? [...others, key] : others);
    this.pendingRoot = true;
    this.schedule();
  }

  isPinned(id: string): boolean {
    return this.pins.get().includes(id.startsWith(PIN_PREFIX) ? id.slice(PIN_PREFIX.length) : id);
  }

  /** Waits until every informer the tree has used holds its first list. */
  async synced(): Promise<void> {
    await Promise.all([...this.attached.values()].map((i) => i.waitForSync()));
  }

  private computeChildren(id: string): TreeNode[] {
    if (id === ROOT) return this.rootChildren();
    if (id === NODES_GROUP) return this.nodeItems();
    if (id === EVENTS_GROUP) return this.eventItems();
    const parts = id.split('/');
    if (!id.startsWith('ns:')) return [];
    const ns = parts[0].slice(3);
    if (parts.length === 1) return this.namespaceGroups(ns);
    const kind = kindByPlural(parts[1]);
    if (!kind) return [];
    if (parts.length === 2) return this.groupItems(ns, kind);
    if (parts.length === 3 && kind.plural === 'pods') return this.containerItems(ns, parts[2]);
    return [];
  }

  private rootChildren(): TreeNode[] {
    const namespaces = this.informer(NAMESPACES.plural).list().sort(byName);
    const pins = this.pins.get();
    const out: TreeNode[] = [];
    for (const pin of pins) {
      const parts = pin.split('/');
      if (parts.length === 1) {
        const ns = namespaces.find((n) => nsId(n.metadata.name) === pin);
        if (ns) out.push(this.namespaceNode(ns));
      } else if (parts.length === 3) {
        const kind = kindByPlural(parts[1]);
        const obj = kind && this.informer(kind.plural).get(parts[0].slice(3), parts[2]);
        if (kind && obj) out.push(this.objectNode(PIN_PREFIX + pin, kind, obj, true));
      }
    }
    for (const ns of namespaces) if (!pins.includes(nsId(ns.metadata.name))) out.push(this.namespaceNode(ns));
    out.push(this.upsert(NODES_GROUP, this.nodesGroup()), this.upsert(EVENTS_GROUP, this.eventsGroup()));
    return out;
  }

  private nodesGroup(): NodePresentation {
    const n = this.informer(NODES.plural).list().length;
    return {
      label: 'Nodes',
      description: String(n),
      tooltip: `${n} node${n === 1 ? '' : 's'}`,
      icon: { id: 'server' },
      contextValue: 'group',
      collapsible: true,
    };
  }

  private eventsGroup(): NodePresentation {
    const events: Event[] = this.informer(EVENTS.plural).list();
    const warnings = events.filter((e) => e.type === 'Warning').length;
    return {
      label: 'Events',
      description: warnings ? `${warnings} warning${warnings === 1 ? '' : 's'}` : '',
      tooltip: 'Recent events of every namespace, warnings first',
      icon: { id: 'bell', color: warnings ? 'problemsWarningIcon.foreground' : undefined },
      contextValue: 'group',
      collapsible: true,
    };
  }

  private namespaceNode(ns: Namespace): TreeNode {
    const name = ns.metadata?.name ?? '';
    const pinned = this.isPinned(nsId(name));
    return this.upsert(nsId(name), {
      label: name,
      ...present.presentNamespace(ns, pinned),
      contextValue: `namespace ${pinned ? 'unpin' : 'pin'} describe delete`,
      collapsible: true,
      ref: { ...NAMESPACES, namespaced: false, name },
    });
  }

  private namespaceGroups(ns: string): TreeNode[] {
    const out: TreeNode[] = [];
    for (const kind of NAMESPACED_KINDS) {
      this.informer(kind.plural);
      const n = this.counts.get(`${ns}/${kind.plural}`) ?? 0;
      if (n > 0) out.push(this.upsert(groupId(ns, kind.plural), this.groupPresentation(kind, n)));
    }
    return out;
  }

  private groupPresentation(kind: ClusterKind, n: number): NodePresentation {
    return {
      label: kind.title,
      description: String(n),
      tooltip: `${n} ${n === 1 ? kind.kind : kind.title}`,
      icon: { id: kind.icon },
      contextValue: 'group',
      collapsible: true,
    };
  }

  private groupItems(ns: string, kind: ClusterKind): TreeNode[] {
    const objects = this.informer(kind.plural)
      .list()
      .filter((o) => o.metadata?.namespace === ns)
      .sort(byName);
    return objects.map((o) => this.objectNode(itemId(ns, kind.plural, o.metadata.name), kind, o, false));
  }

  private objectNode(id: string, kind: ClusterKind, obj: Obj, pinnedTwin: boolean): TreeNode {
    const name = obj.metadata?.name ?? '';
    const namespace = obj.metadata?.namespace ?? '';
    const shown = present.presentObject(kind.plural, obj);
    const words = ['object', kind.kind, 'describe', 'delete'];
    for (const c of kind.capabilities) {
      if (c === 'pin') words.push(this.isPinned(id) ? 'unpin' : 'pin');
      else words.push(c);
    }
    const containers = kind.plural === 'pods' ? ((obj as Pod).spec?.containers?.length ?? 0) : 0;
    return this.upsert(id, {
      label: pinnedTwin ? `${kind.kind.toLowerCase()}/${name}` : name,
      ...shown,
      description: pinnedTwin ? `${namespace} · ${shown.description}` : shown.description,
      contextValue: words.join(' '),
      collapsible: !pinnedTwin && containers > 1,
      ref: objectRef(kind, namespace, name),
    });
  }

  private containerItems(ns: string, podName: string): TreeNode[] {
    const pod: Pod | undefined = this.informer('pods').get(ns, podName);
    if (!pod) return [];
    const ref = objectRef(kindByPlural('pods')!, ns, podName);
    return (pod.spec?.containers ?? []).map((c) => {
      const s = pod.status?.containerStatuses?.find((x) => x.name === c.name);
      const state = s?.state?.waiting?.reason ?? (s?.state ? Object.keys(s.state)[0] : 'waiting');
      return this.upsert(`${itemId(ns, 'pods', podName)}/${c.name}`, {
        label: c.name,
        description: `${state}${s?.ready ? ' · ready' : ''} · ${s?.restartCount ?? 0} restarts`,
        tooltip: `${c.name}: ${c.image}`,
        icon: { id: 'package', color: s?.ready ? 'charts.green' : 'charts.yellow' },
        contextValue: 'container logs',
        collapsible: false,
        ref,
        container: c.name,
      });
    });
  }

  private nodeItems(): TreeNode[] {
    return this.informer(NODES.plural)
      .list()
      .sort(byName)
      .map((n) =>
        this.upsert(`${NODES_GROUP}/${n.metadata.name}`, {
          label: n.metadata.name,
          ...present.presentNode(n),
          contextValue: 'node describe',
          collapsible: false,
          ref: { ...NODES, namespaced: false, name: n.metadata.name },
        }),
      );
  }

  private recentEvents(): Event[] {
    const events: Event[] = this.informer(EVENTS.plural).list();
    const warning = (e: Event) => (e.type === 'Warning' ? 0 : 1);
    return events
      .sort((a, b) => warning(a) - warning(b) || present.eventTime(b).localeCompare(present.eventTime(a)))
      .slice(0, MAX_EVENTS);
  }

  private eventItems(): TreeNode[] {
    return this.recentEvents().map((e) =>
      this.upsert(`${EVENTS_GROUP}/${e.metadata?.namespace}/${e.metadata?.name}`, {
        ...present.presentEvent(e),
        contextValue: 'event',
        collapsible: false,
      }),
    );
  }

  /** The node with this id, created or updated in place, so a refresh of it shows its new state. */
  private upsert(id: string, p: NodePresentation): TreeNode {
    const existing = this.nodes.get(id);
    const fields: NodePresentation = { ref: undefined, container: undefined, ...p };
    if (existing) return Object.assign(existing, fields);
    const node: TreeNode = { id, ...fields };
    this.nodes.set(id, node);
    return node;
  }

  private forget(id: string): void {
    this.nodes.delete(id);
    for (const c of this.childIds.get(id) ?? []) this.forget(c);
    this.childIds.delete(id);
  }

  /** The shared informer of a resource, with the tree's handlers on it. */
  private informer(plural: string): Informer {
    let inf = this.attached.get(plural);
    if (inf) return inf;
    const kind = kindByPlural(plural);
    inf = this.connection.informers.get(kind?.group ?? '', plural);
    this.attached.set(plural, inf);
    // an informer another view started has already told its adds: count what it holds
    for (const o of inf.list()) this.count(plural, o, 1);
    inf.on({
      add: (o) => this.onObject(plural, o, 'add'),
      update: (o) => this.onObject(plural, o, 'update'),
      delete: (o) => this.onObject(plural, o, 'delete'),
    });
    return inf;
  }

  private count(plural: string, o: Obj, delta: number): void {
    if (!kindByPlural(plural)) return;
    const key = `${o.metadata?.namespace}/${plural}`;
    this.counts.set(key, (this.counts.get(key) ?? 0) + delta);
  }

  private onObject(plural: string, o: Obj, what: 'add' | 'update' | 'delete'): void {
    if (this.disposed) return;
    if (what !== 'update') this.count(plural, o, what === 'add' ? 1 : -1);
    const name = o.metadata?.name ?? '';
    if (plural === NAMESPACES.plural) {
      if (what === 'update' && this.nodes.has(nsId(name))) this.namespaceNode(o as Namespace);
      this.mark(what === 'update' ? nsId(name) : ROOT);
    } else if (plural === NODES.plural) {
      const node = this.nodes.get(`${NODES_GROUP}/${name}`);
      if (what === 'update' && node) Object.assign(node, present.presentNode(o as Node));
      this.refreshGroup(NODES_GROUP, () => this.nodesGroup());
      if (what === 'update') this.mark(`${NODES_GROUP}/${name}`);
    } else if (plural === EVENTS.plural) {
      this.refreshGroup(EVENTS_GROUP, () => this.eventsGroup());
    } else {
      this.onNamespaced(kindByPlural(plural)!, o, what);
    }
  }

  private onNamespaced(kind: ClusterKind, o: Obj, what: 'add' | 'update' | 'delete'): void {
    const ns = o.metadata?.namespace ?? '';
    const id = itemId(ns, kind.plural, o.metadata?.name ?? '');
    const twin = PIN_PREFIX + id;
    if (what === 'update') {
      if (this.nodes.has(id)) {
        this.objectNode(id, kind, o, false);
        this.mark(id);
      }
      if (this.nodes.has(twin)) {
        this.objectNode(twin, kind, o, true);
        this.mark(twin);
      }
      return;
    }
    if (this.isPinned(id)) this.mark(ROOT);
    const shownGroups = this.childIds.get(nsId(ns));
    if (!shownGroups) return; // the namespace was never expanded
    const group = groupId(ns, kind.plural);
    const n = this.counts.get(`${ns}/${kind.plural}`) ?? 0;
    if (shownGroups.includes(group) !== n > 0) {
      this.mark(nsId(ns));
      return;
    }
    const node = this.nodes.get(group);
    if (node) Object.assign(node, this.groupPresentation(kind, n));
    this.mark(group);
  }

  /** Updates a group's own label and description in place and refreshes it with its children. */
  private refreshGroup(id: string, p: () => NodePresentation): void {
    const node = this.nodes.get(id);
    if (!node) return;
    Object.assign(node, p());
    this.mark(id);
  }

  private mark(id: string): void {
    if (id === ROOT) this.pendingRoot = true;
    else if (this.nodes.has(id)) this.pending.add(id);
    else return;
    this.schedule();
  }

  private schedule(): void {
    if (this.timer || this.disposed) return;
    this.timer = setTimeout(() => this.flush(), this.delayMs);
  }

  private flush(): void {
    this.timer = undefined;
    if (this.disposed) return;
    const ids = this.pending;
    this.pending = new Set();
    let change: TreeChange;
    if (this.pendingRoot) {
      this.pendingRoot = false;
      change = undefined;
    } else {
      // an element refreshed refreshes what is under it: leave out those whose ancestor is refreshed anyway
      change = [...ids]
        .filter((id) => !ancestors(id).some((a) => ids.has(a)))
        .map((id) => this.nodes.get(id))
        .filter((n): n is TreeNode => !!n);
      if (!change.length) return;
    }
    for (const l of [...this.listeners]) l(change);
  }
}
