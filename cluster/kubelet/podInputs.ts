// What a container takes from the API besides its spec, resolved as the kubelet does before creating it: the
// environment from ConfigMaps and Secrets (envFrom, valueFrom keys) and the host folders its volumeMounts bind:
// configMap and secret volumes written as files, emptyDir folders (both under the pod's folder, removed with
// the pod), hostPath as given and a persistentVolumeClaim's provisioned folder, and the variables of the Services
// that exist at that moment (serviceEnv.ts). A missing object or key is a ContainerConfigError, shown as
// CreateContainerConfigError. Only runtimes that run processes need this.
import type {
  ConfigMap,
  Container,
  PersistentVolume,
  PersistentVolumeClaim,
  Secret,
  Service,
  Volume,
  VolumeProjection,
} from 'kubernetes-types/core/v1';
import * as fs from 'fs';
import * as path from 'path';
import { ApiClient } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { ContainerInputs, Mount } from '../runtime/types';
import type { Pod } from './kubelet';
import { serviceEnvironment } from './serviceEnv';

export class ContainerConfigError extends Error {}

type Source = { kind: 'ConfigMap' | 'Secret'; data: Record<string, Buffer> };

export class PodInputs {
  constructor(
    private readonly client: ApiClient,
    /** one folder per pod (by uid) for its configMap, secret and emptyDir volumes */
    private readonly podsDir: string,
    /** the Services as the kubelet's cache holds them now */
    private readonly services: () => Promise<readonly Service[]>,
  ) {}

  async resolve(pod: Pod, spec: Container): Promise<ContainerInputs> {
    const ns = pod.metadata.namespace;
    const envFrom: [string, string][] = [];
    for (const from of spec.envFrom ?? []) {
      const ref = from.configMapRef ?? from.secretRef;
      if (!ref?.name) continue;
      const src = await this.source(from.configMapRef ? 'ConfigMap' : 'Secret', ns, ref.name, !!ref.optional);
      for (const [k, v] of Object.entries(src?.data ?? {})) envFrom.push([`${from.prefix ?? ''}${k}`, v.toString()]);
    }
    const valueFrom: Record<string, string> = {};
    for (const e of spec.env ?? []) {
      const ref = e.valueFrom?.configMapKeyRef ?? e.valueFrom?.secretKeyRef;
      if (!ref) continue;
      const kind = e.valueFrom?.configMapKeyRef ? 'ConfigMap' : 'Secret';
      const src = await this.source(kind, ns, ref.name ?? '', !!ref.optional);
      const v = src?.data[ref.key];
      if (v !== undefined) valueFrom[e.name] = v.toString();
      else if (src && !ref.optional)
        throw new ContainerConfigError(`couldn't find key ${ref.key} in ${kind} ${ns}/${ref.name}`);
    }
    const mounts: Mount[] = [];
    const volumes = new Map((pod.spec?.volumes ?? []).map((v) => [v.name, v]));
    for (const m of spec.volumeMounts ?? []) {
      const v = volumes.get(m.name);
      if (!v) throw new ContainerConfigError(`volumeMount ${JSON.stringify(m.name)} names no volume of the pod`);
      const source = await this.volumeFolder(pod, v);
      mounts.push({
        source: m.subPath ? path.join(source, m.subPath) : source,
        target: m.mountPath,
        readOnly: !!m.readOnly || !!v.configMap || !!v.secret,
      });
    }
    return { serviceEnv: serviceEnvironment(pod, await this.services()), envFrom, valueFrom, mounts };
  }

  /** the pod's folder goes with the pod */
  forget(uid: string): void {
    fs.rm(path.join(this.podsDir, uid), { recursive: true, force: true }, () => undefined);
  }

  private async volumeFolder(pod: Pod, v: Volume): Promise<string> {
    const dir = path.join(this.podsDir, pod.metadata.uid, 'volumes', v.name);
    const ns = pod.metadata.namespace;
    if (v.emptyDir) {
      await fs.promises.mkdir(dir, { recursive: true, mode: 0o777 });
      await fs.promises.chmod(dir, 0o777);
      return dir;
    }
    if (v.hostPath) {
      if (v.hostPath.type === 'DirectoryOrCreate') await fs.promises.mkdir(v.hostPath.path, { recursive: true });
      return v.hostPath.path;
    }
    if (v.configMap || v.secret) {
      const kind = v.configMap ? 'ConfigMap' : 'Secret';
      const name = v.configMap?.name ?? v.secret?.secretName ?? '';
      const optional = !!(v.configMap?.optional ?? v.secret?.optional);
      const src = await this.source(kind, ns, name, optional);
      const items = v.configMap?.items ?? v.secret?.items;
      // written afresh for each container start, so a restarted container sees the object as it is now
      await fs.promises.rm(dir, { recursive: true, force: true });
      await fs.promises.mkdir(dir, { recursive: true });
      const files = items?.length
        ? items.map((i) => [i.path, i.key] as const)
        : Object.keys(src?.data ?? {}).map((k) => [k, k] as const);
      for (const [file, key] of files) {
        const data = src?.data[key];
        if (!data) throw new ContainerConfigError(`couldn't find key ${key} in ${kind} ${ns}/${name}`);
        await fs.promises.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await fs.promises.writeFile(path.join(dir, file), data, { mode: 0o644 });
      }
      return dir;
    }
    if (v.projected) {
      // written afresh for each container start, as configMap and secret volumes
      await fs.promises.rm(dir, { recursive: true, force: true });
      await fs.promises.mkdir(dir, { recursive: true });
      for (const [file, data] of await this.projectedFiles(pod, v.projected.sources ?? [])) {
        await fs.promises.mkdir(path.dirname(path.join(dir, file)), { recursive: true });
        await fs.promises.writeFile(path.join(dir, file), data, { mode: 0o644 });
      }
      return dir;
    }
    if (v.persistentVolumeClaim) {
      const claim = v.persistentVolumeClaim.claimName;
      const pvc = await this.find<PersistentVolumeClaim>(
        `/api/v1/namespaces/${encodeURIComponent(ns)}/persistentvolumeclaims/${encodeURIComponent(claim)}`,
      );
      if (!pvc) throw new ContainerConfigError(`persistentvolumeclaim "${claim}" not found`);
      const pvName = pvc.spec?.volumeName;
      const pv = pvName
        ? await this.find<PersistentVolume>(`/api/v1/persistentvolumes/${encodeURIComponent(pvName)}`)
        : undefined;
      const folder = pv?.spec?.hostPath?.path ?? pv?.spec?.local?.path;
      if (!folder)
        throw new ContainerConfigError(`persistentvolumeclaim "${claim}" is not bound to a volume with a folder`);
      return folder;
    }
    throw new ContainerConfigError(
      `volume ${JSON.stringify(v.name)}: this runtime mounts configMap, secret, projected, emptyDir, hostPath and ` +
        'persistentVolumeClaim volumes',
    );
  }

