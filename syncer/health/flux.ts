// Flux's Kustomization and HelmRelease: suspended, or the kstatus conditions Flux's controllers report.
import { kstatusHealth } from './kstatus';
import { Health } from './types';

interface FluxObject {
  metadata?: { generation?: number };
  spec?: { suspend?: boolean };
  status?: { observedGeneration?: number; conditions?: unknown };
}

/** Suspended when spec.suspend; else as kstatus, Progressing until Flux has reported on this generation. */
function fluxHealth(what: string, live: FluxObject): Health {
  if (live.spec?.suspend === true) return { status: 'Suspended', message: `${what} is suspended` };
  if (typeof live.status?.observedGeneration !== 'number')
    return { status: 'Progressing', message: `Waiting for Flux to reconcile the ${what}` };
  return kstatusHealth(live);
}

/** kustomize.toolkit.fluxcd.io Kustomization. */
export const fluxKustomizationHealth = (live: FluxObject): Health => fluxHealth('Kustomization', live);

/** helm.toolkit.fluxcd.io HelmRelease. */
export const helmReleaseHealth = (live: FluxObject): Health => fluxHealth('HelmRelease', live);
