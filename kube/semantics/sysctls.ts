// A pod's sysctls (spec.securityContext.sysctls), checked as kube-apiserver checks them: names by the kernel's
// syntax (dots or slashes between segments), each once.
import { FieldError } from '../fieldErrors';
import { arr, at, duplicate, invalid, obj, Path, required, str } from './util';

const MAX_LENGTH = 253;
const SEGMENT = '[a-z0-9]([-_a-z0-9]*[a-z0-9])?';
const NAME = `^(${SEGMENT}[\\./])*${SEGMENT}$`;
const NAME_RE = new RegExp(NAME);

export function isValidSysctlName(name: string): boolean {
  return name.length <= MAX_LENGTH && NAME_RE.test(name);
}

/** path points at the sysctls list. */
export function validateSysctls(sysctls: unknown, path: Path): FieldError[] {
  const errs: FieldError[] = [];
  const seen = new Set<string>();
  arr(sysctls).forEach((raw, i) => {
    const name = str(obj(raw).name) ?? '';
    const p = at(path, i, 'name');
    if (!name) errs.push(required(p));
    else if (!isValidSysctlName(name))
      errs.push(invalid(p, name, `must have at most ${MAX_LENGTH} characters and match regex ${NAME}`));
    else if (seen.has(name)) errs.push(duplicate(p, name));
    seen.add(name);
  });
  return errs;
}
