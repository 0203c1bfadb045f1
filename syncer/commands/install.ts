// `slipway install`: make a cluster serve Applications (the CustomResourceDefinition, by server-side apply, so it
// can be run again after an upgrade) and say how to create one.
import type { CustomResourceDefinition } from 'kubernetes-types/apiextensions/v1';
import { APPLICATION_CRD, APPLICATION_CRD_NAME } from '../../kube/application';
import { CommandError, CommandIO } from './output';
import { connect, TargetOptions } from './target';

export interface InstallOptions extends TargetOptions {
  timeoutMs: number;
}

const CRD_REF = { apiVersion: 'apiextensions.k8s.io/v1', kind: 'CustomResourceDefinition', name: APPLICATION_CRD_NAME };

export async function install(o: InstallOptions, io: CommandIO): Promise<number> {
  const t = connect(o);
  try {
    const before = await t.client.find(CRD_REF);
    const after = await t.client.apply(APPLICATION_CRD, { fieldManager: 'slipway-cli', force: true });
    const what = !before
      ? 'created'
      : before.metadata?.resourceVersion === after.metadata?.resourceVersion
        ? 'unchanged'
        : 'configured';
    const deadline = Date.now() + o.timeoutMs;
    for (;;) {
      const crd: CustomResourceDefinition = await t.client.get(CRD_REF);
      if (crd.status?.conditions?.some((c) => c.type === 'Established' && c.status === 'True')) break;
      if (Date.now() > deadline)
        throw new CommandError(
          `CustomResourceDefinition ${APPLICATION_CRD_NAME} was applied but is not Established yet; see \`kubectl describe crd ${APPLICATION_CRD_NAME}\``,
          1,
        );
      await new Promise((r) => setTimeout(r, 100));
    }
    io.out(`customresourcedefinition.apiextensions.k8s.io/${APPLICATION_CRD_NAME} ${what} (cluster from ${t.origin})`);
    const kc = o.kubeconfig ? ` --kubeconfig ${o.kubeconfig}${o.context ? ` --context ${o.context}` : ''}` : '';
    io.out(
      [
        '',
        'Create an Application for a folder of a git repository, with a syncer that keeps it in sync:',
        `  slipway up PATH${kc}`,
        'or write one yourself (a syncer must run for it: `slipway up`):',
        '  apiVersion: slipway.dev/v1alpha1',
        '  kind: Application',
        '  metadata: { name: my-app, namespace: default }',
        '  spec:',
        '    source: { repo: /path/to/repo, branch: main, path: deploy }',
        '    syncPolicy: { automated: true, prune: true, selfHeal: true }',
      ].join('\n'),
    );
    return 0;
  } finally {
    t.client.close();
  }
}
