// The PATCH content types of the Kubernetes API, as pure functions over plain JSON objects.
export { applyMergePatch, PatchError } from './mergePatch';
export type { JsonObject, JsonValue } from './mergePatch';
export { applyJsonPatch } from './jsonPatch';
export type { JsonPatchOperation } from './jsonPatch';
export { applyStrategicMergePatch } from './strategicMerge';
export { updateManagedFields } from './managedFields';
export { FieldSet } from './fieldSet';
export { formatManagedPath } from './fieldPaths';
export type { ManagedFieldsEntry, UpdateManagedFieldsOptions } from './managedFields';
export type { FieldsV1 } from './fieldSet';
export { serverSideApply, formatApplyConflicts, applyConflictStatus } from './serverSideApply';
export type {
  ApplyConflict,
  ApplyConflictCause,
  ServerSideApplyOptions,
  ServerSideApplyResult,
} from './serverSideApply';
