// events.k8s.io/v1 Events served from the stored core v1 Events, as kube-apiserver's pkg/apis/events/v1
// conversion: the same fields under other names (regarding is involvedObject, note is message, the core-only
// fields are deprecated*), so either group reads and writes the same objects.
import type { Event as CoreEvent } from 'kubernetes-types/core/v1';
import type { Event as EventsV1Event } from 'kubernetes-types/events/v1';
import type { KubeObject } from '../../../kube/objects';
import type { Conversion } from './conversion';

/** [events.k8s.io/v1 field, core v1 field] */
const RENAMED: readonly (readonly [string, string])[] = [
  ['regarding', 'involvedObject'],
  ['note', 'message'],
  ['reportingController', 'reportingComponent'],
  ['deprecatedSource', 'source'],
  ['deprecatedFirstTimestamp', 'firstTimestamp'],
  ['deprecatedLastTimestamp', 'lastTimestamp'],
  ['deprecatedCount', 'count'],
];
/** fields of the same name and meaning in both */
const SHARED = ['reason', 'action', 'type', 'eventTime', 'series', 'related', 'reportingInstance'];

function move(
  from: Record<string, unknown>,
  to: Record<string, unknown>,
  pairs: readonly (readonly [string, string])[],
) {
  for (const [a, b] of pairs) if (from[a] !== undefined) to[b] = from[a];
}

export function eventToEventsV1(stored: KubeObject): KubeObject & EventsV1Event {
  const core = stored as Record<string, unknown>;
  // eventTime is a required field of events.k8s.io/v1: kube-apiserver writes null for events that have none
  const out: Record<string, unknown> = { kind: 'Event', apiVersion: 'events.k8s.io/v1', metadata: stored.metadata };
  move(core, out, [...SHARED.map((f) => [f, f] as const), ...RENAMED.map(([a, b]) => [b, a] as const)]);
  if (out.eventTime === undefined) out.eventTime = null;
  return out as KubeObject & EventsV1Event;
}

export function eventFromEventsV1(served: KubeObject): KubeObject & CoreEvent {
  const v1 = served as Record<string, unknown>;
  const out: Record<string, unknown> = { kind: 'Event', apiVersion: 'v1', metadata: served.metadata };
  move(v1, out, [...SHARED.map((f) => [f, f] as const), ...RENAMED]);
  if (out.eventTime === null) delete out.eventTime;
  return out as KubeObject & CoreEvent;
}

export const eventsV1: Conversion = { fromStorage: eventToEventsV1, toStorage: eventFromEventsV1 };
