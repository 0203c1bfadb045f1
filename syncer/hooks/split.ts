// A revision's manifests split into the resources of the app and its hooks; those marked Skip are neither.
import type { DesiredResource } from '../desiredState';
import { isHook, isSkipped } from './annotations';

export function splitHooks(all: DesiredResource[]): { resources: DesiredResource[]; hooks: DesiredResource[] } {
  const resources: DesiredResource[] = [];
  const hooks: DesiredResource[] = [];
  for (const r of all) {
    if (isHook(r.object)) hooks.push(r);
    else if (!isSkipped(r.object)) resources.push(r);
  }
  return { resources, hooks };
}
