// The webhooks the stored Mutating- and ValidatingWebhookConfigurations declare, as kube-apiserver's configuration
// managers keep them: configurations sorted by name, webhooks in their listed order. The list is read again only
// after a write under admissionregistration.k8s.io, so a write with no webhook registered costs one flag check.
import type {
  MutatingWebhook,
  MutatingWebhookConfiguration,
  ValidatingWebhook,
  ValidatingWebhookConfiguration,
} from 'kubernetes-types/admissionregistration/v1';
import type { Store, Watcher } from '../../../store/types';

const PREFIX = '/registry/admissionregistration.k8s.io/';

/** A webhook and the configuration that declares it (its name is the webhook's identity in messages). */
export interface RegisteredWebhook<W> {
  configuration: string;
  webhook: W;
}

export interface WebhookSet {
  mutating: RegisteredWebhook<MutatingWebhook>[];
  validating: RegisteredWebhook<ValidatingWebhook>[];
}

export class WebhookConfigurations {
  private cached?: WebhookSet;
  private readonly watcher: Watcher;

  constructor(private readonly store: Store) {
    this.watcher = store.watch(PREFIX, store.revision, () => (this.cached = undefined));
  }

  current(): WebhookSet {
    this.cached ??= {
      mutating: this.read<MutatingWebhookConfiguration, MutatingWebhook>('mutatingwebhookconfigurations'),
      validating: this.read<ValidatingWebhookConfiguration, ValidatingWebhook>('validatingwebhookconfigurations'),
    };
    return this.cached;
  }

  close(): void {
    this.watcher.cancel();
  }

  private read<C extends { webhooks?: W[] }, W>(resource: string): RegisteredWebhook<W>[] {
    // the store lists by key, which is by name for these cluster-scoped objects
    return this.store.list(`${PREFIX}${resource}/`).items.flatMap((e) => {
      const c = e.value as unknown as C & { metadata: { name?: string } };
      return (c.webhooks ?? []).map((webhook) => ({ configuration: c.metadata.name ?? '', webhook }));
    });
  }
}
