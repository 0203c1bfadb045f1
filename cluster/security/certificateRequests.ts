// PKCS#10 certificate requests (CertificateSigningRequest spec.request) read, and certificates issued for them by
// the cluster CA, as kube-controller-manager's CSR signer does: the request's subject and (for serving
// certificates) names, the key usages the CSR asks for, backdated five minutes, at most the signer's duration.
// node-forge reads the request (Node's crypto has no PKCS#10); Node's crypto signs.
import * as crypto from 'crypto';
import type * as Forge from 'node-forge';

export interface CertificateRequestInfo {
  commonName: string;
  organizations: string[];
  dnsNames: string[];
  ipAddresses: string[];
}

/** One year, kube-controller-manager's default --cluster-signing-duration. */
export const MAX_SIGNING_SECONDS = 365 * 24 * 3600;
const BACKDATE_MS = 5 * 60_000;

function forgeLib(): typeof Forge {
  return require('node-forge');
}

/**
 * The subject and names of a PEM certificate request whose signature holds; throws an Error saying what is
 * wrong otherwise (node-forge reads RSA keys only).
 */
export function readCertificateRequest(pem: string): CertificateRequestInfo {
  if (!/-----BEGIN CERTIFICATE REQUEST-----/.test(pem)) throw new Error('PEM block type must be CERTIFICATE REQUEST');
  const forge = forgeLib();
  let csr: Forge.pki.CertificateSigningRequest;
  try {
    csr = forge.pki.certificationRequestFromPem(pem);
  } catch (e) {
    throw new Error(`cannot read the certificate request: ${(e as Error).message} (RSA keys are supported)`);
  }
  if (!csr.verify()) throw new Error('the certificate request signature does not match its key');
  const values = (name: string) =>
    csr.subject.attributes.filter((a) => a.name === name).map((a) => String(a.value ?? ''));
  const dnsNames: string[] = [];
  const ipAddresses: string[] = [];
  const ext = csr.getAttribute({ name: 'extensionRequest' }) as { extensions?: Record<string, unknown>[] } | null;
  for (const e of ext?.extensions ?? []) {
    if (e.name !== 'subjectAltName') continue;
    for (const n of (e.altNames as { type: number; value?: string; ip?: string }[]) ?? []) {
      if (n.type === 2 && n.value) dnsNames.push(n.value);
      if (n.type === 7 && n.ip) ipAddresses.push(n.ip);
    }
  }
  return {
    commonName: values('commonName')[0] ?? '',
    organizations: values('organizationName'),
    dnsNames,
    ipAddresses,
  };
}

export interface IssueOptions {
  requestPem: string;
  caCertPem: string;
  caKeyPem: string;
  /** spec.usages */
  usages: string[];
  /** spec.expirationSeconds, capped at MAX_SIGNING_SECONDS */
  expirationSeconds?: number;
  now: number;
}

/** A certificate (PEM) for the request, issued by the CA. */
export function issueCertificate(o: IssueOptions): string {
  const forge = forgeLib();
  const csr = forge.pki.certificationRequestFromPem(o.requestPem);
  const ca = forge.pki.certificateFromPem(o.caCertPem);
  const names = readCertificateRequest(o.requestPem);
  const cert = forge.pki.createCertificate();
  cert.publicKey = csr.publicKey as Forge.pki.PublicKey;
  const serial = crypto.randomBytes(16);
  serial[0] &= 0x7f;
  cert.serialNumber = serial.toString('hex');
  const seconds = Math.min(o.expirationSeconds ?? MAX_SIGNING_SECONDS, MAX_SIGNING_SECONDS);
  cert.validity.notBefore = new Date(o.now - BACKDATE_MS);
  cert.validity.notAfter = new Date(o.now + seconds * 1000);
  cert.setSubject(csr.subject.attributes);
  cert.setIssuer(ca.subject.attributes);
  const has = (u: string) => o.usages.includes(u);
  const exts: Record<string, unknown>[] = [
    { name: 'basicConstraints', cA: false, critical: true },
    {
      name: 'keyUsage',
      critical: true,
      digitalSignature: has('digital signature'),
      keyEncipherment: has('key encipherment'),
    },
  ];
  if (has('client auth') || has('server auth'))
    exts.push({ name: 'extKeyUsage', clientAuth: has('client auth'), serverAuth: has('server auth') });
  const altNames = [
    ...names.dnsNames.map((value) => ({ type: 2, value })),
    ...names.ipAddresses.map((ip) => ({ type: 7, ip })),
  ];
  if (altNames.length) exts.push({ name: 'subjectAltName', altNames });
  exts.push({ name: 'authorityKeyIdentifier', keyIdentifier: ca.generateSubjectKeyIdentifier().getBytes() });
  cert.setExtensions(exts);
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 };
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = crypto.sign('sha256', tbs, o.caKeyPem).toString('binary');
  return forge.pki.certificateToPem(cert);
}
