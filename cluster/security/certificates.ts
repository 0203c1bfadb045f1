// A self-signed CA and a serving certificate for 127.0.0.1/localhost and the in-cluster names of the
// `kubernetes` Service (pods reach the API server at its cluster IP), made on first start.
// kubectl sends credentials only over TLS, so the API server must speak HTTPS.
// Keys come from Node's built-in crypto (fast); node-forge builds the X.509 certificates (pure JS).
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type * as Forge from 'node-forge';
import { writeSecretFile } from './secretFiles';
import { KUBERNETES_SERVICE_IP } from '../controllers/kubernetesServiceController';

/** The names and addresses the serving certificate is valid for, as kube-apiserver's. */
const SERVING_DNS_NAMES = [
  'localhost',
  'kubernetes',
  'kubernetes.default',
  'kubernetes.default.svc',
  'kubernetes.default.svc.cluster.local',
];
const SERVING_IPS = ['127.0.0.1', '::1', KUBERNETES_SERVICE_IP];

export interface ServingCertificates {
  caCert: string;
  /** the CA's key, which the CSR signer issues certificates with */
  caKey: string;
  cert: string;
  key: string;
}

function keyPair(): Promise<{ publicKey: string; privateKey: string }> {
  return new Promise((resolve, reject) =>
    crypto.generateKeyPair(
      'rsa',
      {
        modulusLength: 2048,
        publicKeyEncoding: { type: 'spki', format: 'pem' },
        privateKeyEncoding: { type: 'pkcs8', format: 'pem' },
      },
      (err, publicKey, privateKey) => (err ? reject(err) : resolve({ publicKey, privateKey })),
    ),
  );
}

function serial(): string {
  // positive, 16 bytes
  const b = crypto.randomBytes(16);
  b[0] &= 0x7f;
  return b.toString('hex');
}

// node-forge is needed only on a first start, so it is loaded then and not on every start
function forgeLib(): typeof Forge {
  return require('node-forge');
}

function makeCert(opts: {
  subjectCN: string;
  publicKeyPem: string;
  signerKeyPem: string;
  issuer?: Forge.pki.Certificate;
  ca: boolean;
  years: number;
}): Forge.pki.Certificate {
  const forge = forgeLib();
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.publicKeyFromPem(opts.publicKeyPem);
  cert.serialNumber = serial();
  const now = new Date();
  cert.validity.notBefore = new Date(now.getTime() - 60_000);
  cert.validity.notAfter = new Date(now.getTime() + opts.years * 365 * 24 * 3600_000);
  const subject = [
    { name: 'commonName', value: opts.subjectCN },
    { name: 'organizationName', value: 'slipway' },
  ];
  cert.setSubject(subject);
  cert.setIssuer(opts.issuer ? opts.issuer.subject.attributes : subject);
  const exts: Record<string, unknown>[] = [{ name: 'basicConstraints', cA: opts.ca, critical: true }];
  if (opts.ca) {
    exts.push({ name: 'keyUsage', keyCertSign: true, cRLSign: true, digitalSignature: true, critical: true });
  } else {
    exts.push({ name: 'keyUsage', digitalSignature: true, keyEncipherment: true, critical: true });
    exts.push({ name: 'extKeyUsage', serverAuth: true });
    exts.push({
      name: 'subjectAltName',
      altNames: [
        ...SERVING_DNS_NAMES.map((value) => ({ type: 2, value })),
        ...SERVING_IPS.map((ip) => ({ type: 7, ip })),
      ],
    });
  }
  exts.push({ name: 'subjectKeyIdentifier' });
  cert.setExtensions(exts);
  // forge lays out the certificate; Node's crypto signs it (forge's pure-JS RSA takes ~100 ms a signature)
  cert.signatureOid = cert.siginfo.algorithmOid = forge.pki.oids.sha256WithRSAEncryption;
  // getTBSCertificate is exported by forge but missing from its type declarations
  const pki = forge.pki as typeof forge.pki & { getTBSCertificate(c: Forge.pki.Certificate): Forge.asn1.Asn1 };
  cert.tbsCertificate = pki.getTBSCertificate(cert);
  const tbs = Buffer.from(forge.asn1.toDer(cert.tbsCertificate).getBytes(), 'binary');
  cert.signature = crypto.sign('sha256', tbs, opts.signerKeyPem).toString('binary');
  return cert;
}

// forge reads PKCS#1/PKCS#8 RSA keys; hand it the PKCS#8 PEM converted to PKCS#1
const toRsa = (pem: string) => crypto.createPrivateKey(pem).export({ type: 'pkcs1', format: 'pem' }).toString();

async function servingPair(ca: Forge.pki.Certificate, caKeyPem: string): Promise<{ cert: string; key: string }> {
  const serverKeys = await keyPair();
  const serving = makeCert({
    subjectCN: 'slipway-apiserver',
    publicKeyPem: serverKeys.publicKey,
    signerKeyPem: caKeyPem,
    issuer: ca,
    ca: false,
    years: 10,
  });
  return { cert: forgeLib().pki.certificateToPem(serving), key: toRsa(serverKeys.privateKey) };
}

async function generate(): Promise<ServingCertificates> {
  const caKeys = await keyPair();
  const caKeyPem = toRsa(caKeys.privateKey);
  const ca = makeCert({
    subjectCN: 'slipway-ca',
    publicKeyPem: caKeys.publicKey,
    signerKeyPem: caKeyPem,
    ca: true,
    years: 10,
  });
  return { caCert: forgeLib().pki.certificateToPem(ca), caKey: caKeyPem, ...(await servingPair(ca, caKeyPem)) };
}

/** A serving certificate made before the in-cluster names were added lacks the `kubernetes` Service's address. */
function coversClusterAddress(certPem: string): boolean {
  return (new crypto.X509Certificate(certPem).subjectAltName ?? '').includes(`IP Address:${KUBERNETES_SERVICE_IP}`);
}

/** Loads the certificates from the state folder, making them on first start. */
export async function ensureCertificates(stateDir: string): Promise<ServingCertificates> {
  const dir = path.join(stateDir, 'pki');
  const files = { caCert: 'ca.crt', caKey: 'ca.key', cert: 'apiserver.crt', key: 'apiserver.key' };
  try {
    const found = {
      caCert: fs.readFileSync(path.join(dir, files.caCert), 'utf8'),
      caKey: fs.readFileSync(path.join(dir, files.caKey), 'utf8'),
      cert: fs.readFileSync(path.join(dir, files.cert), 'utf8'),
      key: fs.readFileSync(path.join(dir, files.key), 'utf8'),
    };
    if (coversClusterAddress(found.cert)) return found;
    // an older state folder: reissue the serving pair from the same CA, so kubeconfigs stay valid
    const reissued = await servingPair(forgeLib().pki.certificateFromPem(found.caCert), found.caKey);
    writeSecretFile(path.join(dir, files.key), reissued.key);
    writeSecretFile(path.join(dir, files.cert), reissued.cert);
    return { ...found, ...reissued };
  } catch {
    // first start (or an incomplete pki folder): make a fresh set
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  const made = await generate();
  writeSecretFile(path.join(dir, files.caKey), made.caKey);
  writeSecretFile(path.join(dir, files.key), made.key);
  writeSecretFile(path.join(dir, files.caCert), made.caCert);
  writeSecretFile(path.join(dir, files.cert), made.cert);
  return made;
}
