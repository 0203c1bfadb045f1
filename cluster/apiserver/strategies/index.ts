// The strategies of the API server's kinds, looked up by group and resource; kinds without special
// behaviour get the default strategy.
import type { ResourceInfo } from '../../../kube/registry';
import type { Store } from '../../store/types';
import type { ServiceAllocator } from '../serviceAllocator';
import type { RbacAuthorizer } from '../access/rbac';
import { certificateSigningRequestStrategy } from './certificateSigningRequests';
import { rbacObjectStrategies } from './rbacObjects';
import { customResourceDefinitionStrategy, type CrdStrategyDeps } from './customResourceDefinitions';
import { namespaceStrategy } from './namespaces';
import { persistentVolumeClaimStrategy } from './persistentVolumeClaims';
import { persistentVolumeStrategy } from './persistentVolumes';
import { podStrategy } from './pods';
import { priorityClassStrategy } from './priorityClasses';
import { serviceStrategy } from './services';
import { storageClassStrategy } from './storageClasses';
import { defaultStrategy, type Strategy } from './strategy';
import { zeroStatusStrategies } from './zeroStatus';

export type { Strategy } from './strategy';

export interface StrategyDeps extends CrdStrategyDeps {
  store: Store;
  /** RBAC, for the escalation checks of roles and bindings */
  rbac: RbacAuthorizer;
  serviceAllocator: ServiceAllocator;
  /** folder of the hostpath provisioner's volumes */
  volumesDir: string;
}

export class Strategies {
  private readonly byResource = new Map<string, Strategy>();
  private readonly builtIn = defaultStrategy(false);
  private readonly custom = defaultStrategy(true);

  constructor(deps: StrategyDeps) {
    const entries: [string, string, Strategy][] = [
      ['', 'pods', podStrategy(deps.store)],
      ['scheduling.k8s.io', 'priorityclasses', priorityClassStrategy],
      ['', 'namespaces', namespaceStrategy],
      ['', 'services', serviceStrategy(deps.serviceAllocator)],
      ['', 'persistentvolumeclaims', persistentVolumeClaimStrategy(deps.store)],
      ['', 'persistentvolumes', persistentVolumeStrategy],
      ['storage.k8s.io', 'storageclasses', storageClassStrategy(deps.volumesDir)],
      ['apiextensions.k8s.io', 'customresourcedefinitions', customResourceDefinitionStrategy(deps)],
      ['certificates.k8s.io', 'certificatesigningrequests', certificateSigningRequestStrategy],
      ...rbacObjectStrategies(deps.rbac),
      ...zeroStatusStrategies(),
    ];
    for (const [group, resource, strategy] of entries) this.byResource.set(`${group}/${resource}`, strategy);
  }

  /** The strategy of a resource (custom resources always get the default one). */
  for(info: ResourceInfo): Strategy {
    if (info.custom) return this.custom;
    return this.byResource.get(`${info.group}/${info.plural}`) ?? this.builtIn;
  }
}
