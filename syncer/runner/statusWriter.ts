// Writes an Application's status and removes the requests carried out, with optimistic concurrency, and remembers
// its own writes so their echo through the watch is no news.
import {
  Application,
  ApplicationOperation,
  ApplicationStatus,
  APPLICATION_API_VERSION,
  APPLICATION_KIND,
} from '../../kube/application';
import { deepClone, deepEqual } from '../../kube/objects';
import { KubeApiError } from '../../kubeclient/apiError';
import { ObjectClient } from '../../kubeclient/objectClient';
import { boundedStatus } from '../statusSize';
import { now } from './statusEdits';

/** Someone else changed the Application's status while a pass ran: the pass runs again from theirs. */
export class StatusConflict extends Error {
  constructor(app: string) {
    super(`${app}: the status was changed by another writer meanwhile; not overwriting it, reconciling again`);
  }
}

interface StatusBase {
  resourceVersion: string;
  status: ApplicationStatus | undefined;
}

/** The runner's current Application, which the writer replaces with what the API server answers. */
export interface AppHolder {
  app: Application;
  /** namespace/name, for messages */
  readonly name: string;
}

function baseOf(app: Application): StatusBase {
  return { resourceVersion: String(app.metadata.resourceVersion ?? ''), status: app.status };
}

export class StatusWriter {
  private lastWritten?: ApplicationStatus;
  /** resourceVersion of the Application as our last write left it */
  private ownResourceVersion?: string;
  /** the resourceVersion and status the current pass started from (or our last write left) */
  private statusBase?: StatusBase;
  /** the Application generation whose spec.operation was last carried out */
  private handledGeneration = 0;

  constructor(
    private readonly client: ObjectClient,
    private readonly holder: AppHolder,
  ) {}

  private ref() {
    const app = this.holder.app;
    return {
      apiVersion: APPLICATION_API_VERSION,
      kind: APPLICATION_KIND,
      namespace: app.metadata.namespace ?? 'default',
      name: app.metadata.name,
    };
  }

  /** true for the echo of our own write, which changes nothing we have not already seen */
  isOwnEcho(app: Application): boolean {
    return !!app.metadata && app.metadata.resourceVersion === this.ownResourceVersion;
  }

  /** A pass starts: its writes name the resourceVersion of the app as it is now. */
  begin(): void {
    this.statusBase = baseOf(this.holder.app);
  }

  /**
   * Marks the app's request as carried out; false when it was already (our own status writes echo the app back
   * with the request still in it: each request is carried out once).
   */
  claimOperation(): boolean {
    const generation = this.holder.app.metadata.generation ?? 0;
    if (generation <= this.handledGeneration) return false;
    this.handledGeneration = generation;
    return true;
  }

  /**
   * Replaces the whole status (a merge patch could not remove fields: a cleared pin, a resolved condition), with
   * optimistic concurrency: the write names the resourceVersion the pass started from. On 409 the app is read
   * again: when only its spec or metadata moved, the write is retried on the new version; a status someone else
   * wrote (another syncer) is never overwritten: StatusConflict makes the pass run again from it.
   */
  async write(st: ApplicationStatus): Promise<void> {
    const comparable = (s: ApplicationStatus | undefined) => ({ ...s, reconciledAt: undefined });
    // a new spec is written as seen even when nothing else changed: an app of apps judges its child by it
    st.observedGeneration = this.holder.app.metadata.generation;
    if (this.lastWritten && deepEqual(comparable(this.lastWritten), comparable(st))) return;
    st.reconciledAt = now();
    const path = await this.client.path(this.ref(), 'status');
    for (let attempt = 0; ; attempt++) {
      const base = (this.statusBase ??= baseOf(this.holder.app));
      const metadata = {
        name: this.holder.app.metadata.name,
        namespace: this.holder.app.metadata.namespace ?? 'default',
        resourceVersion: base.resourceVersion,
      };
      const body = { apiVersion: APPLICATION_API_VERSION, kind: APPLICATION_KIND, metadata, status: boundedStatus(st) };
      try {
        const updated: Application = await this.client.request('PUT', path, body);
        this.lastWritten = deepClone(st);
        this.adopt(updated);
        return;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 409) || attempt >= 5) throw e;
        const fresh: Application = await this.client.get(this.ref());
        this.holder.app = fresh;
        // the base stays as it was, so any later write of this pass conflicts too; the next pass starts afresh
        if (!deepEqual(fresh.status, base.status)) throw new StatusConflict(this.holder.name);
        this.statusBase = baseOf(fresh);
      }
    }
  }

  /**
   * Removes the request just carried out, unless a newer one replaced it meanwhile: then false, and that one runs
   * in the next pass.
   */
  async clearOperation(op: ApplicationOperation): Promise<boolean> {
    try {
      const updated: Application | undefined = await this.client.request(
        'PATCH',
        await this.client.path(this.ref()),
        [
          { op: 'test', path: '/spec/operation', value: op },
          { op: 'remove', path: '/spec/operation' },
        ],
        'application/json-patch+json',
      );
      if (updated?.metadata) {
        this.adopt(updated);
        this.handledGeneration = Math.max(this.handledGeneration, updated.metadata.generation ?? 0);
      }
      return true;
    } catch (e) {
      if (!(e instanceof KubeApiError && (e.status === 409 || e.status === 422))) throw e;
      return false;
    }
  }

  /** Takes the Application as our own write left it: its echo is no news, and the next write builds on it. */
  private adopt(updated: Application | undefined): void {
    if (!updated?.metadata) return;
    this.holder.app = updated;
    this.ownResourceVersion = String(updated.metadata.resourceVersion);
    this.statusBase = baseOf(updated);
  }
}
