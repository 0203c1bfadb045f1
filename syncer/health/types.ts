// What a health rule reports about one live object, in the status words the Application records.
import type { Pod } from 'kubernetes-types/core/v1';
import { HealthStatusCode } from '../../kube/application';

export interface Health {
  status: HealthStatusCode;
  message?: string;
}

/** what a rule may look at besides the object: its pods (for workloads), found by the caller through the API */
export interface HealthContext {
  pods?: Pod[];
}

/** One kind's judgement of a live object that exists. */
export type HealthRule = (live: any, ctx: HealthContext) => Health;
