import * as assert from 'assert';
import {
  fromLabelSelector,
  formatLabelSelector,
  formatLabels,
  matchesLabels,
  parseLabelSelector,
  selectorFromMap,
  selectorToString,
  SelectorError,
  validateLabelSelector,
} from '../../kube/labelSelector';
import {
  compileFieldSelector,
  matchesFields,
  parseFieldSelector,
  selectableFields,
  supportedFieldLabels,
} from '../../kube/fieldSelector';
import { deepClone, deepEqual, getPath } from '../../kube/objects';
import { formatFieldError } from '../../kube/fieldErrors';

const web = { app: 'web', tier: 'frontend', release: '3' };

function selects(query: string, labels: Record<string, string> | undefined): boolean {
  return matchesLabels(parseLabelSelector(query), labels);
}

describe('label selector query strings', () => {
  it('matches equality with =, == and !=', () => {
    assert.strictEqual(selects('app=web', web), true);
    assert.strictEqual(selects('app==web', web), true);
    assert.strictEqual(selects('app=api', web), false);
    assert.strictEqual(selects('app!=api', web), true);
    assert.strictEqual(selects('app!=web', web), false);
    // != also selects objects without the label, as the API server does
    assert.strictEqual(selects('zone!=a', web), true);
  });

  it('matches set membership with in and notin', () => {
    assert.strictEqual(selects('tier in (frontend,backend)', web), true);
    assert.strictEqual(selects('tier in (backend)', web), false);
    assert.strictEqual(selects('tier notin (backend)', web), true);
    assert.strictEqual(selects('tier notin (frontend, backend)', web), false);
    assert.strictEqual(selects('zone notin (a)', web), true);
    assert.strictEqual(selects('zone in (a)', web), false);
  });

  it('matches existence and absence', () => {
    assert.strictEqual(selects('app', web), true);
    assert.strictEqual(selects('zone', web), false);
    assert.strictEqual(selects('!zone', web), true);
    assert.strictEqual(selects('!app', web), false);
    assert.strictEqual(selects('app', undefined), false);
  });

  it('ANDs comma-separated requirements and tolerates whitespace', () => {
    assert.strictEqual(selects('  app = web ,  tier in ( frontend ) , !zone ', web), true);
    assert.strictEqual(selects('app=web,tier=backend', web), false);
  });

  it('treats in and notin as plain words in key and value positions', () => {
    assert.strictEqual(selects('in=notin', { in: 'notin' }), true);
  });

  it('selects everything with an empty string', () => {
    assert.strictEqual(selects('', {}), true);
    assert.strictEqual(selects('', undefined), true);
  });

  it('compares integers with > and <', () => {
    assert.strictEqual(selects('release>2', web), true);
    assert.strictEqual(selects('release<3', web), false);
    assert.strictEqual(selects('release>2', { release: 'x' }), false);
  });

  it('rejects malformed selectors with the API server wording', () => {
    const cases: [string, RegExp][] = [
      ['app in web', /^unable to parse requirement: found 'web' expected: '\('$/],
      ['app in (a', /^unable to parse requirement: found '', expected: ',' or '\)'$/],
      ['app=web,', /^found '', expected: identifier after ','$/],
      ['app=web tier=x', /^found 'tier', expected: ',' or 'end of string'$/],
      ['=web', /^found '=', expected: !, identifier, or 'end of string'$/],
      ['app web', /^unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt$/],
      ['a b=c', /^unable to parse requirement: found 'b', expected: in, notin, =, ==, !=, gt, lt$/],
      ['app=we b', /^found 'b', expected: ',' or 'end of string'$/],
      ['-app=web', /^unable to parse requirement: .*Invalid value: "-app"/],
      ['app=-web', /^unable to parse requirement: values\[0\]\[app\]: Invalid value: "-web"/],
      ['release>x', /the value must be an integer/],
    ];
    for (const [q, re] of cases) {
      assert.throws(
        () => parseLabelSelector(q),
        (e: unknown) => e instanceof SelectorError && e.code === 400 && re.test(e.message),
        q,
      );
    }
  });

  it('prints the canonical form sorted by key with sorted values', () => {
    assert.strictEqual(
      selectorToString(parseLabelSelector('tier in (b,a),app=web,!zone,env')),
      'app=web,env,tier in (a,b),!zone',
    );
    assert.strictEqual(selectorToString(parseLabelSelector('x==1,y!=2,z notin (q)')), 'x==1,y!=2,z notin (q)');
  });
});

