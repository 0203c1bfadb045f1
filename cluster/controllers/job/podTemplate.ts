// The pod a Job creates: the Job's template, owned by the Job, carrying the tracking finalizer; pods of an
// Indexed Job also carry their completion index (annotation, label, JOB_COMPLETION_INDEX and hostname).
import type { Job } from 'kubernetes-types/batch/v1';
import type { Container, Pod, PodSpec, PodTemplateSpec } from 'kubernetes-types/core/v1';
import { deepClone } from '../../../kube/objects';
import { controllerRef } from '../kit/claims';
import type { Stored } from '../kit/objects';
import { COMPLETION_INDEX, JOB_TRACKING_FINALIZER } from './podState';

const JOB_KIND = { apiVersion: 'batch/v1', kind: 'Job' };

function withIndexEnv(containers: Container[] | undefined): void {
  for (const c of containers ?? []) {
    const env = (c.env ??= []);
    if (env.some((e) => e?.name === 'JOB_COMPLETION_INDEX')) continue;
    env.push({
      name: 'JOB_COMPLETION_INDEX',
      valueFrom: { fieldRef: { fieldPath: `metadata.annotations['${COMPLETION_INDEX}']` } },
    });
  }
}

export function podForJob(job: Stored<Job>, index?: number): Pod {
  const template: PodTemplateSpec = deepClone(job.spec?.template ?? {});
  const meta = template.metadata ?? {};
  // an empty template spec stays empty: validation names what is missing
  const spec = template.spec ?? ({} as PodSpec);
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
      ownerReferences: [controllerRef(job, JOB_KIND)],
    },
    spec,
  };
}
