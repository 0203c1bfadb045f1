// Renders a kustomization with `kubectl kustomize`, from files written to a temporary folder.
import { CheckoutFile, renderCheckout, RenderOptions } from './renderTool';

export type { CheckoutFile, RenderOptions } from './renderTool';
export { DEFAULT_RENDER_TIMEOUT_MS } from './renderTool';

export const KUSTOMIZATION_FILES = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

/**
 * Writes `files` under a temporary root, runs `kubectl kustomize <root>/<dir>` and returns its YAML.
 * `where` names the kustomization for messages ("/repo: app/kustomization.yaml at 1a2b3c4").
 */
export function renderKustomization(
  files: CheckoutFile[],
  dir: string,
  where: string,
  opts: RenderOptions = {},
): Promise<string> {
  return renderCheckout(
    files,
    dir,
    where,
    {
      program: 'kubectl',
      args: (target) => ['kustomize', target],
      label: 'kubectl kustomize',
      missing:
        'Slipway needs kubectl on the PATH to render kustomization.yaml; install kubectl or render the manifests into the repository',
      timeoutHint: 'a remote base that does not answer?',
    },
    opts,
  );
}
