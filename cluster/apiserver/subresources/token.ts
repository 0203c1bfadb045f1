// serviceaccounts/token: TokenRequest, as kube-apiserver's token REST: a signed token for the ServiceAccount,
// for the requested audiences (the API server's by default) and lifetime (an hour by default, ten minutes
// at least), optionally bound to a Pod, Secret or Node of which the token carries the name and uid.
import type { TokenRequest } from 'kubernetes-types/authentication/v1';
import type { Pod } from 'kubernetes-types/core/v1';
import type { KubeObject } from '../../../kube/objects';
import { TOKEN_ISSUER, type BoundObject } from '../../security/serviceAccountTokens';
import { ApiError, badRequest, invalid, methodNotAllowed } from '../apiErrors';
import { decodeBody, readBody } from '../body';
import { send, type RequestScope } from '../handlers/scope';

const DEFAULT_EXPIRATION_SECONDS = 3600;
const MIN_EXPIRATION_SECONDS = 600;
const MAX_EXPIRATION_SECONDS = 2 ** 32;

export async function serveToken(scope: RequestScope, method: string, name: string): Promise<void> {
  if (method !== 'POST') throw methodNotAllowed();
  const { api, info, namespace } = scope;
  const ns = namespace ?? '';
  const request = (decodeBody(await readBody(scope.req), scope.req.headers['content-type']) ?? {}) as TokenRequest;
  const sa = api.storage.get(info, ns, name);
  const spec = request.spec ?? { audiences: [] };
  const expirationSeconds = spec.expirationSeconds ?? DEFAULT_EXPIRATION_SECONDS;
  const field = (detail: string) =>
    invalid('TokenRequest', 'authentication.k8s.io', name, [
      { path: ['spec', 'expirationSeconds'], type: 'FieldValueInvalid', value: expirationSeconds, detail },
    ]);
  if (expirationSeconds < MIN_EXPIRATION_SECONDS) throw field('may not specify a duration less than 10 minutes');
  if (expirationSeconds > MAX_EXPIRATION_SECONDS) throw field('may not specify a duration larger than 2^32 seconds');
  const audiences = spec.audiences?.length ? spec.audiences : [TOKEN_ISSUER];
  const boundObject = spec.boundObjectRef ? boundTo(scope, ns, name, spec.boundObjectRef) : undefined;
  const now = Math.floor(Date.now() / 1000);
  const { token, claims } = api.tokens.issue({
    namespace: ns,
    serviceAccount: { name, uid: sa.metadata.uid ?? '' },
    audiences,
    expirationSeconds,
    boundObject,
    now,
  });
  send(scope, 201, {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name, namespace: ns, creationTimestamp: null },
    spec: { ...spec, audiences, expirationSeconds },
    status: { token, expirationTimestamp: new Date(claims.exp * 1000).toISOString().replace(/\.\d+Z$/, 'Z') },
  });
}

/** The object a token is bound to, which must exist (with the given uid, if any) and use this ServiceAccount. */
function boundTo(
  scope: RequestScope,
  ns: string,
  saName: string,
  ref: NonNullable<TokenRequest['spec']['boundObjectRef']>,
): BoundObject {
  const kind = ref.kind;
  if ((ref.apiVersion ?? 'v1') !== 'v1' || (kind !== 'Pod' && kind !== 'Secret' && kind !== 'Node'))
    throw badRequest(`cannot bind token to object of type ${ref.apiVersion ?? ''}, Kind=${kind ?? ''}`);
  const plural = `${kind.toLowerCase()}s`;
  const target = scope.api.registry.byResource('', 'v1', plural)!;
  const obj = scope.api.storage.get(target, kind === 'Node' ? undefined : ns, ref.name ?? '') as KubeObject & Pod;
  if (kind === 'Pod' && (obj.spec?.serviceAccountName ?? 'default') !== saName)
    throw badRequest(
      `cannot bind token for serviceaccount "${saName}" to pod running with different serviceaccount name.`,
    );
  const uid = obj.metadata.uid ?? '';
  if (ref.uid && ref.uid !== uid)
    throw new ApiError(
      409,
      'Conflict',
      `Operation cannot be fulfilled on ${kind} "${ref.name}": the UID in the bound object reference (${ref.uid}) ` +
        'does not match the UID in record. The object might have been deleted and then recreated',
      { name: ref.name, kind },
    );
  return { kind, name: ref.name ?? '', uid };
}
