// One webhook call, as kube-apiserver's dispatchers make it for both kinds: the dry-run check, the AdmissionReview
// version, the address, the POST within the timeout, the answer's checks, then the outcome: a denial fails the
// request with the webhook's status; a failed call fails it (500) under failurePolicy Fail and is passed over
// under Ignore.
import type { WebhookClientConfig } from 'kubernetes-types/admissionregistration/v1';
import type { Status } from 'kubernetes-types/meta/v1';
import type { KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import type { Store } from '../../../store/types';
import { ApiError, badRequest, internalError, type StatusDetails } from '../../apiErrors';
import { admissionReview, readResponse, reviewVersion, type AdmissionResponse } from './admissionReview';
import type { AdmissionAttributes } from '../attributes';
import type { NamespaceLabels } from './matching';
import type { WebhookClient } from './webhookCall';
import { resolveWebhookTarget } from './webhookTarget';

/** What calling webhooks needs of the server: the store (Services, endpoints), namespaces' labels, connections. */
export interface WebhookContext {
  store: Store;
  namespaceLabels: NamespaceLabels;
  client: WebhookClient;
  /** pods run no process (the simulated runtime): a webhook Service's pod endpoints cannot answer */
  podsSimulated: boolean;
}

/** What a call reads of a Mutating- or ValidatingWebhook. */
export interface CalledWebhook {
  name: string;
  clientConfig: WebhookClientConfig;
  admissionReviewVersions: string[];
  sideEffects: string;
  failurePolicy?: string;
  timeoutSeconds?: number;
}

const DEFAULT_TIMEOUT_SECONDS = 10;
const MAX_TIMEOUT_SECONDS = 30;

/**
 * Calls the webhook with the objects in the version it is called at (`resource`). Returns its answer when it
 * allowed the request, undefined when the call failed and the failure policy is Ignore.
 */
export async function callWebhook(
  hook: CalledWebhook,
  attrs: AdmissionAttributes,
  resource: ResourceInfo,
  objects: { object?: KubeObject; oldObject?: KubeObject },
  ctx: WebhookContext,
  mutating: boolean,
): Promise<AdmissionResponse | undefined> {
  if (attrs.dryRun && hook.sideEffects !== 'None' && hook.sideEffects !== 'NoneOnDryRun')
    throw badRequest(`admission webhook "${hook.name}" does not support dry run`);
  let response: AdmissionResponse;
  try {
    const version = reviewVersion(hook.admissionReviewVersions);
    if (!version)
      throw new Error(
        `webhook does not accept known AdmissionReview versions: it lists ` +
          `${JSON.stringify(hook.admissionReviewVersions ?? [])}, this server speaks v1 and v1beta1`,
      );
    const target = resolveWebhookTarget(hook.clientConfig, ctx.store, ctx.podsSimulated);
    const { uid, review } = admissionReview(version, attrs, resource, objects.object, objects.oldObject);
    const timeout = Math.min(Math.max(hook.timeoutSeconds ?? DEFAULT_TIMEOUT_SECONDS, 1), MAX_TIMEOUT_SECONDS);
    const body = await ctx.client.post(target, review, timeout).catch((e: Error) => {
      throw new Error(`failed to call webhook: ${e.message}`);
    });
    try {
      response = readResponse(version, uid, body, mutating);
    } catch (e) {
      throw new Error(`received invalid webhook response: ${(e as Error).message}`);
    }
  } catch (e) {
    if (hook.failurePolicy === 'Ignore') return undefined;
    throw internalError(`failed calling webhook "${hook.name}": ${(e as Error).message}`);
  }
  if (!response.allowed) throw denied(hook.name, response.status);
  return response;
}

/** The error of a denial: the webhook's status with its message prefixed, never below 400 (kube's ToStatusErr). */
function denied(name: string, status: Status | undefined): ApiError {
  const by = `admission webhook "${name}" denied the request`;
  const code = typeof status?.code === 'number' && status.code >= 400 ? status.code : 400;
  const message = status?.message
    ? `${by}: ${status.message}`
    : status?.reason
      ? `${by}: ${status.reason}`
      : `${by} without explanation`;
  return new ApiError(code, status?.reason ?? '', message, status?.details as StatusDetails | undefined);
}