  /**
   * The files of a projected volume (the ServiceAccount token volume kube-apiserver gives every pod among them):
   * a bound token through TokenRequest, ConfigMap and Secret keys, and the pod's namespace and name.
   */
  private async projectedFiles(pod: Pod, sources: VolumeProjection[]): Promise<[string, Buffer][]> {
    const ns = pod.metadata.namespace;
    const files: [string, Buffer][] = [];
    for (const p of sources) {
      if (p.serviceAccountToken) {
        const sa = pod.spec?.serviceAccountName ?? 'default';
        const answer = (await this.client.create(
          `/api/v1/namespaces/${encodeURIComponent(ns)}/serviceaccounts/${encodeURIComponent(sa)}/token`,
          {
            apiVersion: 'authentication.k8s.io/v1',
            kind: 'TokenRequest',
            spec: {
              audiences: p.serviceAccountToken.audience ? [p.serviceAccountToken.audience] : undefined,
              expirationSeconds: p.serviceAccountToken.expirationSeconds ?? 3607,
              boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata.name, uid: pod.metadata.uid },
            },
          },
        )) as { status?: { token?: string } };
        files.push([p.serviceAccountToken.path, Buffer.from(answer.status?.token ?? '')]);
      }
      const keyed = p.configMap ?? p.secret;
      if (keyed) {
        const kind = p.configMap ? 'ConfigMap' : 'Secret';
        const src = await this.source(kind, ns, keyed.name ?? '', !!keyed.optional);
        const items = keyed.items?.length
          ? keyed.items.map((i) => [i.path, i.key] as const)
          : Object.keys(src?.data ?? {}).map((k) => [k, k] as const);
        for (const [file, key] of items) {
          const data = src?.data[key];
          if (!data && !keyed.optional)
            throw new ContainerConfigError(`couldn't find key ${key} in ${kind} ${ns}/${keyed.name}`);
          if (data) files.push([file, data]);
        }
      }
      for (const item of p.downwardAPI?.items ?? []) {
        const field = item.fieldRef?.fieldPath;
        const value =
          field === 'metadata.namespace'
            ? ns
            : field === 'metadata.name'
              ? pod.metadata.name
              : field === 'metadata.uid'
                ? pod.metadata.uid
                : undefined;
        if (value === undefined)
          throw new ContainerConfigError(`downwardAPI field ${JSON.stringify(field)} is not supported by this runtime`);
        files.push([item.path, Buffer.from(value)]);
      }
    }
    return files;
  }

  /** The pod's imagePullSecrets that exist, and the names of those that do not. */
  async pullSecrets(pod: Pod): Promise<{ secrets: Secret[]; missing: string[] }> {
    const ns = encodeURIComponent(pod.metadata.namespace);
    const secrets: Secret[] = [];
    const missing: string[] = [];
    for (const ref of pod.spec?.imagePullSecrets ?? []) {
      if (!ref.name) continue;
      const s = await this.find<Secret>(`/api/v1/namespaces/${ns}/secrets/${encodeURIComponent(ref.name)}`);
      if (s) secrets.push(s);
      else missing.push(ref.name);
    }
    return { secrets, missing };
  }

  private async source(kind: Source['kind'], ns: string, name: string, optional: boolean): Promise<Source | undefined> {
    const plural = kind === 'ConfigMap' ? 'configmaps' : 'secrets';
    const obj = await this.find<ConfigMap | Secret>(
      `/api/v1/namespaces/${encodeURIComponent(ns)}/${plural}/${encodeURIComponent(name)}`,
    );
    if (!obj) {
      if (optional) return undefined;
      throw new ContainerConfigError(`${kind.toLowerCase()} "${name}" not found`);
    }
    const data: Record<string, Buffer> = {};
    if (kind === 'ConfigMap') {
      const cm = obj as ConfigMap;
      for (const [k, v] of Object.entries(cm.data ?? {})) data[k] = Buffer.from(v);
      for (const [k, v] of Object.entries(cm.binaryData ?? {})) data[k] = Buffer.from(v, 'base64');
    } else {
      for (const [k, v] of Object.entries((obj as Secret).data ?? {})) data[k] = Buffer.from(v, 'base64');
    }
    return { kind, data };
  }

  private async find<T>(p: string): Promise<T | undefined> {
    try {
      return (await this.client.get(p)) as T;
    } catch (e) {
      if (e instanceof KubeApiError && e.status === 404) return undefined;
      throw e;
    }
  }
}
