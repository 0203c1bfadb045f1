// Image pulls for a container as the kubelet's image manager does them: imagePullPolicy decides whether
// to pull, a failed pull backs off (10s doubling to 5m) per pod and image, and the events and waiting
// reasons are Kubernetes' own (Pulling, Pulled, Failed, BackOff; ErrImagePull, ImagePullBackOff,
// InvalidImageName, ErrImageNeverPull).
import type { Container } from 'kubernetes-types/core/v1';
import { Clock } from '../clock';
import { defaultPullPolicy, parseImage } from '../runtime/imageRef';
import { ContainerRuntime, ImageRef, RegistryAuth } from '../runtime/types';
import { Backoff } from './backoff';
import { goDuration } from './goDuration';

export type PullOutcome =
  | { ok: true; image: ImageRef }
  /** retryAt: when to try again (ms, cluster time) */
  | { ok: false; reason: string; message: string; retryAt: number };

export interface PullEvents {
  event(type: 'Normal' | 'Warning', reason: string, message: string): void;
}

const INITIAL_MS = 10_000;
/** how soon the pod worker looks again at a problem only a change can fix, as its periodic resync does */
const RESYNC_MS = 10_000;
const MAX_MS = 300_000;

export class ImageManager {
  private readonly backoff: Backoff;
  private readonly lastError = new Map<string, string>();

  constructor(
    private readonly runtime: ContainerRuntime,
    private readonly clock: Clock,
  ) {
    this.backoff = new Backoff(INITIAL_MS, MAX_MS, () => clock.now());
  }

  /** `auth` is asked for only when the image is pulled: the pod's imagePullSecrets' login for it */
  async ensure(
    podUid: string,
    sandboxId: string,
    spec: Container,
    ev: PullEvents,
    auth?: (image: string) => Promise<RegistryAuth | undefined>,
  ): Promise<PullOutcome> {
    const image: string = spec.image ?? '';
    if (!parseImage(image)) {
      const message = `Failed to apply default image tag ${JSON.stringify(image)}: couldn't parse image name ${JSON.stringify(image)}: invalid reference format`;
      ev.event('Warning', 'InspectFailed', message);
      return { ok: false, reason: 'InvalidImageName', message, retryAt: this.clock.now() + RESYNC_MS };
    }
    const policy = spec.imagePullPolicy || defaultPullPolicy(image);
    const present = await this.runtime.imageStatus(image);
    if (policy === 'Never') {
      if (present) return { ok: true, image: present };
      const message = `Container image ${JSON.stringify(image)} is not present with pull policy of Never`;
      ev.event('Warning', 'ErrImageNeverPull', message);
      return { ok: false, reason: 'ErrImageNeverPull', message, retryAt: this.clock.now() + RESYNC_MS };
    }
    if (policy === 'IfNotPresent' && present) {
      ev.event('Normal', 'Pulled', `Container image ${JSON.stringify(image)} already present on machine`);
      return { ok: true, image: present };
    }
    const key = `${podUid}/${image}`;
    if (this.backoff.inBackOffSinceUpdate(key)) {
      ev.event('Normal', 'BackOff', `Back-off pulling image ${JSON.stringify(image)}`);
      ev.event('Warning', 'Failed', 'Error: ImagePullBackOff');
      return {
        ok: false,
        reason: 'ImagePullBackOff',
        message: `Back-off pulling image ${JSON.stringify(image)}: ErrImagePull: ${this.lastError.get(key) ?? ''}`,
        retryAt: this.backoffEnd(key),
      };
    }
    ev.event('Normal', 'Pulling', `Pulling image ${JSON.stringify(image)}`);
    const t0 = this.clock.now();
    const r0 = process.hrtime.bigint();
    try {
      const ref = await this.runtime.pullImage(image, sandboxId, spec.name, await auth?.(image));
      // simulated pulls that take no cluster time report the real time spent
      const took = this.clock.now() - t0 || Number(process.hrtime.bigint() - r0) / 1e6;
      this.lastError.delete(key);
      ev.event(
        'Normal',
        'Pulled',
        `Successfully pulled image ${JSON.stringify(image)} in ${goDuration(took)} (${goDuration(took)} including waiting)`,
      );
      return { ok: true, image: ref };
    } catch (e) {
      const err = (e as { message?: string } | undefined)?.message ?? String(e);
      this.backoff.next(key, this.clock.now());
      this.lastError.set(key, err);
      ev.event('Warning', 'Failed', `Failed to pull image ${JSON.stringify(image)}: ${err}`);
      ev.event('Warning', 'Failed', 'Error: ErrImagePull');
      // the pod worker looks again shortly and then shows the back-off until it ends
      return { ok: false, reason: 'ErrImagePull', message: err, retryAt: this.clock.now() + 1000 };
    }
  }

  private backoffEnd(key: string): number {
    return this.clock.now() + Math.max(1, this.backoff.remainingSinceUpdate(key));
  }

  forget(podUid: string): void {
    this.backoff.forget(`${podUid}/`);
    for (const k of [...this.lastError.keys()]) if (k.startsWith(`${podUid}/`)) this.lastError.delete(k);
  }
}
