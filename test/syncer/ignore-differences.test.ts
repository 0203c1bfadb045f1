// spec.ignoreDifferences on objects shaped as the API server returns them: which resources a rule names, and
// jsonPointers, jqPathExpressions and managedFieldsManagers left out of the comparison and the diff.
import * as assert from 'assert';
import type { IgnoreDifferencesRule } from '../../kube/application';
import { diffResource, ignoredDifferences, ignoredDifferencesOrError, isOutOfSync } from '../../syncer/diff';

const app = (ignoreDifferences: IgnoreDifferencesRule[]) => ({
  spec: { source: { repo: '/r' }, ignoreDifferences },
});

function deployment(replicas: number, sidecarImage: string, extra: Record<string, unknown> = {}) {
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name: 'web', namespace: 'shop', ...extra },
    spec: {
      replicas,
      selector: { matchLabels: { app: 'web' } },
      template: {
        metadata: { labels: { app: 'web' } },
        spec: {
          containers: [
            { name: 'web', image: 'nginx:1.27' },
            { name: 'sidecar', image: sidecarImage },
          ],
        },
      },
    },
  };
}

describe('ignoreDifferences', () => {
  const desired = deployment(2, 'proxy:1');

  it('jsonPointers: the field never makes the resource out of sync, nor shows in the diff', () => {
    const live = deployment(5, 'proxy:1');
    assert.strictEqual(isOutOfSync(desired, live), true);
    const ignore = ignoredDifferences(app([{ group: 'apps', kind: 'Deployment', jsonPointers: ['/spec/replicas'] }]));
    assert.strictEqual(isOutOfSync(desired, live, { ignore }), false);
    assert.deepStrictEqual(diffResource(desired, live, { ignore }), { changed: false, text: '' });
    // another difference still counts, and its diff leaves the ignored field out
    const drifted = deployment(5, 'proxy:2');
    assert.strictEqual(isOutOfSync(desired, drifted, { ignore }), true);
    const d = diffResource(desired, drifted, { ignore });
    assert.match(d.text, /-\s+- image: proxy:2\n\+\s+- image: proxy:1/);
    assert.doesNotMatch(d.text, /replicas/);
  });

  it('matches group, kind, name and namespace; * and absent match any', () => {
    const live = deployment(5, 'proxy:1');
    const outOfSync = (rule: IgnoreDifferencesRule) =>
      isOutOfSync(desired, live, { ignore: ignoredDifferences(app([{ jsonPointers: ['/spec/replicas'], ...rule }])) });
    assert.strictEqual(outOfSync({ kind: 'Deployment', name: 'web', namespace: 'shop' }), false);
    assert.strictEqual(outOfSync({ group: '*', kind: '*' }), false);
    assert.strictEqual(outOfSync({}), false);
    assert.strictEqual(outOfSync({ group: '', kind: 'Deployment' }), true, 'the core group is not apps');
    assert.strictEqual(outOfSync({ kind: 'StatefulSet' }), true);
    assert.strictEqual(outOfSync({ kind: 'Deployment', name: 'api' }), true);
    assert.strictEqual(outOfSync({ kind: 'Deployment', namespace: 'other' }), true);
  });

  it('jqPathExpressions: the fields the expression points at, in list items chosen by select()', () => {
    const live = deployment(2, 'proxy:9');
    const ignore = ignoredDifferences(
      app([
        {
          kind: 'Deployment',
          jqPathExpressions: ['.spec.template.spec.containers[] | select(.name == "sidecar") | .image'],
        },
      ]),
    );
    assert.strictEqual(isOutOfSync(desired, live), true);
    assert.strictEqual(isOutOfSync(desired, live, { ignore }), false);
    // the other container's image is still compared
    const web = deployment(2, 'proxy:9');
    web.spec.template.spec.containers[0].image = 'nginx:1.28';
    assert.strictEqual(isOutOfSync(desired, web, { ignore }), true);
  });

  it('managedFieldsManagers: what those managers own in the live object', () => {
    const managedFields = [
      { manager: 'slipway', operation: 'Apply', fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } } },
      {
        manager: 'kube-controller-manager',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:spec': { 'f:replicas': {} } },
      },
      {
        manager: 'mesh-injector',
        operation: 'Update',
        fieldsType: 'FieldsV1',
        fieldsV1: {
          'f:spec': {
            'f:template': {
              'f:spec': { 'f:containers': { 'k:{"name":"sidecar"}': { '.': {}, 'f:image': {} } } },
            },
          },
        },
      },
    ];
    const live = deployment(5, 'proxy:9', { managedFields });
    const only = (managers: string[]) =>
      isOutOfSync(desired, live, { ignore: ignoredDifferences(app([{ managedFieldsManagers: managers }])) });
    assert.strictEqual(only(['kube-controller-manager']), true, 'the sidecar image still differs');
    assert.strictEqual(only(['mesh-injector']), true, 'replicas still differ');
    assert.strictEqual(only(['kube-controller-manager', 'mesh-injector']), false);
  });

  it('respect: desired with the ignored fields as live has them, for self-heal and RespectIgnoreDifferences', () => {
    const ignore = ignoredDifferences(app([{ kind: 'Deployment', jsonPointers: ['/spec/replicas', '/spec/paused'] }]));
    const live = deployment(5, 'proxy:9');
    const applied = ignore.respect(desired, live);
    assert.strictEqual(applied.spec.replicas, 5);
    assert.strictEqual(applied.spec.template.spec.containers[1].image, 'proxy:1', 'what is not ignored stays');
    assert.strictEqual(desired.spec.replicas, 2, 'the desired object is not changed');
    // an ignored field live does not have is left out rather than set
    const paused = { ...desired, spec: { ...desired.spec, paused: true } };
    assert.strictEqual('paused' in ignore.respect(paused, live).spec, false);
  });

  it('names the entry whose pointer or jq expression cannot be read', () => {
    assert.throws(
      () => ignoredDifferences(app([{ kind: 'Deployment' }, { jsonPointers: ['spec/replicas'] }])),
      /spec\.ignoreDifferences\[1\]\.jsonPointers: JSON pointer "spec\/replicas" must start with \//,
    );
    const { error } = ignoredDifferencesOrError(app([{ jqPathExpressions: ['.spec | select('] }]));
    assert.match(error!, /^spec\.ignoreDifferences\[0\]\.jqPathExpressions: cannot parse "\.spec \| select\("/);
  });
});
