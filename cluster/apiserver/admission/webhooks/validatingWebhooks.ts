// The validating webhooks of a request, called all at once after mutation and validation; the first denial or
// failed call (in configuration order) fails the request.
import type { ValidatingWebhook } from 'kubernetes-types/admissionregistration/v1';
import type { AdmissionAttributes } from '../attributes';
import { callWebhook, type WebhookContext } from './callWebhook';
import type { RegisteredWebhook } from './configurations';
import { matchesConditions } from './matchConditions';
import { matchWebhook } from './matching';
import { viewAt } from '../objectViews';

/** The warnings of the webhooks that allowed the request; throws the first refusal. */
export async function runValidatingWebhooks(
  hooks: RegisteredWebhook<ValidatingWebhook>[],
  attrs: AdmissionAttributes,
  ctx: WebhookContext,
): Promise<string[]> {
  const calls = hooks.map(async ({ webhook }) => {
    const resource = matchWebhook(webhook, attrs, ctx.namespaceLabels);
    if (!resource) return [];
    const objects = {
      object: viewAt(attrs, resource, 'object'),
      oldObject: viewAt(attrs, resource, 'oldObject'),
    };
    if (!matchesConditions(webhook, attrs, resource, objects)) return [];
    const response = await callWebhook(webhook, attrs, resource, objects, ctx, false);
    return response?.warnings ?? [];
  });
  const results = await Promise.allSettled(calls);
  const refused = results.find((r) => r.status === 'rejected');
  if (refused) throw refused.reason;
  return results.flatMap((r) => (r.status === 'fulfilled' ? r.value : []));
}
