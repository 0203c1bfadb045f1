// Container image references (docker distribution grammar), parsed only as far as the API server
// needs: the tag decides the default imagePullPolicy.

const PATH_COMPONENT = '[a-z0-9]+(?:(?:[._]|__|[-]+)[a-z0-9]+)*';
const DOMAIN_COMPONENT = '(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])';
const HOST = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])`;
const DOMAIN = `${HOST}(?::[0-9]+)?`;
const TAG = '[\\w][\\w.-]{0,127}';
const DIGEST = '[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}';
const REFERENCE = new RegExp(
  `^((?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*)(?::(${TAG}))?(?:@(${DIGEST}))?$`,
);
const NAME_MAX_LENGTH = 255;

export interface ImageReference {
  name: string;
  tag?: string;
  digest?: string;
}

/** undefined when the reference is not valid; the API server then treats it as having no tag. */
export function parseImageReference(image: string): ImageReference | undefined {
  if (/^[a-f0-9]{64}$/.test(image)) return undefined; // a bare image id is not a reference
  const m = REFERENCE.exec(image);
  if (!m) return undefined;
  const name = m[1];
  if (name.length > NAME_MAX_LENGTH) return undefined;
  // Without a registry part the whole repository must be lower case; a registry host may have capitals.
  const slash = name.indexOf('/');
  const first = slash < 0 ? '' : name.slice(0, slash);
  const isDomain = slash >= 0 && (/[.:]/.test(first) || first === 'localhost' || first !== first.toLowerCase());
  const remote = isDomain ? name.slice(slash + 1) : name;
  if (remote !== remote.toLowerCase()) return undefined;
  return { name, tag: m[2], digest: m[3] };
}

/** The tag the runtime would pull: "latest" when neither tag nor digest is given, "" when unparsable or digest-only. */
export function effectiveImageTag(image: string): string {
  const ref = parseImageReference(image);
  if (!ref) return '';
  if (ref.tag) return ref.tag;
  return ref.digest ? '' : 'latest';
}

/** Kubernetes' default: Always for :latest (or no tag), IfNotPresent otherwise. */
export function defaultPullPolicy(image: string): 'Always' | 'IfNotPresent' {
  return effectiveImageTag(image) === 'latest' ? 'Always' : 'IfNotPresent';
}
