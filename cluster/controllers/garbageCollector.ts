// The garbage collector: deletes objects whose owners are gone (background cascade), finishes
// foreground deletion (dependents first, then the owner) and orphaning (owner references removed).
import type { KubeObject, OwnerReference } from '../../kube/objects';
import { ResourceInfo, apiVersionOf } from '../../kube/registry';
import { ApiClient, resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { WorkQueue } from './workQueue';

interface Node {
  info: ResourceInfo;
  obj: KubeObject;
}

export class GarbageCollector {
  private readonly nodes = new Map<string, Node>();
  private readonly dependents = new Map<string, Set<string>>();
  private readonly informers: Informer[] = [];
  private readonly queue: WorkQueue;

  constructor(
    private readonly client: ApiClient,
    private readonly resources: readonly ResourceInfo[],
  ) {
    this.queue = new WorkQueue((uid) => this.process(uid));
  }

  async start(): Promise<void> {
    for (const info of this.resources) {
      // a version served by conversion shows the objects of its stored version again
      if (info.storedAs || !info.verbs.includes('watch') || !info.verbs.includes('delete')) continue;
      // owner references and finalizers are all it needs, so it caches metadata only
      const inf = new Informer(this.client, info, { metadataOnly: true });
      inf.on({
        add: (o) => this.observe(info, o),
        update: (o) => this.observe(info, o),
        delete: (o) => this.forget(o),
      });
      this.informers.push(inf);
      inf.start();
    }
    await Promise.all(this.informers.map((i) => i.waitForSync()));
    for (const uid of this.nodes.keys()) this.queue.add(uid);
  }

  stop(): void {
    for (const i of this.informers) i.stop();
    this.queue.stop();
  }

  private observe(info: ResourceInfo, obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    const prev = this.nodes.get(uid);
    for (const ref of prev?.obj.metadata?.ownerReferences ?? []) this.dependents.get(ref.uid)?.delete(uid);
    this.nodes.set(uid, { info, obj });
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      let set = this.dependents.get(ref.uid);
      if (!set) this.dependents.set(ref.uid, (set = new Set()));
      set.add(uid);
    }
    this.queue.add(uid);
  }

  private forget(obj: KubeObject): void {
    const uid = obj.metadata?.uid;
    if (!uid) return;
    this.nodes.delete(uid);
    for (const ref of obj.metadata?.ownerReferences ?? []) {
      const set = this.dependents.get(ref.uid);
      set?.delete(uid);
      // an owner waiting for its dependents may now be done
      if (set && set.size === 0 && this.nodes.has(ref.uid)) this.queue.add(ref.uid);
    }
    // its dependents have lost an owner
    for (const dep of this.dependents.get(uid) ?? []) this.queue.add(dep);
  }

  private path(n: Node): string {
    return resourcePath(n.info, n.obj.metadata.namespace, n.obj.metadata.name);
  }

  private async process(uid: string): Promise<void> {
    const n = this.nodes.get(uid);
    if (!n) return;
    const meta = n.obj.metadata;
    const finalizers: string[] = meta.finalizers ?? [];
    if (meta.deletionTimestamp && finalizers.includes('orphan')) return this.orphanDependents(n);
    if (meta.deletionTimestamp && finalizers.includes('foregroundDeletion')) return this.deleteDependentsFirst(n);
    await this.checkOwners(n);
  }

  private liveDependents(uid: string): Node[] {
    return [...(this.dependents.get(uid) ?? [])].map((d) => this.nodes.get(d)).filter((x): x is Node => !!x);
  }

  private async orphanDependents(n: Node): Promise<void> {
    const uid = n.obj.metadata.uid!;
    for (const dep of this.liveDependents(uid)) {
      const refs = (dep.obj.metadata.ownerReferences ?? []).filter((r) => r.uid !== uid);
      await this.ignoreNotFound(
        this.client.patch(
          this.path(dep),
          { metadata: { ownerReferences: refs.length ? refs : null, uid: dep.obj.metadata.uid } },
          'merge',
        ),
      );
    }
    await this.removeFinalizer(n, 'orphan');
  }

  private async deleteDependentsFirst(n: Node): Promise<void> {
    const deps = this.liveDependents(n.obj.metadata.uid!);
    if (deps.length === 0) {
      await this.removeFinalizer(n, 'foregroundDeletion');
      return;
    }
    for (const dep of deps) {
      if (dep.obj.metadata.deletionTimestamp) continue;
      await this.ignoreNotFound(
        this.client.delete(this.path(dep), {
          propagationPolicy: 'Foreground',
          preconditions: { uid: dep.obj.metadata.uid },
        }),
      );
    }
  }

  private async removeFinalizer(n: Node, finalizer: string): Promise<void> {
    const meta = n.obj.metadata;
    const rest = (meta.finalizers ?? []).filter((f: string) => f !== finalizer);
    // pinned to the resourceVersion so a concurrent finalizer change is not lost
    await this.ignoreNotFound(
      this.client.patch(
        this.path(n),
        { metadata: { finalizers: rest.length ? rest : null, resourceVersion: meta.resourceVersion } },
        'merge',
      ),
    ).catch((e) => {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
    });
  }

  /** Deletes an object all of whose owners are gone; drops references to owners that are gone. */
  private async checkOwners(n: Node): Promise<void> {
    const refs: OwnerReference[] = n.obj.metadata.ownerReferences ?? [];
    if (refs.length === 0 || n.obj.metadata.deletionTimestamp) return;
    const missing: OwnerReference[] = [];
    let foregroundOwner = false;
    for (const ref of refs) {
      const owner = this.nodes.get(ref.uid);
      if (owner) {
        if (
          owner.obj.metadata.deletionTimestamp &&
          (owner.obj.metadata.finalizers ?? []).includes('foregroundDeletion')
        )
          foregroundOwner = true;
        continue;
      }
      // the owner's informer may lag behind the dependent's: ask the API server before deciding
      if (await this.ownerGone(ref, n.obj.metadata.namespace)) missing.push(ref);
    }
    if (missing.length === refs.length || (foregroundOwner && missing.length === refs.length - 1)) {
      const policy = foregroundOwner ? 'Foreground' : 'Background';
      await this.ignoreNotFound(
        this.client.delete(this.path(n), { propagationPolicy: policy, preconditions: { uid: n.obj.metadata.uid } }),
      );
    } else if (missing.length) {
      const keep = refs.filter((r) => !missing.includes(r));
      await this.ignoreNotFound(
        this.client.patch(this.path(n), { metadata: { ownerReferences: keep, uid: n.obj.metadata.uid } }, 'merge'),
      );
    }
  }

  private async ownerGone(ref: OwnerReference, namespace: string | undefined): Promise<boolean> {
    const info = this.resources.find((r) => apiVersionOf(r) === ref.apiVersion && r.kind === ref.kind);
    if (!info) return false; // an owner kind we cannot see: leave the dependent alone
    try {
      const owner = await this.client.get(resourcePath(info, info.namespaced ? namespace : undefined, ref.name));
      return owner.metadata.uid !== ref.uid;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return true;
      throw e;
    }
  }

  private async ignoreNotFound<T>(p: Promise<T>): Promise<T | undefined> {
    try {
      return await p;
    } catch (e) {
      if (
        e instanceof KubeApiError &&
        (e.status === 404 || (e.status === 409 && /Precondition failed: UID/.test(e.message)))
      )
        return undefined;
      throw e;
    }
  }
}
