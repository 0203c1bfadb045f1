// The PersistentVolume controller: binds claims to volumes and provisions volumes for claims of classes
// whose provisioner is slipway.dev/hostpath, as Kubernetes' persistentvolume-controller does with an
// in-tree provisioner.
//
// - A pending claim binds to the smallest available volume that satisfies it (class, access modes, size,
//   volume mode, selector; a volume whose claimRef already names the claim first). Failing that, a claim
//   of a hostpath class gets a new volume pvc-<claim uid>: a folder in the state folder's volumes/
//   (hostpathVolumes.ts; a class's parameters.path may name no other folder), with the claim's size and
//   access modes, the class's reclaim policy and a claimRef to the claim. Classes with volumeBindingMode
//   WaitForFirstConsumer provision once a pod using the claim is on a node, and the volume is pinned to it.
// - Binding writes both sides: the volume's claimRef and phase Bound, then the claim's volumeName,
//   annotations and status (Bound, capacity, access modes).
// - A claim without a class gets the default class once one exists (retroactive default assignment).
// - A volume whose claim is gone is Released; with reclaimPolicy Delete a provisioned volume is removed
//   with its folder (only a folder the provisioner made for it; anything else fails with VolumeFailedDelete),
//   with Retain it stays Released.
// Which volume fits a claim, and the default class, are decided in persistentvolume/matching.ts.
import type {
  ObjectReference,
  PersistentVolumeClaimStatus,
  PersistentVolumeSpec,
  PersistentVolumeStatus,
  Pod as PodObject,
  Volume as PodVolume,
} from 'kubernetes-types/core/v1';
import type { Stored } from './kit/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import { Informer } from '../../kubeclient/informer';
import { ResourceInfo } from '../../kube/registry';
import { Controller, ControllerContext } from './controllerContext';
import { EventRecorder } from './events';
import { HostpathVolumes } from './hostpathVolumes';
import { LatestObjects } from './kit/latestObjects';
import { WorkQueue } from './workQueue';
import { Claim, StorageClass, Volume, bestVolume, className, defaultClass } from './persistentvolume/matching';

export const HOSTPATH_PROVISIONER = 'slipway.dev/hostpath';
const ANN_BIND_COMPLETED = 'pv.kubernetes.io/bind-completed';
const ANN_BOUND_BY_CONTROLLER = 'pv.kubernetes.io/bound-by-controller';
const ANN_PROVISIONED_BY = 'pv.kubernetes.io/provisioned-by';
const ANN_STORAGE_PROVISIONER = 'volume.kubernetes.io/storage-provisioner';
const ANN_BETA_STORAGE_PROVISIONER = 'volume.beta.kubernetes.io/storage-provisioner';
const ANN_SELECTED_NODE = 'volume.kubernetes.io/selected-node';
type Pod = Stored<PodObject>;

