// Dynamic admission (kube-apiserver's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins): the
// webhooks of the stored configurations are called for the requests they match, mutating ones first, then the
// object is validated and defaulted again if they changed it, then the validating ones. Requests on the
// admissionregistration.k8s.io group (the configurations themselves) never go to webhooks, as in Kubernetes,
// so a broken webhook can always be removed.
import type { Store } from '../../../store/types';
import type { AdmissionAttributes } from '../attributes';
import type { WebhookContext } from './callWebhook';
import { WebhookConfigurations } from './configurations';
import { runMutatingWebhooks } from './mutatingWebhooks';
import { runValidatingWebhooks } from './validatingWebhooks';
import { WebhookClient } from './webhookCall';

export class AdmissionWebhooks {
  private readonly configurations: WebhookConfigurations;
  private readonly ctx: WebhookContext;

  /** podsSimulated: pods run no process (no container runtime), so none can serve a webhook */
  constructor(store: Store, podsSimulated: boolean) {
    this.configurations = new WebhookConfigurations(store);
    this.ctx = {
      store,
      namespaceLabels: (ns) => store.get(`/registry/core/namespaces/${ns}`)?.value.metadata.labels,
      client: new WebhookClient(),
      podsSimulated,
    };
  }

  /**
   * Runs the webhooks for a request (none for undefined: see writeAttributes); `revalidate` validates and
   * defaults the object again after a mutating webhook changed it, returning its warnings. The webhooks'
   * warnings are returned with those.
   */
  async admit(attrs: AdmissionAttributes | undefined, revalidate?: () => string[]): Promise<string[]> {
    // the server's own writes are not sent
    if (!attrs?.user || attrs.info.group === 'admissionregistration.k8s.io') return [];
    const { mutating, validating } = this.configurations.current();
    if (!mutating.length && !validating.length) return [];
    const warnings: string[] = [];
    if (mutating.length) {
      const outcome = await runMutatingWebhooks(mutating, attrs, this.ctx);
      warnings.push(...outcome.warnings);
      if (outcome.changed && revalidate) warnings.push(...revalidate());
    }
    if (validating.length) warnings.push(...(await runValidatingWebhooks(validating, attrs, this.ctx)));
    return warnings;
  }

  close(): void {
    this.configurations.close();
    this.ctx.client.close();
  }
}
