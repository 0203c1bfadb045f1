// CertificateSigningRequests, as Kubernetes' pkg/registry/certificates/certificates/strategy.go: the requester's
// identity is recorded in the spec at create (never taken from the body), the request must be a PEM certificate
// request whose signature holds, the spec never changes after, and conditions change only through the approval
// subresource (subresources/approval.ts), the certificate only through status.
import type { CertificateSigningRequest } from 'kubernetes-types/certificates/v1';
import type { FieldError } from '../../../kube/fieldErrors';
import type { KubeObject } from '../../../kube/objects';
import { readCertificateRequest } from '../../security/certificateRequests';
import type { UserInfo } from '../access/userInfo';
import { invalid } from '../apiErrors';
import type { Strategy } from './strategy';

export type Csr = KubeObject & CertificateSigningRequest;

function validate(csr: Csr): void {
  const errs: FieldError[] = [];
  const spec = csr.spec;
  if (!spec?.signerName) errs.push({ type: 'FieldValueRequired', path: ['spec', 'signerName'] });
  if (!spec?.usages?.length) errs.push({ type: 'FieldValueRequired', path: ['spec', 'usages'] });
  try {
    readCertificateRequest(Buffer.from(spec?.request ?? '', 'base64').toString('latin1'));
  } catch (e) {
    errs.push({ type: 'FieldValueInvalid', path: ['spec', 'request'], value: '', detail: (e as Error).message });
  }
  if (errs.length) throw invalid('CertificateSigningRequest', 'certificates.k8s.io', csr.metadata.name ?? '', errs);
}

export const certificateSigningRequestStrategy: Strategy = {
  initialStatus: () => ({}),

  prepareForCreate(obj: KubeObject, _dryRun: boolean, requester: UserInfo | undefined) {
    const csr = obj as Csr;
    validate(csr);
    const spec = csr.spec;
    delete spec.username;
    delete spec.uid;
    delete spec.groups;
    delete spec.extra;
    if (requester) {
      spec.username = requester.username;
      if (requester.uid) spec.uid = requester.uid;
      spec.groups = requester.groups;
      if (requester.extra && Object.keys(requester.extra).length) spec.extra = requester.extra;
    }
  },

  prepareForUpdate(obj: KubeObject, old: KubeObject) {
    // the spec is immutable; metadata (labels, annotations, finalizers) may change
    (obj as Csr).spec = (old as Csr).spec;
  },

  prepareForStatusUpdate(obj: KubeObject, old: KubeObject) {
    // signers write the certificate and Failed conditions; the decision is the approval subresource's alone
    const next = obj as Csr;
    const before = (old as Csr).status ?? {};
    const decision = (c: { type: string }) => c.type === 'Approved' || c.type === 'Denied';
    const conditions = [
      ...(next.status?.conditions ?? []).filter((c) => !decision(c)),
      ...(before.conditions ?? []).filter(decision),
    ];
    next.status = { ...next.status, conditions };
    if (!conditions.length) delete next.status.conditions;
    if (before.certificate && next.status.certificate !== before.certificate)
      throw invalid('CertificateSigningRequest', 'certificates.k8s.io', old.metadata.name ?? '', [
        {
          type: 'FieldValueForbidden',
          path: ['status', 'certificate'],
          detail: 'updates may not modify existing certificate content',
        },
      ]);
  },
};
