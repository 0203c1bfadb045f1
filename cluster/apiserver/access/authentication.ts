// Authentication, as kube-apiserver's chain: the admin bearer token, ServiceAccount tokens (signed by this
// cluster, not expired, for the API server's audience, their ServiceAccount and bound object still there with
// the same uid) and client certificates signed by the cluster CA (CN the user, O the groups). A request with no
// credentials at all is system:anonymous, which RBAC then judges (403, not 401, for what it may not do); invalid
// credentials stay a 401.
import type { IncomingMessage } from 'http';
import type { TLSSocket } from 'tls';
import type { KubeObject } from '../../../kube/objects';
import { bearerMatches } from '../../security/token';
import { TOKEN_ISSUER, type ServiceAccountTokens } from '../../security/serviceAccountTokens';
import type { Store } from '../../store/types';
import { ADMIN, ANONYMOUS, AUTHENTICATED, serviceAccountUser, type UserInfo } from './userInfo';

export interface Authenticator {
  adminToken: string;
  tokens: ServiceAccountTokens;
  store: Store;
}

export function authenticate(auth: Authenticator, req: IncomingMessage): UserInfo | undefined {
  const header = req.headers.authorization;
  if (header) {
    if (bearerMatches(header, auth.adminToken)) return ADMIN;
    if (header.slice(0, 7).toLowerCase() !== 'bearer ') return undefined;
    return authenticateToken(auth, header.slice(7).trim(), [TOKEN_ISSUER]);
  }
  return certificateUser(req);
}

/** The user of a bearer token (TokenReview's question too), if it is valid for one of the audiences. */
export function authenticateToken(auth: Authenticator, token: string, audiences: string[]): UserInfo | undefined {
  if (bearerMatches(`Bearer ${token}`, auth.adminToken)) return ADMIN;
  const claims = auth.tokens.verifiedClaims(token);
  if (!claims) return undefined;
  const now = Math.floor(Date.now() / 1000);
  if (!(claims.exp > now) || claims.nbf > now) return undefined;
  if (!claims.aud?.some((a) => audiences.includes(a))) return undefined;
  const k = claims['kubernetes.io'];
  const ns = k?.namespace;
  if (!ns || !k.serviceaccount) return undefined;
  const live = (key: string, uid: string) =>
    (auth.store.get(key)?.value as KubeObject | undefined)?.metadata?.uid === uid;
  if (!live(`/registry/core/serviceaccounts/${ns}/${k.serviceaccount.name}`, k.serviceaccount.uid)) return undefined;
  if (k.pod && !live(`/registry/core/pods/${ns}/${k.pod.name}`, k.pod.uid)) return undefined;
  if (k.secret && !live(`/registry/core/secrets/${ns}/${k.secret.name}`, k.secret.uid)) return undefined;
  if (k.node && !live(`/registry/core/nodes/${k.node.name}`, k.node.uid)) return undefined;
  const user = serviceAccountUser(ns, k.serviceaccount.name, k.serviceaccount.uid);
  const extra: Record<string, string[]> = { 'authentication.kubernetes.io/credential-id': [`JTI=${claims.jti}`] };
  if (k.pod) {
    extra['authentication.kubernetes.io/pod-name'] = [k.pod.name];
    extra['authentication.kubernetes.io/pod-uid'] = [k.pod.uid];
  }
  return { ...user, extra };
}

/** A client certificate the TLS handshake verified against the cluster CA; none at all: anonymous. */
function certificateUser(req: IncomingMessage): UserInfo | undefined {
  const socket = req.socket as TLSSocket | undefined;
  // in-process requests (no TLS socket) always carry the token
  if (typeof socket?.getPeerCertificate !== 'function') return ANONYMOUS;
  const peer = socket.getPeerCertificate();
  if (!peer || Object.keys(peer).length === 0) return ANONYMOUS;
  if (!socket.authorized) return undefined;
  const subject = peer.subject;
  const cn = subject?.CN;
  if (!cn) return undefined;
  const o = subject.O;
  const groups = o === undefined ? [] : Array.isArray(o) ? o : [o];
  return { username: String(cn), groups: [...groups.map(String), AUTHENTICATED] };
}
