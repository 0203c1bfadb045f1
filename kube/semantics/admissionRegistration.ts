// Mutating- and ValidatingWebhookConfigurations, as admissionregistration/v1's validation checks them: webhook
// names (qualified, unique), where each is reached (exactly one of an https URL or a Service), its timeout, the
// AdmissionReview versions it accepts, its rules' operations, its selectors and its matchConditions. sideEffects
// Some and Unknown are let through (kube-apiserver refuses them in v1), so a dry run still meets the refusal such
// webhooks get.

import { compileWebhookCondition } from '../cel/policyExpressions';
import { FieldError } from '../fieldErrors';
import { isDNS1123Subdomain } from '../names';
import { validateMatchConditions } from './matchConditions';
import { validateLabelSelector } from './meta';
import {
  arr,
  at,
  duplicate,
  invalid,
  invalidEach,
  isObject,
  Json,
  notSupported,
  num,
  obj,
  required,
  str,
} from './util';
import type { Path } from './util';

const REVIEW_VERSIONS = ['v1', 'v1beta1'];
const OPERATIONS = ['*', 'CONNECT', 'CREATE', 'DELETE', 'UPDATE'];
const URL_FORM = '; desired format: https://host[/path]';

export function validateWebhookConfiguration(o: Json): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  arr(o.webhooks).forEach((w, i) => {
    const hook = obj(w);
    const path = ['webhooks', i];
    const name = str(hook.name) ?? '';
    if (names.has(name)) errs.push(duplicate(at(path, 'name'), name));
    names.add(name);
    errs.push(...qualifiedName(at(path, 'name'), name));
    errs.push(...clientConfig(obj(hook.clientConfig), at(path, 'clientConfig')));
    const timeout = num(hook.timeoutSeconds);
    if (timeout !== undefined && (timeout < 1 || timeout > 30))
      errs.push(invalid(at(path, 'timeoutSeconds'), timeout, 'the timeout value must be between 1 and 30 seconds'));
    errs.push(...reviewVersions(hook.admissionReviewVersions, at(path, 'admissionReviewVersions')));
    arr(hook.rules).forEach((r, j) =>
      arr(obj(r).operations).forEach((op, k) => {
        if (!OPERATIONS.includes(String(op)))
          errs.push(notSupported(at(path, 'rules', j, 'operations', k), op, OPERATIONS));
      }),
    );
    for (const f of ['namespaceSelector', 'objectSelector']) errs.push(...validateLabelSelector(hook[f], at(path, f)));
    errs.push(...validateMatchConditions(hook.matchConditions, at(path, 'matchConditions'), compileWebhookCondition));
  });
  return errs;
}

function qualifiedName(path: Path, name: string): FieldError[] {
  if (!name) return [required(path)];
  const errs = invalidEach(path, name, isDNS1123Subdomain(name));
  if (name.split('.').length < 3)
    errs.push(invalid(path, name, 'should be a domain with at least three segments separated by dots'));
  return errs;
}

function clientConfig(cc: Json, path: Path): FieldError[] {
  const url = str(cc.url);
  const service = isObject(cc.service) ? cc.service : undefined;
  if ((url === undefined) === (service === undefined))
    return [required(path, 'exactly one of url or service is required')];
  if (url !== undefined) return webhookUrl(url, at(path, 'url'));
  const s = obj(service);
  const p = at(path, 'service');
  const errs: FieldError[] = [];
  if (!str(s.name)) errs.push(required(at(p, 'name'), 'service name is required'));
  if (!str(s.namespace)) errs.push(required(at(p, 'namespace'), 'service namespace is required'));
  const port = num(s.port);
  if (port !== undefined && (port < 1 || port > 65535 || !Number.isInteger(port)))
    errs.push(invalid(at(p, 'port'), port, 'port is not valid: must be between 1 and 65535, inclusive'));
  const servicePath = str(s.path);
  if (servicePath && servicePath !== '/' && !servicePath.startsWith('/'))
    errs.push(invalid(at(p, 'path'), servicePath, "must start with a '/'"));
  return errs;
}

function webhookUrl(raw: string, path: Path): FieldError[] {
  let u: URL;
  try {
    u = new URL(raw);
  } catch (e) {
    return [required(path, `url must be a valid URL: ${(e as Error).message}${URL_FORM}`)];
  }
  const errs: FieldError[] = [];
  const scheme = u.protocol.replace(/:$/, '');
  if (scheme !== 'https') errs.push(invalid(path, scheme, `'https' is the only allowed URL scheme${URL_FORM}`));
  if (!u.host) errs.push(invalid(path, u.host, `host must be specified${URL_FORM}`));
  if (u.username || u.password) errs.push(invalid(path, u.username, 'user information is not permitted in the URL'));
  if (u.hash) errs.push(invalid(path, u.hash.slice(1), 'fragments are not permitted in the URL'));
  if (u.search) errs.push(invalid(path, u.search.slice(1), 'query parameters are not permitted in the URL'));
  return errs;
}

function reviewVersions(v: unknown, path: Path): FieldError[] {
  const versions = arr(v).map(String);
  if (!versions.length) return [required(path, `must specify one of ${REVIEW_VERSIONS.join(', ')}`)];
  if (versions.some((x) => REVIEW_VERSIONS.includes(x))) return [];
  return [invalid(path, versions, `must include at least one of ${REVIEW_VERSIONS.join(', ')}`)];
}
