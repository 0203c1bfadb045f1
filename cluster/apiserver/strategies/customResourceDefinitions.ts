// CustomResourceDefinitions: a stored CRD registers its resources (discovery, routing, OpenAPI, validation)
// and is marked NamesAccepted and Established; a deleted one takes its resources and their objects along.
import type { KubeObject } from '../../../kube/objects';
import { copyJson } from '../../../kube/copyJson';
import { timestamp } from '../../clock';
import type { Store } from '../../store/types';
import { storageKey } from '../objectStorage';
import { CustomResources, establishedStatus, type Crd } from '../customResources';
import type { Strategy } from './strategy';

export interface CrdStrategyDeps {
  store: Store;
  customResources: CustomResources;
  /** writes a CRD's status through the status subresource */
  writeStatus(crd: Crd): Promise<unknown>;
  /** the served resources changed (OpenAPI documents are stale) */
  changed(): void;
}

export function customResourceDefinitionStrategy(deps: CrdStrategyDeps): Strategy {
  return {
    async afterWrite(written: KubeObject, old: KubeObject | undefined) {
      if (written.metadata.deletionTimestamp) return;
      const crd = written as Crd;
      deps.customResources.register(crd);
      deps.changed();
      const established = crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True');
      if (!established || JSON.stringify((old as Crd | undefined)?.spec?.names) !== JSON.stringify(crd.spec?.names)) {
        const next = copyJson(crd);
        next.status = establishedStatus(crd, timestamp());
        await deps.writeStatus(next);
      }
    },

    async afterDelete(obj: KubeObject) {
      const name = obj.metadata.name ?? '';
      const versions = deps.customResources.versionsOf(name);
      deps.customResources.unregister(name);
      deps.changed();
      // instances go with their definition
      const first = versions[0];
      if (!first) return;
      for (const e of deps.store.list(storageKey(first.info, undefined)).items) {
        try {
          await deps.store.delete(e.key);
        } catch {
          // already gone
        }
      }
    },
  };
}