export class PersistentVolumeController implements Controller {
  readonly name = 'persistentvolume-controller';
  private queue?: WorkQueue;
  private ctx!: ControllerContext;
  private events!: EventRecorder;
  private claims!: LatestObjects<Claim>;
  private volumes!: LatestObjects<Volume>;
  private classes!: Informer;
  private pods!: Informer;
  private nodes!: Informer;
  private claimInfo!: ResourceInfo;
  private volumeInfo!: ResourceInfo;
  private ready!: Promise<void>;
  private folders!: HostpathVolumes;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.folders = new HostpathVolumes(ctx.volumesDir);
    this.events = ctx.recorder('persistentvolume-controller');
    this.claimInfo = ctx.resources().find((r) => r.group === '' && r.plural === 'persistentvolumeclaims')!;
    this.volumeInfo = ctx.resources().find((r) => r.group === '' && r.plural === 'persistentvolumes')!;
    const claimInformer = ctx.informers.get('', 'persistentvolumeclaims');
    const volumeInformer = ctx.informers.get('', 'persistentvolumes');
    this.classes = ctx.informers.get('storage.k8s.io', 'storageclasses');
    this.pods = ctx.informers.pods();
    this.nodes = ctx.informers.nodes();
    this.claims = new LatestObjects(claimInformer);
    this.volumes = new LatestObjects(volumeInformer);
    const queue = (this.queue = new WorkQueue((key) => this.sync(key), 4));
    const claimKey = (ns: string, name: string) => queue.add(`claim:${ns}/${name}`);
    const volumeKey = (name: string) => queue.add(`volume:${name}`);
    claimInformer.on({
      add: (c) => claimKey(c.metadata.namespace ?? '', c.metadata.name),
      update: (c) => claimKey(c.metadata.namespace ?? '', c.metadata.name),
      delete: (c) => {
        // the volume it held is released
        if (c.spec?.volumeName) volumeKey(c.spec.volumeName);
        for (const v of this.volumes.values()) {
          if (v.spec?.claimRef?.uid === c.metadata.uid) volumeKey(v.metadata.name);
        }
      },
    });
    volumeInformer.on({
      add: (v) => volumeKey(v.metadata.name),
      update: (v) => volumeKey(v.metadata.name),
      delete: (v) => {
        const ref = v.spec?.claimRef;
        if (ref?.name) claimKey(ref.namespace, ref.name);
      },
    });
    // a class that appears may be what pending claims wait for (their class, or a default for classless ones)
    const pendingClaims = () => {
      for (const c of this.claims.values())
        if (!c.spec?.volumeName) claimKey(c.metadata.namespace ?? '', c.metadata.name);
    };
    this.classes.on({ add: pendingClaims, update: pendingClaims });
    // a pod placed on a node is the first consumer WaitForFirstConsumer claims wait for
    const podPlaced = (pod: Pod, old?: Pod) => {
      if (!pod.spec?.nodeName || old?.spec?.nodeName) return;
      for (const v of pod.spec.volumes ?? []) {
        const claim = v?.persistentVolumeClaim?.claimName;
        if (claim) claimKey(pod.metadata.namespace!, claim);
      }
    };
    this.pods.on({ add: (p) => podPlaced(p), update: (p, old) => podPlaced(p, old) });
    this.ready = Promise.all([claimInformer, volumeInformer, this.classes].map((i) => i.waitForSync())).then(
      () => undefined,
    );
    await this.ready;
    for (const c of this.claims.values()) claimKey(c.metadata.namespace ?? '', c.metadata.name);
    for (const v of this.volumes.values()) volumeKey(v.metadata.name);
  }

  stop(): void {
    this.queue?.stop();
  }

  private record(obj: Claim | Volume, type: 'Normal' | 'Warning', reason: string, message: string): void {
    const kind = obj.metadata?.namespace ? 'PersistentVolumeClaim' : 'PersistentVolume';
    this.events.record({ apiVersion: 'v1', kind, ...obj }, type, reason, message);
  }

  private async sync(key: string): Promise<void> {
    await this.ready;
    if (key.startsWith('claim:')) {
      const [namespace, name] = key.slice('claim:'.length).split('/');
      const claim = this.claims.get(namespace, name);
      if (claim && !claim.metadata.deletionTimestamp) await this.syncClaim(claim);
    } else {
      // a volume being deleted is still synced: it is Released when its claim goes, which lets it go
      const volume = this.volumes.get('', key.slice('volume:'.length));
      if (volume) await this.syncVolume(volume);
    }
  }

  // ---- claims

  private async syncClaim(claim: Claim): Promise<void> {
    const volumeName = claim.spec?.volumeName;
    if (volumeName) {
      const volume = this.volumes.get('', volumeName);
      if (!volume) {
        if (claim.status?.phase === 'Bound') {
          await this.setClaimStatus(claim, { phase: 'Lost' });
          this.record(
            claim,
            'Warning',
            'ClaimLost',
            'Bound claim has lost its PersistentVolume. Data on the volume is lost!',
          );
        }
        return;
      }
      const ref = volume.spec?.claimRef;
      if (
        !ref ||
        (ref.namespace === claim.metadata.namespace &&
          ref.name === claim.metadata.name &&
          (!ref.uid || ref.uid === claim.metadata.uid))
      ) {
        await this.bind(volume, claim);
      } else if (claim.status?.phase !== 'Lost') {
        await this.setClaimStatus(claim, { phase: 'Lost' });
        this.record(
          claim,
          'Warning',
          'ClaimMisbound',
          'Two claims are bound to the same volume, this one is bound incorrectly',
        );
      }
      return;
    }
    if (claim.spec?.storageClassName === undefined || claim.spec?.storageClassName === null) {
      // a classless claim gets the default class as soon as there is one, then is synced again
      const def = defaultClass(this.classes.list());
      if (def) {
        await this.ctx.client.patch(
          resourcePath(this.claimInfo, claim.metadata.namespace, claim.metadata.name),
          { spec: { storageClassName: def } },
          'merge',
        );
        return;
      }
    }
    const match = bestVolume(claim, this.volumes.values());
    if (match) {
      // a volume provisioned for this claim whose binding was interrupted: finish it for the same node
      await this.bind(match, claim, this.waitingNode(claim));
      return;
    }
    const scName = className(claim);
    if (!scName) {
      this.record(
        claim,
        'Normal',
        'FailedBinding',
        'no persistent volumes available for this claim and no storage class is set',
      );
      return;
    }
    const sc = this.classes.get(undefined, scName);
    if (!sc) {
      this.record(claim, 'Warning', 'ProvisioningFailed', `storageclass.storage.k8s.io "${scName}" not found`);
      return;
    }
    if (sc.provisioner !== HOSTPATH_PROVISIONER) {
      this.events.record(
        claim,
        'Normal',
        'ExternalProvisioning',
        `Waiting for a volume to be created either by the external provisioner '${sc.provisioner}' or manually ` +
          'by the system administrator. If volume creation is delayed, please verify that the provisioner is ' +
          'running and correctly registered.',
      );
      return;
    }
    let node: string | undefined;
    if (sc.volumeBindingMode === 'WaitForFirstConsumer') {
      node = claim.metadata.annotations?.[ANN_SELECTED_NODE] ?? this.consumerNode(claim);
      if (!node) {
        this.record(claim, 'Normal', 'WaitForFirstConsumer', 'waiting for first consumer to be created before binding');
        return;
      }
    }
    await this.provision(claim, sc, node);
  }

  /** The node a claim of a WaitForFirstConsumer class was provisioned for, if it has one. */
  private waitingNode(claim: Claim): string | undefined {
    const sc = this.classes.get(undefined, className(claim));
    if (sc?.volumeBindingMode !== 'WaitForFirstConsumer') return undefined;
    return claim.metadata.annotations?.[ANN_SELECTED_NODE] ?? this.consumerNode(claim);
  }

  /** The node of a pod that uses the claim, for claims that wait for their first consumer. */
  private consumerNode(claim: Claim): string | undefined {
    for (const pod of this.pods.list()) {
      if (pod.metadata?.namespace !== claim.metadata.namespace || !pod.spec?.nodeName) continue;
      if ((pod.spec.volumes ?? []).some((v: PodVolume) => v?.persistentVolumeClaim?.claimName === claim.metadata.name))
        return pod.spec.nodeName;
    }
    return undefined;
  }

  private async provision(claim: Claim, sc: StorageClass, node: string | undefined): Promise<void> {
    const name = `pvc-${claim.metadata.uid}`;
    const existing = this.volumes.get('', name);
    if (existing) {
      // made before a restart that came between creating it and recording its UID in the folder
      this.folders.adopt(name, existing.metadata.uid!, existing.spec?.hostPath?.path);
      await this.bind(existing, claim);
      return;
    }
    const refused = this.folders.refuseClassPath(sc.parameters?.path);
    if (refused) {
      const why = `failed to provision volume with StorageClass "${sc.metadata.name}": ${refused}`;
      this.record(claim, 'Warning', 'ProvisioningFailed', why);
      return;
    }
    let folder: string;
    try {
      folder = this.folders.create(name);
    } catch (e) {
      this.record(
        claim,
        'Warning',
        'ProvisioningFailed',
        `failed to provision volume with StorageClass "${sc.metadata.name}": ${(e as Error).message}`,
      );
      throw e;
    }
    const spec: PersistentVolumeSpec = {
      capacity: { storage: claim.spec!.resources!.requests!.storage },
      accessModes: claim.spec!.accessModes,
      persistentVolumeReclaimPolicy: sc.reclaimPolicy ?? 'Delete',
      storageClassName: sc.metadata.name,
      volumeMode: claim.spec!.volumeMode ?? 'Filesystem',
      hostPath: { path: folder, type: 'DirectoryOrCreate' },
      claimRef: this.claimRef(claim),
    };
    if (sc.mountOptions?.length) spec.mountOptions = sc.mountOptions;
    if (node) {
      const hostname = this.nodes.get(undefined, node)?.metadata?.labels?.['kubernetes.io/hostname'] ?? node;
      spec.nodeAffinity = {
        required: {
          nodeSelectorTerms: [
            { matchExpressions: [{ key: 'kubernetes.io/hostname', operator: 'In', values: [hostname] }] },
          ],
        },
      };
    }
    let volume: Volume;
    try {
      volume = await this.ctx.client.create(resourcePath(this.volumeInfo), {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name, annotations: { [ANN_PROVISIONED_BY]: HOSTPATH_PROVISIONER } },
        spec,
      });
    } catch (e) {
      if (!(e instanceof KubeApiError && e.status === 409)) throw e;
      volume = await this.ctx.client.get(resourcePath(this.volumeInfo, undefined, name));
    }
    this.folders.adopt(name, volume.metadata.uid!, volume.spec?.hostPath?.path);
    this.volumes.observed(volume);
    this.record(
      claim,
      'Normal',
      'ProvisioningSucceeded',
      `Successfully provisioned volume ${name} using ${HOSTPATH_PROVISIONER}`,
    );
    await this.bind(volume, claim, node);
  }

  private claimRef(claim: Claim): ObjectReference {
    return {
      kind: 'PersistentVolumeClaim',
      namespace: claim.metadata.namespace,
      name: claim.metadata.name,
      uid: claim.metadata.uid,
      apiVersion: 'v1',
      resourceVersion: claim.metadata.resourceVersion,
    };
  }

  /** Writes both sides of a binding, each step only if it is not done yet, so a retry picks up where it stopped. */
  private async bind(volume: Volume, claim: Claim, selectedNode?: string): Promise<void> {
    const ref = volume.spec?.claimRef;
    if (!ref || ref.uid !== claim.metadata.uid) {
      const annotations = { ...(volume.metadata.annotations ?? {}) };
      if (!ref) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
      volume = await this.ctx.client.update(resourcePath(this.volumeInfo, undefined, volume.metadata.name), {
        ...volume,
        metadata: { ...volume.metadata, annotations },
        spec: { ...volume.spec, claimRef: this.claimRef(claim) },
      });
      this.volumes.observed(volume);
    }
    if (volume.status?.phase !== 'Bound') {
      volume = await this.ctx.client.update(resourcePath(this.volumeInfo, undefined, volume.metadata.name, 'status'), {
        ...volume,
        status: { ...volume.status, phase: 'Bound' },
      });
      this.volumes.observed(volume);
    }
    const annotations = { ...(claim.metadata.annotations ?? {}) };
    const boundHere = claim.spec?.volumeName !== volume.metadata.name;
    annotations[ANN_BIND_COMPLETED] = 'yes';
    if (boundHere) annotations[ANN_BOUND_BY_CONTROLLER] = 'yes';
    if (volume.metadata.annotations?.[ANN_PROVISIONED_BY] === HOSTPATH_PROVISIONER) {
      annotations[ANN_STORAGE_PROVISIONER] = HOSTPATH_PROVISIONER;
      annotations[ANN_BETA_STORAGE_PROVISIONER] = HOSTPATH_PROVISIONER;
      if (selectedNode) annotations[ANN_SELECTED_NODE] = selectedNode;
    }
    const claimPath = resourcePath(this.claimInfo, claim.metadata.namespace, claim.metadata.name);
    if (boundHere || JSON.stringify(annotations) !== JSON.stringify(claim.metadata.annotations ?? {})) {
      claim = await this.ctx.client.update(claimPath, {
        ...claim,
        metadata: { ...claim.metadata, annotations },
        spec: { ...claim.spec, volumeName: volume.metadata.name },
      });
      this.claims.observed(claim);
    }
    const status = claim.status ?? {};
    if (status.phase !== 'Bound' || JSON.stringify(status.capacity) !== JSON.stringify(volume.spec?.capacity)) {
      await this.setClaimStatus(claim, {
        phase: 'Bound',
        accessModes: volume.spec?.accessModes,
        capacity: volume.spec?.capacity,
      });
    }
  }

  private async setClaimStatus(claim: Claim, status: PersistentVolumeClaimStatus): Promise<void> {
    const updated = await this.ctx.client.update(
      resourcePath(this.claimInfo, claim.metadata.namespace, claim.metadata.name, 'status'),
      {
        ...claim,
        status: { ...(claim.status ?? {}), ...status },
      },
    );
    this.claims.observed(updated);
  }

  // ---- volumes

  private async syncVolume(volume: Volume): Promise<void> {
    const ref = volume.spec?.claimRef;
    if (!ref?.name) {
      if (volume.status?.phase !== 'Available' && !volume.metadata.deletionTimestamp)
        await this.setVolumePhase(volume, 'Available');
      return;
    }
    let claim = this.claims.get(ref.namespace ?? '', ref.name ?? '');
    if (!claim || (ref.uid && claim.metadata.uid !== ref.uid)) {
      // the cache may lag behind: ask the API server before releasing anything
      try {
        const fresh: Claim = await this.ctx.client.get(resourcePath(this.claimInfo, ref.namespace, ref.name));
        this.claims.observed(fresh);
        claim = fresh;
      } catch (e) {
        if (!(e instanceof KubeApiError && e.status === 404)) throw e;
        claim = undefined;
      }
    }
    if (claim && (!ref.uid || claim.metadata.uid === ref.uid)) {
      if (claim.spec?.volumeName === volume.metadata.name) {
        if (volume.status?.phase !== 'Bound') await this.setVolumePhase(volume, 'Bound');
        if (claim.status?.phase !== 'Bound') this.queue?.add(`claim:${ref.namespace}/${ref.name}`);
      } else if (!claim.spec?.volumeName) {
        // reserved for this claim, which binds on its own sync
        if (volume.status?.phase !== 'Available' && volume.status?.phase !== 'Bound')
          await this.setVolumePhase(volume, 'Available');
        this.queue?.add(`claim:${ref.namespace}/${ref.name}`);
      } else if (volume.metadata.annotations?.[ANN_BOUND_BY_CONTROLLER] === 'yes') {
        // the claim went to another volume: this one is free again
        const annotations = { ...volume.metadata.annotations };
        delete annotations[ANN_BOUND_BY_CONTROLLER];
        const spec = { ...volume.spec };
        delete spec.claimRef;
        const updated = await this.ctx.client.update(resourcePath(this.volumeInfo, undefined, volume.metadata.name), {
          ...volume,
          metadata: { ...volume.metadata, annotations },
          spec,
        });
        this.volumes.observed(updated);
      }
      return;
    }
    if (!ref.uid) {
      // reserved by name for a claim that does not exist yet
      if (volume.status?.phase !== 'Available') await this.setVolumePhase(volume, 'Available');
      return;
    }
    await this.reclaim(volume);
  }

  /** The claim of a volume is gone: Released, then deleted, kept or failed by its reclaim policy. */
  private async reclaim(volume: Volume): Promise<void> {
    const phase = volume.status?.phase;
    if (phase === 'Failed') return;
    if (phase !== 'Released') volume = await this.setVolumePhase(volume, 'Released');
    const policy = volume.spec?.persistentVolumeReclaimPolicy ?? 'Retain';
    if (policy === 'Retain' || volume.metadata.deletionTimestamp) return;
    if (policy === 'Delete' && volume.metadata.annotations?.[ANN_PROVISIONED_BY] === HOSTPATH_PROVISIONER) {
      const { name, uid } = volume.metadata;
      const refused = this.folders.remove({ name, uid: uid!, hostPath: volume.spec?.hostPath?.path });
      if (refused) {
        // the folder stays; so does the volume, Failed, as Kubernetes leaves a volume its deleter failed on
        const why = `refusing to delete the folder of volume "${volume.metadata.name}": ${refused}`;
        await this.setVolumePhase(volume, 'Failed', why);
        this.record(volume, 'Warning', 'VolumeFailedDelete', why);
        return;
      }
      try {
        await this.ctx.client.delete(resourcePath(this.volumeInfo, undefined, volume.metadata.name), {
          preconditions: { uid: volume.metadata.uid },
        });
      } catch (e) {
        if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
      }
      this.volumes.removed(volume);
      return;
    }
    const why =
      policy === 'Delete'
        ? `error getting deleter volume plugin for volume "${volume.metadata.name}": no deletable volume plugin matched`
        : `error getting recycler volume plugin for volume "${volume.metadata.name}": ` +
          'no recyclable volume plugin matched';
    await this.setVolumePhase(volume, 'Failed', why);
    this.record(volume, 'Warning', policy === 'Delete' ? 'VolumeFailedDelete' : 'VolumeFailedRecycle', why);
  }

  private async setVolumePhase(volume: Volume, phase: string, message?: string): Promise<Volume> {
    const status: PersistentVolumeStatus = { ...(volume.status ?? {}), phase };
    if (message) status.message = message;
    else delete status.message;
    const updated = await this.ctx.client.update(
      resourcePath(this.volumeInfo, undefined, volume.metadata.name, 'status'),
      { ...volume, status },
    );
    this.volumes.observed(updated);
    return updated;
  }
}
