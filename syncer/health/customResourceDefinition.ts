// CustomResourceDefinition: served once Established; rejected names never become so.
import { conditionOf } from './conditions';
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { Health } from './types';

/** Degraded when its names are rejected, Healthy once Established, else Progressing. */
export function customResourceDefinitionHealth(live: CustomResourceDefinition): Health {
  const names = conditionOf(live, 'NamesAccepted');
  if (names?.status === 'False')
    return { status: 'Degraded', message: names.message || names.reason || 'names not accepted' };
  if (live.metadata?.deletionTimestamp)
    return { status: 'Progressing', message: 'CustomResourceDefinition is terminating' };
  const established = conditionOf(live, 'Established');
  if (established?.status === 'True') return { status: 'Healthy' };
  return {
    status: 'Progressing',
    message: established?.message || 'Waiting for the CustomResourceDefinition to be established',
  };
}
