// The mutating webhooks of a request, called one after another in configuration-name order, each seeing what the
// ones before it changed; their JSON patches change the request's object. With reinvocationPolicy IfNeeded a
// webhook is called once more when a webhook after it changed the object (one more round at most).
import type { MutatingWebhook } from 'kubernetes-types/admissionregistration/v1';
import { applyJsonPatch, PatchError } from '../../../../kube/patch';
import { deepEqual, isRecord, type KubeObject } from '../../../../kube/objects';
import { internalError } from '../../apiErrors';
import type { AdmissionAttributes } from '../attributes';
import { callWebhook, type WebhookContext } from './callWebhook';
import type { RegisteredWebhook } from './configurations';
import { matchesConditions } from './matchConditions';
import { matchWebhook } from './matching';
import { replaceContents, storedFrom, viewAt } from '../objectViews';

export interface MutationOutcome {
  /** whether any webhook changed the object (it is then validated and defaulted again) */
  changed: boolean;
  warnings: string[];
}

export async function runMutatingWebhooks(
  hooks: RegisteredWebhook<MutatingWebhook>[],
  attrs: AdmissionAttributes,
  ctx: WebhookContext,
): Promise<MutationOutcome> {
  const outcome: MutationOutcome = { changed: false, warnings: [] };
  /** IfNeeded webhooks called so far, and those to call again because a later one changed the object */
  const reinvocable = new Set<MutatingWebhook>();
  const toReinvoke = new Set<MutatingWebhook>();
  const round = async (reinvoking: boolean) => {
    for (const { webhook } of hooks) {
      if (reinvoking && !toReinvoke.has(webhook)) continue;
      const result = await mutateOnce(webhook, attrs, ctx, outcome);
      if (result === 'changed') {
        outcome.changed = true;
        for (const h of reinvocable) toReinvoke.add(h);
      }
      if (result !== 'not called' && webhook.reinvocationPolicy === 'IfNeeded') reinvocable.add(webhook);
      if (reinvoking) toReinvoke.delete(webhook);
    }
  };
  await round(false);
  if (toReinvoke.size) await round(true);
  return outcome;
}

/** Calls one webhook if it matches; whether it was called and changed the object. */
async function mutateOnce(
  hook: MutatingWebhook,
  attrs: AdmissionAttributes,
  ctx: WebhookContext,
  outcome: MutationOutcome,
): Promise<'not called' | 'unchanged' | 'changed'> {
  const resource = matchWebhook(hook, attrs, ctx.namespaceLabels);
  if (!resource) return 'not called';
  const object = viewAt(attrs, resource, 'object');
  const oldObject = viewAt(attrs, resource, 'oldObject');
  if (!matchesConditions(hook, attrs, resource, { object, oldObject })) return 'not called';
  const response = await callWebhook(hook, attrs, resource, { object, oldObject }, ctx, true);
  if (!response) return 'unchanged';
  outcome.warnings.push(...(response.warnings ?? []));
  if (!response.patch) return 'unchanged';
  if (!object || !attrs.object)
    throw internalError(
      `admission webhook "${hook.name}" attempted to modify the object, which is not supported for this operation`,
    );
  let patched: unknown;
  try {
    patched = applyJsonPatch(object, JSON.parse(Buffer.from(response.patch, 'base64').toString()));
  } catch (e) {
    const why = e instanceof PatchError || e instanceof SyntaxError ? e.message : String(e);
    throw internalError(`admission webhook "${hook.name}" returned a patch that cannot be applied: ${why}`);
  }
  if (!isRecord(patched) || !isRecord(patched.metadata))
    throw internalError(`admission webhook "${hook.name}" returned a patch that leaves no object with metadata`);
  keepServerOwned(patched as KubeObject, object);
  if (deepEqual(patched, object)) return 'unchanged';
  replaceContents(attrs.object, storedFrom(attrs, resource, patched as KubeObject));
  return 'changed';
}

/** What the API server owns (or the request's URL names) of an object in the middle of its write. */
const SERVER_OWNED = [
  'name',
  'namespace',
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
];

/** A patch cannot move the object or change what the server owns: those fields stay as they were. */
function keepServerOwned(patched: KubeObject, before: KubeObject): void {
  for (const f of SERVER_OWNED) {
    if (before.metadata[f] === undefined) delete patched.metadata[f];
    else patched.metadata[f] = before.metadata[f];
  }
}
