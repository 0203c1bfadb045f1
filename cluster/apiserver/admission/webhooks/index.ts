// Dynamic admission (kube-apiserver's MutatingAdmissionWebhook and ValidatingAdmissionWebhook plugins): the
// webhooks of the stored configurations are called for the requests they match, mutating ones first (then the
// object is validated and defaulted again if they changed it), the validating ones once the server has filled
// the object's system fields (ObjectStorage calls the two phases). Requests on the
// admissionregistration.k8s.io group (the configurations themselves) never go to webhooks, as in Kubernetes,
// so a broken webhook can always be removed.
import type { Store } from '../../../store/types';
import type { AdmissionAttributes } from '../attributes';
import type { WebhookContext } from './callWebhook';
import { WebhookConfigurations, type WebhookSet } from './configurations';
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
   * Runs the mutating webhooks for a request (none for undefined: see writeAttributes); `revalidate` validates
   * and defaults the object again after one changed it, returning its warnings. The webhooks' warnings are
   * returned with those.
   */
  async mutate(attrs: AdmissionAttributes | undefined, revalidate?: () => string[]): Promise<string[]> {
    const mutating = this.called(attrs)?.mutating;
    if (!attrs || !mutating?.length) return [];
    const outcome = await runMutatingWebhooks(mutating, attrs, this.ctx);
    return outcome.changed && revalidate ? [...outcome.warnings, ...revalidate()] : outcome.warnings;
  }

  /**
   * Runs the validating webhooks for a request, once the object is complete (on create, with the uid and
   * creationTimestamp it is stored with): their warnings; throws the first refusal.
   */
  async validate(attrs: AdmissionAttributes | undefined): Promise<string[]> {
    const validating = this.called(attrs)?.validating;
    if (!attrs || !validating?.length) return [];
    return runValidatingWebhooks(validating, attrs, this.ctx);
  }

  /** The configurations a request may be sent to: none for the server's own writes and for admissionregistration. */
  private called(attrs: AdmissionAttributes | undefined): WebhookSet | undefined {
    if (!attrs?.user || attrs.info.group === 'admissionregistration.k8s.io') return undefined;
    return this.configurations.current();
  }

  close(): void {
    this.configurations.close();
    this.ctx.client.close();
  }
}
