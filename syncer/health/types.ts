// What a health rule reports about one live object.

export type HealthStatus = 'Healthy' | 'Progressing' | 'Degraded' | 'Suspended' | 'Missing' | 'Unknown';

export interface Health {
  status: HealthStatus;
  message?: string;
}

/** what a rule may look at besides the object: its pods (for workloads), found by the caller through the API */
export interface HealthContext {
  pods?: any[];
}

/** One kind's judgement of a live object that exists. */
export type HealthRule = (live: any, ctx: HealthContext) => Health;
