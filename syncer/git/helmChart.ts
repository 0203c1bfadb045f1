// Renders a Helm chart folder with `helm template`, as Argo CD's source.helm does; helm must be on the PATH.
import * as path from 'path';
import { SourceError } from './errors';
import { CheckoutFile, renderCheckout, RenderOptions } from './renderTool';

export interface HelmOptions {
  /** the Application's name unless spec.source.helm.releaseName says otherwise */
  releaseName: string;
  namespace: string;
  /** values files, relative to the chart folder, inside the repository */
  valueFiles?: string[];
  /** values as a YAML text */
  values?: string;
  /** values as an object (wins over `values`) */
  valuesObject?: Record<string, unknown>;
  /** --set name=value, or --set-string with forceString */
  parameters?: { name: string; value: string; forceString?: boolean }[];
}

/** A name in the checkout for the inline values (the repository's own files keep theirs). */
const INLINE_VALUES = ['.slipway-values.yaml', '.slipway-values-object.yaml'];

/** The arguments of `helm template` for the chart in `target`, a folder `depth` levels below the checkout root. */
export function helmTemplateArgs(target: string, dir: string, opts: HelmOptions): string[] {
  const root = dir === '.' ? target : path.resolve(target, ...dir.split('/').map(() => '..'));
  const args = ['template', opts.releaseName, target, '--namespace', opts.namespace, '--include-crds'];
  for (const f of opts.valueFiles ?? []) args.push('--values', path.join(target, ...f.split('/')));
  if (opts.values?.trim()) args.push('--values', path.join(root, INLINE_VALUES[0]));
  if (opts.valuesObject) args.push('--values', path.join(root, INLINE_VALUES[1]));
  for (const p of opts.parameters ?? []) args.push(p.forceString ? '--set-string' : '--set', `${p.name}=${p.value}`);
  return args;
}

/**
 * Renders the chart in `dir` of the checkout `files` (the whole commit: values files may sit beside the chart).
 * `chartPath` names it in messages. Values files must stay inside the repository.
 */
export function renderChart(
  files: CheckoutFile[],
  dir: string,
  chartPath: string,
  helm: HelmOptions,
  opts: RenderOptions = {},
): Promise<string> {
  const where = `Helm chart at ${chartPath}`;
  for (const f of helm.valueFiles ?? []) {
    const inRepo = path.posix.normalize(path.posix.join(dir, f));
    if (path.posix.isAbsolute(f) || /^[a-z]+:\/\//i.test(f) || inRepo.startsWith('..'))
      throw new SourceError(`${where}: valueFiles entry ${f} is outside the repository; give a path inside it`);
    if (!files.some((c) => c.path === inRepo))
      throw new SourceError(`${where}: valueFiles entry ${f} does not exist (looked for ${inRepo})`);
  }
  const inline: CheckoutFile[] = [];
  if (helm.values?.trim()) inline.push({ path: INLINE_VALUES[0], data: Buffer.from(helm.values) });
  if (helm.valuesObject) inline.push({ path: INLINE_VALUES[1], data: Buffer.from(JSON.stringify(helm.valuesObject)) });
  return renderCheckout(
    [...files, ...inline],
    dir,
    where,
    {
      program: 'helm',
      args: (target) => helmTemplateArgs(target, dir, helm),
      label: 'helm template',
      missing: 'helm was not found on the PATH; install helm or render the chart into plain manifests',
    },
    opts,
  );
}
