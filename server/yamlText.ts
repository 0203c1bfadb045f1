// Writing scalars back into YAML text: plain when that reads back as the same string, quoted otherwise.

import { resolvePlain } from './documents/fastYaml';

const PLAIN_SAFE = /^[A-Za-z0-9_./][A-Za-z0-9_./ -]*$/;

export function yamlString(value: string): string {
  if (PLAIN_SAFE.test(value) && !value.endsWith(' ') && resolvePlain(value) === value) return value;
  return JSON.stringify(value);
}
