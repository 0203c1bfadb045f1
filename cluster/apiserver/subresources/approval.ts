// certificatesigningrequests/approval: the CSR's Approved and Denied conditions, the only write that changes them
// (kubectl certificate approve|deny PUTs the whole CSR here), as kube-apiserver's approval strategy: only
// status.conditions are taken from the body, a CSR is never both approved and denied, and a decision made stays;
// and the approver needs the `approve` verb on the request's signer (`signers`, named by signerName or domain/*).
import type { CertificateSigningRequestCondition } from 'kubernetes-types/certificates/v1';
import type { FieldError } from '../../../kube/fieldErrors';
import { isRecord } from '../../../kube/objects';
import { timestamp } from '../../clock';
import { badRequest, forbidden, invalid, methodNotAllowed } from '../apiErrors';
import { SYSTEM_MASTERS } from '../access/userInfo';
import { decodeBody, readBody } from '../body';
import { send, writeOptions, type RequestScope } from '../handlers/scope';
import type { Csr } from '../strategies/certificateSigningRequests';

const DECISIONS = ['Approved', 'Denied'];

export async function serveApproval(scope: RequestScope, method: string, name: string): Promise<void> {
  const { api, info } = scope;
  if (method === 'GET') return send(scope, 200, api.storage.get(info, undefined, name));
  if (method !== 'PUT') throw methodNotAllowed();
  const body = decodeBody(await readBody(scope.req), scope.req.headers['content-type'] ?? 'application/json');
  if (!isRecord(body)) throw badRequest('the body must be a CertificateSigningRequest');
  const old = api.storage.get(info, undefined, name) as Csr;
  const signer = old.spec.signerName;
  const approves = (signerName: string) =>
    scope.user.groups.includes(SYSTEM_MASTERS) ||
    api.rbac.allowed(scope.user, {
      resourceRequest: true,
      verb: 'approve',
      group: 'certificates.k8s.io',
      resource: 'signers',
      name: signerName,
    });
  if (!approves(signer) && !approves(`${signer.split('/')[0]}/*`))
    throw forbidden(
      `certificatesigningrequests.certificates.k8s.io ${JSON.stringify(name)} is forbidden: ` +
        `user not permitted to approve requests with signerName ${JSON.stringify(signer)}`,
      { name, group: 'certificates.k8s.io', kind: 'certificatesigningrequests' },
    );
  const sent = ((body as Csr).status?.conditions ?? []) as CertificateSigningRequestCondition[];
  const now = timestamp();
  const previous = old.status?.conditions ?? [];
  const conditions = sent.map((c) => {
    const before = previous.find((p) => p.type === c.type);
    return {
      ...c,
      lastUpdateTime: c.lastUpdateTime ?? now,
      lastTransitionTime: c.lastTransitionTime ?? (before?.status === c.status ? before.lastTransitionTime : now),
    };
  });
  const errs: FieldError[] = [];
  const decided = new Set(
    conditions.filter((c) => DECISIONS.includes(c.type) && c.status === 'True').map((c) => c.type),
  );
  if (decided.size > 1)
    errs.push({
      type: 'FieldValueInvalid',
      path: ['status', 'conditions'],
      value: '',
      detail: 'Approved and Denied conditions are mutually exclusive',
    });
  for (const p of previous)
    if (DECISIONS.includes(p.type) && !conditions.some((c) => c.type === p.type && c.status === p.status))
      errs.push({
        type: 'FieldValueForbidden',
        path: ['status', 'conditions'],
        detail: `updates may not remove a condition of type "${p.type}"`,
      });
  if (errs.length) throw invalid('CertificateSigningRequest', 'certificates.k8s.io', name, errs);
  const next: Csr = { ...old, metadata: { ...old.metadata }, status: { ...old.status, conditions } };
  if (isRecord(body.metadata) && typeof body.metadata.resourceVersion === 'string')
    next.metadata.resourceVersion = body.metadata.resourceVersion;
  // written whole, as the server's own write: the status strategy keeps the decision away from status writers
  const r = await api.storage.update(info, undefined, name, next, { ...writeOptions(scope), internal: true });
  send(scope, 200, r.object);
}
