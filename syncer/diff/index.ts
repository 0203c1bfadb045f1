// Desired (git) against live (the API): whether they differ in what the user wrote, and the
// difference as a unified diff like kubectl diff prints.
import { createTwoFilesPatch, FILE_HEADERS_ONLY } from 'diff';
import { stringify } from 'yaml';
import { FieldSchema } from '../../kube/fieldSchema';
import { serverSideApply } from '../../kube/patch/serverSideApply';
import { JsonObject } from '../../kube/patch/mergePatch';
import { fieldSchemaFor } from '../../kube/schemas';
import { droppedOwnedField } from './ownedFields';
import { normalizeDesired, normalizeLive, SKIPPED_TOP_LEVEL } from './normalize';
import { maskSecret, maskSecretPair } from '../../kube/secretMask';
import { align, covers } from './subset';
import { IgnoredDifferences, NOTHING_IGNORED } from './ignoreDifferences';

export { maskSecret } from '../../kube/secretMask';
export {
  ignoredDifferences,
  ignoredDifferencesOrError,
  NOTHING_IGNORED,
  type IgnoredDifferences,
} from './ignoreDifferences';

export interface ResourceDiff {
  changed: boolean;
  /** unified diff text like `kubectl diff`, Secret data masked */
  text: string;
}

export interface DiffOptions {
  /** the field manager whose applied fields count as the user's (default 'slipway') */
  manager?: string;
  /** the Application's ignoreDifferences: fields left out of both sides */
  ignore?: IgnoredDifferences;
}

const DEFAULT_MANAGER = 'slipway';

function schemaOf(obj: any): FieldSchema | undefined {
  return typeof obj?.apiVersion === 'string' && typeof obj?.kind === 'string'
    ? fieldSchemaFor(obj.apiVersion, obj.kind)
    : undefined;
}

/** Top-level subset check, skipping identity and status. */
function coversObject(desired: any, live: any, schema: FieldSchema | undefined): boolean {
  for (const k in desired) {
    if (SKIPPED_TOP_LEVEL.has(k)) continue;
    if (!covers(desired[k], live[k], schema?.field(k))) return false;
  }
  return true;
}

function checkObject(what: string, obj: any): void {
  if (typeof obj !== 'object' || obj === null || Array.isArray(obj))
    throw new TypeError(`${what} must be a Kubernetes object, got ${JSON.stringify(obj)}`);
}

/** cheap check used on every resync: true when live differs from desired in what the user wrote */
export function isOutOfSync(given: any, liveGiven: any | undefined, opts: DiffOptions = {}): boolean {
  checkObject('desired', given);
  if (liveGiven === undefined || liveGiven === null) return true;
  const { desired, live } = (opts.ignore ?? NOTHING_IGNORED).strip(given, liveGiven);
  const d = normalizeDesired(desired);
  const schema = schemaOf(d) ?? schemaOf(live);
  if (!coversObject(d, live, schema)) return true;
  return droppedOwnedField(d, live, opts.manager ?? DEFAULT_MANAGER, schema) !== undefined;
}

/** group/version/kind/namespace/name, as the diff headers name the resource */
function resourcePath(obj: any): string {
  const parts = [obj?.apiVersion ?? '', obj?.kind ?? '', obj?.metadata?.namespace, obj?.metadata?.name ?? ''];
  return parts.filter((p) => p !== undefined && p !== '').join('/');
}

function toYaml(obj: unknown): string {
  return obj === undefined ? '' : stringify(obj, { sortMapEntries: true, lineWidth: 0 });
}

/** The unified diff from before to after (YAML, keys sorted; undefined is an empty file), headed live/ and desired/. */
function renderDiff(name: string, before: unknown, after: unknown): string {
  return createTwoFilesPatch(`live/${name}`, `desired/${name}`, toYaml(before), toYaml(after), undefined, undefined, {
    headerOptions: FILE_HEADERS_ONLY,
  });
}

/** The diff a prune makes: the whole live object removed, Secret data masked. */
export function deletionDiff(live: any): ResourceDiff {
  checkObject('live', live);
  return { changed: true, text: renderDiff(resourcePath(live), maskSecret(normalizeLive(live, undefined)), undefined) };
}

/** desired: the manifest as written in git (plus tracking label/annotation); live: the object from the API (undefined when missing). */
export function diffResource(given: any, liveGiven: any | undefined, opts: DiffOptions = {}): ResourceDiff {
  checkObject('desired', given);
  const { desired, live } = (opts.ignore ?? NOTHING_IGNORED).strip(given, liveGiven);
  const manager = opts.manager ?? DEFAULT_MANAGER;
  const d = normalizeDesired(desired);
  const name = resourcePath({ ...live, ...d, metadata: { namespace: live?.metadata?.namespace, ...d.metadata } });
  const patch = (before: unknown, after: unknown): string => renderDiff(name, before, after);
  if (live === undefined || live === null)
    return { changed: true, text: patch(undefined, maskSecret(align(d, undefined, undefined))) };

  const schema = schemaOf(d) ?? schemaOf(live);
  if (coversObject(d, live, schema) && droppedOwnedField(d, live, manager, schema) === undefined)
    return { changed: false, text: '' };

  // what live would be after server-side applying desired: desired merged over live, the
  // manager's fields that desired dropped removed
  const applied: JsonObject = { apiVersion: d.apiVersion ?? live.apiVersion, kind: d.kind ?? live.kind };
  for (const k of Object.keys(d)) {
    if (SKIPPED_TOP_LEVEL.has(k)) continue;
    const v = align(d[k], live[k], schema?.field(k));
    if (v !== undefined) applied[k] = v as any;
  }
  let after: JsonObject;
  try {
    after = serverSideApply({
      live,
      applied,
      manager,
      force: true,
      schema,
      apiVersion: String(applied.apiVersion),
      now: new Date().toISOString(),
    }).object;
  } catch {
    // a manifest apply would reject (say, a keyed list item without its key) still gets a readable diff
    after = { ...live, ...applied, metadata: { ...live.metadata, ...(applied.metadata as JsonObject | undefined) } };
  }
  const [before, afterMasked] = maskSecretPair(normalizeLive(live, d), normalizeLive(after, d));
  return { changed: true, text: patch(before, afterMasked) };
}
