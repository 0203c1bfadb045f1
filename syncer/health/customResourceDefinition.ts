// CustomResourceDefinition: served once Established; rejected names never become so.
import { conditionOf } from './conditions';
import { Health } from './types';

export function customResourceDefinitionHealth(live: any): Health {
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
