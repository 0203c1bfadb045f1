// The CSR signing controller, as kube-controller-manager's csrsigning: an approved CertificateSigningRequest for
// one of the signers it serves gets status.certificate, issued by the cluster CA (the CA client certificates are
// verified against), once. A request the signer refuses gets a Failed condition saying why. kubernetes.io/
// legacy-unknown is never signed here, as in Kubernetes.
import type { CertificateSigningRequest, CertificateSigningRequestCondition } from 'kubernetes-types/certificates/v1';
import { keyOf, splitKey, type KubeObject } from '../../kube/objects';
import { resourcePath } from '../../kubeclient/apiClient';
import { KubeApiError } from '../../kubeclient/apiError';
import type { Informer } from '../../kubeclient/informer';
import { timestamp } from '../clock';
import { issueCertificate, readCertificateRequest, type CertificateRequestInfo } from '../security/certificateRequests';
import type { Controller, ControllerContext } from './controllerContext';
import { WorkQueue } from './workQueue';

type Csr = KubeObject & CertificateSigningRequest;

/** What each signer accepts; a refusal's reason, or undefined. */
const SIGNERS: Record<string, (req: CertificateRequestInfo, usages: string[]) => string | undefined> = {
  'kubernetes.io/kube-apiserver-client': (_req, usages) =>
    onlyUsages(usages, ['client auth', 'digital signature', 'key encipherment'], 'client auth'),
  'kubernetes.io/kube-apiserver-client-kubelet': (req, usages) =>
    nodeIdentity(req) ?? onlyUsages(usages, ['client auth', 'digital signature', 'key encipherment'], 'client auth'),
  'kubernetes.io/kubelet-serving': (req, usages) =>
    nodeIdentity(req) ??
    (req.dnsNames.length + req.ipAddresses.length === 0 ? 'DNS or IP subjectAltName is required' : undefined) ??
    onlyUsages(usages, ['server auth', 'digital signature', 'key encipherment'], 'server auth'),
};

function onlyUsages(usages: string[], allowed: string[], required: string): string | undefined {
  const bad = usages.filter((u) => !allowed.includes(u));
  if (bad.length) return `usages not allowed by this signer: ${bad.join(', ')}`;
  return usages.includes(required) ? undefined : `missing required usage: ${required}`;
}

function nodeIdentity(req: CertificateRequestInfo): string | undefined {
  if (!req.commonName.startsWith('system:node:')) return 'subject common name must begin with "system:node:"';
  if (req.organizations.join(',') !== 'system:nodes') return 'subject organization must be exactly "system:nodes"';
  return undefined;
}

const has = (csr: Csr, type: string) => csr.status?.conditions?.some((c) => c.type === type && c.status === 'True');

export class CertificateSigningController implements Controller {
  readonly name = 'csrsigning-controller';
  private ctx!: ControllerContext;
  private csrs!: Informer;
  private queue?: WorkQueue;

  async start(ctx: ControllerContext): Promise<void> {
    this.ctx = ctx;
    this.csrs = ctx.informers.get('certificates.k8s.io', 'certificatesigningrequests');
    const queue = (this.queue = new WorkQueue((key) => this.sync(key)));
    const add = (o: KubeObject) => queue.add(keyOf(o));
    this.csrs.on({ add, update: add });
    await this.csrs.waitForSync();
  }

  stop(): void {
    this.queue?.stop();
  }

  private async sync(key: string): Promise<void> {
    const [, name] = splitKey(key);
    const csr = this.csrs.get(undefined, name) as Csr | undefined;
    const caKey = this.ctx.caKey;
    if (!csr || !caKey || csr.status?.certificate || !has(csr, 'Approved') || has(csr, 'Failed')) return;
    const check = SIGNERS[csr.spec.signerName];
    if (!check) return; // another signer's request
    const pem = Buffer.from(csr.spec.request, 'base64').toString('latin1');
    const usages = csr.spec.usages ?? [];
    let refusal: string | undefined;
    let certificate: string | undefined;
    try {
      refusal = check(readCertificateRequest(pem), usages);
      if (!refusal)
        certificate = issueCertificate({
          requestPem: pem,
          caCertPem: this.ctx.caCert,
          caKeyPem: caKey,
          usages,
          expirationSeconds: csr.spec.expirationSeconds,
          now: this.ctx.clock.now(),
        });
    } catch (e) {
      refusal = (e as Error).message;
    }
    const status = { ...csr.status };
    if (certificate) status.certificate = Buffer.from(certificate).toString('base64');
    else {
      const now = timestamp();
      const failed: CertificateSigningRequestCondition = {
        type: 'Failed',
        status: 'True',
        reason: 'SignerValidationFailure',
        message: refusal,
        lastUpdateTime: now,
        lastTransitionTime: now,
      };
      status.conditions = [...(status.conditions ?? []), failed];
    }
    try {
      await this.ctx.client.update(resourcePath(this.csrs.info, undefined, name, 'status'), {
        apiVersion: 'certificates.k8s.io/v1',
        kind: 'CertificateSigningRequest',
        ...csr,
        status,
      });
    } catch (e) {
      // gone, or changed meanwhile: the informer brings the newer one back here
      if (!(e instanceof KubeApiError && (e.status === 404 || e.status === 409))) throw e;
    }
  }
}