describe('metav1.LabelSelector', () => {
  it('converts matchLabels and matchExpressions into one selector', () => {
    const sel = fromLabelSelector({
      matchLabels: { app: 'web' },
      matchExpressions: [
        { key: 'tier', operator: 'In', values: ['frontend', 'edge'] },
        { key: 'track', operator: 'NotIn', values: ['canary'] },
        { key: 'release', operator: 'Exists' },
        { key: 'legacy', operator: 'DoesNotExist' },
      ],
    });
    assert.strictEqual(matchesLabels(sel, web), true);
    assert.strictEqual(matchesLabels(sel, { ...web, legacy: 'yes' }), false);
    assert.strictEqual(matchesLabels(sel, { ...web, track: 'canary' }), false);
    assert.strictEqual(matchesLabels(sel, { app: 'web', tier: 'frontend' }), false);
  });

  it('selects everything when empty and nothing when null', () => {
    assert.strictEqual(matchesLabels(fromLabelSelector({}), web), true);
    assert.strictEqual(matchesLabels(fromLabelSelector({ matchLabels: {}, matchExpressions: [] }), {}), true);
    assert.strictEqual(matchesLabels(fromLabelSelector(null), web), false);
    assert.strictEqual(matchesLabels(fromLabelSelector(undefined), {}), false);
  });

  it('refuses an unknown operator', () => {
    assert.throws(
      () => fromLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Gt', values: ['1'] }] }),
      /"Gt" is not a valid label selector operator/,
    );
  });

  it('formats the way kubectl shows selectors', () => {
    assert.strictEqual(formatLabelSelector({ matchLabels: { tier: 'web', app: 'shop' } }), 'app=shop,tier=web');
    assert.strictEqual(
      formatLabelSelector({
        matchLabels: { app: 'web' },
        matchExpressions: [
          { key: 'tier', operator: 'In', values: ['b', 'a'] },
          { key: 'x', operator: 'DoesNotExist' },
        ],
      }),
      'app=web,tier in (a,b),!x',
    );
    assert.strictEqual(formatLabelSelector({}), '<none>');
    assert.strictEqual(formatLabelSelector({ matchExpressions: [{ key: 'a', operator: 'Bogus' }] }), '<error>');
    assert.strictEqual(formatLabels({ b: '2', a: '1' }), 'a=1,b=2');
    assert.strictEqual(formatLabels({}), '<none>');
  });

  it('matches a plain label map selector (Service, ReplicationController)', () => {
    assert.strictEqual(matchesLabels(selectorFromMap({ app: 'web' }), web), true);
    assert.strictEqual(matchesLabels(selectorFromMap({ app: 'api' }), web), false);
  });

  it('reports validation errors with their paths', () => {
    const errs = validateLabelSelector(
      {
        matchLabels: { 'bad key!': 'ok' },
        matchExpressions: [
          { key: 'a', operator: 'In' },
          { key: 'b', operator: 'Exists', values: ['x'] },
          { key: 'c', operator: 'Matches', values: ['x'] },
          { key: 'd', operator: 'NotIn', values: ['not valid'] },
        ],
      },
      ['spec', 'selector'],
    ).map(formatFieldError);
    assert.deepStrictEqual(
      errs.map((e) => e.slice(0, e.indexOf(':'))),
      [
        'spec.selector.matchLabels',
        'spec.selector.matchExpressions[0].values',
        'spec.selector.matchExpressions[1].values',
        'spec.selector.matchExpressions[2].operator',
        'spec.selector.matchExpressions[3].values[0]',
      ],
    );
    assert.match(errs[1], /Required value: must be specified when `operator` is 'In' or 'NotIn'/);
    assert.match(errs[2], /Forbidden: may not be specified when `operator` is 'Exists' or 'DoesNotExist'/);
    assert.match(errs[3], /Invalid value: "Matches": not a valid selector operator/);
    assert.deepStrictEqual(
      validateLabelSelector({
        matchLabels: { 'app.kubernetes.io/name': 'web' },
        matchExpressions: [{ key: 'a', operator: 'Exists' }],
      }),
      [],
    );
  });
});

