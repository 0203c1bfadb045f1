// What a manifest says about itself as a resource hook (Argo CD's argocd.argoproj.io/hook and
// hook-delete-policy, or Slipway's slipway.dev twins, which win when both are set): the phases it runs in and
// when its object is deleted. A hook is no resource of the app: it is created in its phase of each sync,
// never compared, never pruned. `Skip` alone means the manifest is not applied at all.
import { HOOK_ANNOTATIONS, HOOK_DELETE_POLICY_ANNOTATIONS, HookType } from '../../kube/application';

export const HOOK_TYPES: readonly HookType[] = ['PreSync', 'Sync', 'PostSync', 'SyncFail'];
export const DELETE_POLICIES = ['HookSucceeded', 'HookFailed', 'BeforeHookCreation'] as const;
export type DeletePolicy = (typeof DELETE_POLICIES)[number];

/** What these rules read of an object (a manifest may hold anything in its annotations). */
type Annotated = { metadata?: { annotations?: Record<string, unknown> } } | undefined;

/** The first of `names` the object sets, split at commas and trimmed; undefined when none is set. */
function listAnnotation(obj: Annotated, names: readonly string[]): { name: string; values: string[] } | undefined {
  const a = obj?.metadata?.annotations ?? {};
  const name = names.find((n) => a[n] !== undefined);
  if (!name) return undefined;
  const values = String(a[name])
    .split(',')
    .map((v) => v.trim())
    .filter(Boolean);
  return { name, values };
}

/** The hook types the object names (Skip included), as written. */
function hookValues(obj: Annotated): string[] {
  return listAnnotation(obj, HOOK_ANNOTATIONS)?.values ?? [];
}

/** The phases the object runs in as a hook; empty for a resource (and for one marked Skip alone). */
export function hookTypesOf(obj: Annotated): HookType[] {
  return hookValues(obj).filter((v): v is HookType => (HOOK_TYPES as string[]).includes(v));
}

/** Whether the object is a hook (created in its phases, not applied as a resource). */
export function isHook(obj: Annotated): boolean {
  return hookTypesOf(obj).length > 0;
}

/** Whether the manifest asks not to be applied at all: `Skip` as its only hook type. */
export function isSkipped(obj: Annotated): boolean {
  const v = hookValues(obj);
  return v.length > 0 && v.every((t) => t === 'Skip');
}

/** The hook's delete policies; BeforeHookCreation when none is given, as in Argo CD. */
export function deletePoliciesOf(obj: Annotated): DeletePolicy[] {
  const v = listAnnotation(obj, HOOK_DELETE_POLICY_ANNOTATIONS)?.values ?? [];
  const known = v.filter((p): p is DeletePolicy => (DELETE_POLICIES as readonly string[]).includes(p));
  return known.length ? known : ['BeforeHookCreation'];
}

/** Problems with the hook annotations as written: each names the annotation and what it may say. */
export function hookAnnotationProblems(obj: Annotated): { annotation: string; message: string }[] {
  const out: { annotation: string; message: string }[] = [];
  const hook = listAnnotation(obj, HOOK_ANNOTATIONS);
  for (const v of hook?.values ?? []) {
    if (v === 'Skip' || (HOOK_TYPES as string[]).includes(v)) continue;
    out.push({
      annotation: hook!.name,
      message: `Unsupported value: "${v}": the hook types are ${[...HOOK_TYPES, 'Skip'].join(', ')}`,
    });
  }
  const policy = listAnnotation(obj, HOOK_DELETE_POLICY_ANNOTATIONS);
  for (const v of policy?.values ?? []) {
    if ((DELETE_POLICIES as readonly string[]).includes(v)) continue;
    out.push({
      annotation: policy!.name,
      message: `Unsupported value: "${v}": the delete policies are ${DELETE_POLICIES.join(', ')}`,
    });
  }
  return out;
}
