// ServiceAccount tokens: JWTs signed ES256 with the cluster's key (pki/sa.key, made on first start), with the
// claims kube-apiserver puts in bound tokens (iss, sub, aud, exp, iat, nbf, jti and kubernetes.io's namespace,
// serviceaccount and bound object), so that what a pod or `kubectl create token` gets reads as the real thing.
import * as crypto from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import { writeSecretFile } from './secretFiles';

/** kube-apiserver's default --service-account-issuer and --api-audiences */
export const TOKEN_ISSUER = 'https://kubernetes.default.svc.cluster.local';

export interface BoundObject {
  kind: 'Pod' | 'Secret' | 'Node';
  name: string;
  uid: string;
}

export interface TokenRequestInput {
  namespace: string;
  serviceAccount: { name: string; uid: string };
  audiences: string[];
  expirationSeconds: number;
  boundObject?: BoundObject;
  /** seconds since the epoch */
  now: number;
}

export interface ServiceAccountClaims {
  iss: string;
  sub: string;
  aud: string[];
  exp: number;
  iat: number;
  nbf: number;
  jti: string;
  'kubernetes.io': {
    namespace: string;
    serviceaccount: { name: string; uid: string };
    pod?: { name: string; uid: string };
    secret?: { name: string; uid: string };
    node?: { name: string; uid: string };
  };
}

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');

export class ServiceAccountTokens {
  /** kube-apiserver's key id: the SHA-256 of the public key's DER, base64url */
  readonly keyId: string;
  readonly publicKey: crypto.KeyObject;

  constructor(private readonly privateKey: crypto.KeyObject) {
    this.publicKey = crypto.createPublicKey(privateKey);
    const der = this.publicKey.export({ type: 'spki', format: 'der' });
    this.keyId = crypto.createHash('sha256').update(der).digest('base64url');
  }

  issue(input: TokenRequestInput): { token: string; claims: ServiceAccountClaims } {
    const { namespace, serviceAccount, now } = input;
    const claims: ServiceAccountClaims = {
      aud: input.audiences,
      exp: now + input.expirationSeconds,
      iat: now,
      iss: TOKEN_ISSUER,
      jti: crypto.randomUUID(),
      'kubernetes.io': { namespace, serviceaccount: serviceAccount },
      nbf: now,
      sub: `system:serviceaccount:${namespace}:${serviceAccount.name}`,
    };
    const bound = input.boundObject;
    if (bound) {
      const key = bound.kind === 'Pod' ? 'pod' : bound.kind === 'Secret' ? 'secret' : 'node';
      claims['kubernetes.io'][key] = { name: bound.name, uid: bound.uid };
    }
    const signingInput = `${b64({ alg: 'ES256', kid: this.keyId })}.${b64(claims)}`;
    const sig = crypto.sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${sig.toString('base64url')}`, claims };
  }

  /** The claims of a token this cluster signed (expiry not checked here), or undefined. */
  verifiedClaims(token: string): ServiceAccountClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    try {
      const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
      if (header?.alg !== 'ES256') return undefined;
      const ok = crypto.verify(
        'sha256',
        Buffer.from(`${parts[0]}.${parts[1]}`),
        { key: this.publicKey, dsaEncoding: 'ieee-p1363' },
        Buffer.from(parts[2], 'base64url'),
      );
      if (!ok) return undefined;
      const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString()) as ServiceAccountClaims;
      return claims.iss === TOKEN_ISSUER ? claims : undefined;
    } catch {
      return undefined;
    }
  }
}

/** The ServiceAccount signing key of the state folder (pki/sa.key), made on first start. */
export function ensureServiceAccountKey(stateDir: string): crypto.KeyObject {
  const dir = path.join(stateDir, 'pki');
  const file = path.join(dir, 'sa.key');
  let pem: string | undefined;
  try {
    pem = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') throw e;
  }
  if (pem !== undefined) {
    try {
      return crypto.createPrivateKey(pem);
    } catch (e) {
      throw new Error(
        `${file} is not a private key (${(e as Error).message}): remove it to make a new one ` +
          '(tokens issued with the old key stop working)',
      );
    }
  }
  fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
  // P-256 keys are made in well under a millisecond, where RSA takes tens of milliseconds
  const { privateKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeSecretFile(file, privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  return privateKey;
}