describe('field selectors', () => {
  const pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web-1', namespace: 'default' },
    spec: { nodeName: 'node-a', restartPolicy: 'Always' },
    status: { phase: 'Running', podIPs: [{ ip: '10.0.0.7' }] },
  };
  const event = {
    metadata: { name: 'web.17', namespace: 'default' },
    involvedObject: { kind: 'Deployment', name: 'web', namespace: 'default', uid: 'u-1' },
    reason: 'ScalingReplicaSet',
    type: 'Normal',
    source: { component: 'deployment-controller' },
  };

  it('accepts terms in any order, with =, == and !=', () => {
    const a = compileFieldSelector(
      'involvedObject.name=web,involvedObject.namespace=default,involvedObject.kind=Deployment,involvedObject.uid=u-1',
      'Event',
    );
    const b = compileFieldSelector(
      'involvedObject.uid=u-1,involvedObject.kind==Deployment,involvedObject.name=web,involvedObject.namespace=default',
      'Event',
    );
    assert.strictEqual(a(event), true);
    assert.strictEqual(b(event), true);
    assert.strictEqual(compileFieldSelector('involvedObject.name=web,type!=Normal', 'Event')(event), false);
    assert.strictEqual(
      compileFieldSelector('source=deployment-controller,reason=ScalingReplicaSet', 'Event')(event),
      true,
    );
  });

  it('evaluates pod fields the API server supports', () => {
    const sel = (q: string) => matchesFields(parseFieldSelector(q, 'Pod'), pod, 'Pod');
    assert.strictEqual(sel('spec.nodeName=node-a,status.phase=Running'), true);
    assert.strictEqual(sel('status.podIP=10.0.0.7'), true);
    assert.strictEqual(sel('status.phase!=Running'), false);
    // An unset field compares as the empty string, so this selects unscheduled pods.
    assert.strictEqual(sel('status.nominatedNodeName='), true);
    assert.strictEqual(sel('metadata.name=web-1,metadata.namespace=default'), true);
    assert.strictEqual(sel(''), true);
  });

  it('rejects a field the kind does not support as a 400', () => {
    assert.throws(
      () => parseFieldSelector('spec.foo=bar', 'Pod'),
      (e: any) => e.code === 400 && e.reason === 'BadRequest' && e.message === 'field label not supported: spec.foo',
    );
    assert.throws(
      () => compileFieldSelector('status.phase=Running', { group: 'apps', kind: 'Deployment' }),
      /field label not supported: status.phase/,
    );
    assert.ok(supportedFieldLabels({ group: '', kind: 'Secret' }).includes('type'));
    assert.ok(!supportedFieldLabels({ group: 'apps', kind: 'Deployment' }).includes('type'));
  });

  it('rejects terms without an operator', () => {
    assert.throws(
      () => parseFieldSelector('metadata.name'),
      /invalid selector: 'metadata.name'; can't understand 'metadata.name'/,
    );
  });

  it('unescapes commas and equals signs in values', () => {
    const obj = { metadata: { name: 'a,b=c' } };
    assert.strictEqual(compileFieldSelector('metadata.name=a\\,b\\=c', 'ConfigMap')(obj), true);
  });

  it('exposes kind-specific values as strings', () => {
    assert.deepStrictEqual(
      selectableFields({ metadata: { name: 'rs' }, status: { replicas: 3 } }, { group: 'apps', kind: 'ReplicaSet' }),
      { 'metadata.name': 'rs', 'metadata.namespace': '', 'status.replicas': '3' },
    );
    assert.strictEqual(
      compileFieldSelector('spec.unschedulable=false', 'Node')({ metadata: { name: 'n' }, spec: {} }),
      true,
    );
    assert.strictEqual(
      compileFieldSelector('spec.color=red', 'Widget', ['.spec.color'])({ metadata: {}, spec: { color: 'red' } }),
      true,
    );
  });
});

describe('object helpers', () => {
  it('reads nested paths, clones and compares structurally', () => {
    const o = { metadata: { name: 'x' }, spec: { containers: [{ name: 'a', image: 'nginx' }] } };
    assert.strictEqual(getPath(o, 'spec.containers[0].image'), 'nginx');
    assert.strictEqual(getPath(o, ['metadata', 'name']), 'x');
    assert.strictEqual(getPath(o, 'spec.missing.deep'), undefined);
    const c = deepClone(o);
    c.spec.containers[0].image = 'busybox';
    assert.strictEqual(o.spec.containers[0].image, 'nginx');
    assert.strictEqual(deepEqual({ a: 1, b: [1, 2] }, { b: [1, 2], a: 1 }), true);
    assert.strictEqual(deepEqual({ a: [1, 2] }, { a: [2, 1] }), false);
  });
});
