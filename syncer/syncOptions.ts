// Argo CD's sync options, per resource (the `argocd.argoproj.io/sync-options` annotation, or Slipway's
// `slipway.dev/sync-options`, which wins when both are set; comma-separated `Name=value`) and per app
// (spec.syncPolicy.syncOptions). A resource's option wins over the app's. Some options only name what Slipway
// always does (ServerSideApply=true, ApplyOutOfSyncOnly=true, CreateNamespace=true, FailOnSharedResource=true):
// they are accepted and change nothing; see README ("Sync options").
import { COMPARE_OPTIONS_ANNOTATIONS, SYNC_OPTIONS_ANNOTATIONS } from '../kube/application';
import type { PropagationPolicy } from '../kubeclient/objectClient';

const BOOL = ['true', 'false'];
/** Each option Slipway knows and the values it takes. */
export const SYNC_OPTION_VALUES: Record<string, string[]> = {
  Prune: BOOL,
  Delete: BOOL,
  Replace: BOOL,
  ServerSideApply: BOOL,
  Validate: BOOL,
  CreateNamespace: BOOL,
  PruneLast: BOOL,
  PrunePropagationPolicy: ['foreground', 'background', 'orphan'],
  ApplyOutOfSyncOnly: BOOL,
  FailOnSharedResource: BOOL,
  RespectIgnoreDifferences: BOOL,
  SkipDryRunOnMissingResource: BOOL,
};

/** What these rules read of an object (a manifest may hold anything in its annotations). */
type Annotated = { metadata?: { annotations?: Record<string, unknown> } } | undefined;

/** `Name=value` items, trimmed; an item without `=` has an empty value. */
function split(items: readonly string[]): { name: string; value: string; text: string }[] {
  return items
    .flatMap((i) => i.split(','))
    .map((t) => t.trim())
    .filter(Boolean)
    .map((text) => {
      const at = text.indexOf('=');
      return at < 0
        ? { name: text, value: '', text }
        : { name: text.slice(0, at).trim(), value: text.slice(at + 1).trim(), text };
    });
}

/** The object's sync-options annotation (the first of the two it sets) and its text. */
function annotationOf(obj: Annotated): { name: string; text: string } | undefined {
  const a = obj?.metadata?.annotations ?? {};
  const name = SYNC_OPTIONS_ANNOTATIONS.find((n) => a[n] !== undefined);
  return name ? { name, text: String(a[name]) } : undefined;
}

/** The options in force for an object: the app's, then the object's own over them. */
export function syncOptionsOf(obj: Annotated, appOptions: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  for (const o of split(appOptions)) out.set(o.name, o.value);
  const own = annotationOf(obj);
  if (own) for (const o of split([own.text])) out.set(o.name, o.value);
  return out;
}

/** Whether `name=value` is in force for the object (values compared without case, as Argo CD does). */
export function hasSyncOption(obj: Annotated, name: string, value: string, app: readonly string[] = []): boolean {
  return syncOptionsOf(obj, app).get(name)?.toLowerCase() === value.toLowerCase();
}

/** How a pruned object's dependents go: Slipway's default is background (Argo CD's is foreground). */
export function prunePropagationOf(obj: Annotated, app: readonly string[] = []): PropagationPolicy {
  const v = syncOptionsOf(obj, app).get('PrunePropagationPolicy')?.toLowerCase();
  return v === 'foreground' ? 'Foreground' : v === 'orphan' ? 'Orphan' : 'Background';
}

/** Whether the live object asks to be left out of the app's sync status when git does not have it. */
export function ignoreExtraneous(obj: Annotated): boolean {
  const a = obj?.metadata?.annotations ?? {};
  const name = COMPARE_OPTIONS_ANNOTATIONS.find((n) => a[n] !== undefined);
  return !!name && split([String(a[name])]).some((o) => o.name === 'IgnoreExtraneous');
}

/** Problems with sync options as written: each says which option or value is unknown and what is accepted. */
export function syncOptionProblems(items: readonly string[]): string[] {
  const out: string[] = [];
  for (const o of split(items)) {
    const values = SYNC_OPTION_VALUES[o.name];
    if (!values) {
      out.push(`unknown sync option "${o.text}": the options are ${Object.keys(SYNC_OPTION_VALUES).join(', ')}`);
    } else if (!values.includes(o.value.toLowerCase())) {
      out.push(`Unsupported value: "${o.text}": ${o.name} takes ${values.join(' or ')}`);
    }
  }
  return out;
}

/** Problems with the object's sync-options annotation, naming it. */
export function syncOptionAnnotationProblems(obj: Annotated): { annotation: string; message: string }[] {
  const own = annotationOf(obj);
  return own ? syncOptionProblems([own.text]).map((message) => ({ annotation: own.name, message })) : [];
}

/**
 * RespectIgnoreDifferences=true: a sync writes the Application's ignored fields as live has them
 * (writeResource.ts), so it does not undo them, as Argo CD does.
 */
export function respectsIgnoreDifferences(obj: Annotated, app: readonly string[] = []): boolean {
  return hasSyncOption(obj, 'RespectIgnoreDifferences', 'true', app);
}
