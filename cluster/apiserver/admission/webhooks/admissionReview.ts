// The AdmissionReview wire format (admission.k8s.io/v1, and v1beta1 for webhooks that list only it): the request
// kube-apiserver sends and the checks it makes of the answer before believing it.
import * as crypto from 'crypto';
import type { Status } from 'kubernetes-types/meta/v1';
import { isRecord, type KubeObject } from '../../../../kube/objects';
import type { ResourceInfo } from '../../../../kube/registry';
import { admissionRequest } from '../admissionRequest';
import type { AdmissionAttributes } from '../attributes';

export type ReviewVersion = 'v1' | 'v1beta1';

export interface AdmissionResponse {
  uid?: string;
  allowed: boolean;
  status?: Status;
  /** base64 of a JSON patch */
  patch?: string;
  patchType?: string;
  warnings?: string[];
}

/** The first AdmissionReview version a webhook lists that this server speaks, as kube-apiserver chooses. */
export function reviewVersion(listed: string[] | undefined): ReviewVersion | undefined {
  return (listed ?? []).find((v): v is ReviewVersion => v === 'v1' || v === 'v1beta1');
}

/**
 * The review of a request at `resource` (the version the webhook is called at): `object` and `oldObject` are
 * already in that version.
 */
export function admissionReview(
  version: ReviewVersion,
  attrs: AdmissionAttributes,
  resource: ResourceInfo,
  object: KubeObject | undefined,
  oldObject: KubeObject | undefined,
): { uid: string; review: object } {
  const uid = crypto.randomUUID();
  const request = { ...admissionRequest(attrs, resource, uid), object: object ?? null, oldObject: oldObject ?? null };
  return { uid, review: { kind: 'AdmissionReview', apiVersion: `admission.k8s.io/${version}`, request } };
}

/** The response of a webhook's answer; throws an Error saying what is wrong with an invalid one. */
export function readResponse(version: ReviewVersion, uid: string, body: unknown, mutating: boolean): AdmissionResponse {
  if (!isRecord(body) || !isRecord(body.response)) throw new Error('webhook response was absent');
  const response = body.response as unknown as AdmissionResponse;
  // v1beta1 answers were never checked for their kind and uid; v1 ones are
  if (version === 'v1') {
    if (body.apiVersion !== 'admission.k8s.io/v1' || body.kind !== 'AdmissionReview')
      throw new Error(
        `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${String(body.apiVersion)}, ` +
          `Kind=${String(body.kind)}`,
      );
    if (response.uid !== uid) throw new Error(`expected response.uid="${uid}", got "${String(response.uid)}"`);
  }
  if (typeof response.allowed !== 'boolean') throw new Error('response.allowed must be true or false');
  if (response.patch || response.patchType) {
    if (!mutating) throw new Error('validating webhooks may not return patches');
    const patchType = response.patchType ?? (version === 'v1beta1' ? 'JSONPatch' : undefined);
    if (patchType !== 'JSONPatch')
      throw new Error(
        patchType === undefined
          ? 'webhook returned response.patch but not response.patchType'
          : `webhook returned invalid response.patchType of "${patchType}"`,
      );
  }
  if (response.warnings !== undefined && !Array.isArray(response.warnings))
    throw new Error('response.warnings must be a list of strings');
  return response;
}
