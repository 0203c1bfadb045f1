// The pod a Job creates: the Job's template, owned by the Job, carrying the tracking finalizer; pods of an
// Indexed Job also carry their completion index (annotation, label, JOB_COMPLETION_INDEX and hostname).
import { deepClone } from '../../../kube/objects';
import { COMPLETION_INDEX, JOB_TRACKING_FINALIZER } from './podState';

export function jobControllerRef(job: any): any {
  return { apiVersion: 'batch/v1', kind: 'Job', name: job.metadata.name, uid: job.metadata.uid, controller: true, blockOwnerDeletion: true };
}

function withIndexEnv(containers: any[] | undefined): void {
  for (const c of containers ?? []) {
    const env: any[] = (c.env ??= []);
    if (env.some((e) => e?.name === 'JOB_COMPLETION_INDEX')) continue;
    env.push({ name: 'JOB_COMPLETION_INDEX', valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } } });
  }
}

export function podForJob(job: any, index?: number): any {
  const template = deepClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  const spec = template.spec ?? {};
  const name = job.metadata.name;
  const labels = { ...(meta.labels ?? {}) };
  const annotations = { ...(meta.annotations ?? {}) };
  let generateName = `${name}-`;
  if (index !== undefined) {
    annotations[COMPLETION_INDEX] = String(index);
    labels[COMPLETION_INDEX] = String(index);
    generateName = `${name}-${index}-`;
    spec.hostname = `${name}-${index}`;
    withIndexEnv(spec.initContainers);
    withIndexEnv(spec.containers);
  }
  const finalizers: string[] = [...(meta.finalizers ?? [])];
  if (!finalizers.includes(JOB_TRACKING_FINALIZER)) finalizers.push(JOB_TRACKING_FINALIZER);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      generateName,
      namespace: job.metadata.namespace,
      labels,
      ...(Object.keys(annotations).length ? { annotations } : {}),
      finalizers,
      ownerReferences: [jobControllerRef(job)],
    },
    spec,
  };
}
