// One informer per resource for all components of a process, as client-go's SharedInformerFactory:
// ten controllers that watch pods share one watch and one cache.
import { ResourceInfo } from '../kube/registry';
import { ApiClient } from './apiClient';
import { Informer } from './informer';

export class SharedInformers {
  private readonly informers = new Map<string, Informer>();
  private stopped = false;

  constructor(
    private readonly client: ApiClient,
    private readonly registry: () => readonly ResourceInfo[],
  ) {}

  private find(group: string, plural: string): ResourceInfo {
    const info = this.registry().find((r) => r.group === group && r.plural === plural);
    if (!info) throw new Error(`no resource ${plural}${group ? '.' + group : ''}`);
    return info;
  }

  /** The shared informer of a resource, started on first use. */
  get(group: string, plural: string): Informer {
    const key = `${group}/${plural}`;
    let inf = this.informers.get(key);
    if (!inf) {
      inf = new Informer(this.client, this.find(group, plural));
      this.informers.set(key, inf);
      if (!this.stopped) inf.start();
    }
    return inf;
  }

  /** Shorthands for the resources most components watch. */
  pods(): Informer {
    return this.get('', 'pods');
  }
  nodes(): Informer {
    return this.get('', 'nodes');
  }

  waitForSync(): Promise<void> {
    return Promise.all([...this.informers.values()].map((i) => i.waitForSync())).then(() => undefined);
  }

  stop(): void {
    this.stopped = true;
    for (const i of this.informers.values()) i.stop();
  }
}
