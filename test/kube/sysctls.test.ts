// Pod sysctls as kube-apiserver checks them: the kernel's name syntax, each name once.
import * as assert from 'assert';
import { startTestCluster, TestCluster } from '../helpers/testCluster';

function podWithSysctls(name: string, sysctls: string[]): string {
  return [
    'apiVersion: v1',
    'kind: Pod',
    `metadata: {name: ${name}}`,
    'spec:',
    '  containers: [{name: app, image: nginx:1.25}]',
    '  securityContext:',
    '    sysctls:',
    ...sysctls.map((s) => `    - {name: ${JSON.stringify(s)}, value: "1"}`),
  ].join('\n');
}

describe('pod sysctls', function () {
  this.timeout(60_000);
  let t: TestCluster;
  before(async () => {
    t = await startTestCluster({ nodes: 1 });
  });
  after(() => t?.stop());

  it('refuses a name that is no sysctl (foo-) and a repeated name, naming the entry', async () => {
    const bad = await t.kubectl(['apply', '-f', '-'], { input: podWithSysctls('bad', ['foo-']) });
    assert.notStrictEqual(bad.code, 0);
    assert.match(bad.stderr, /spec\.securityContext\.sysctls\[0\]\.name: Invalid value: "foo-": must have at most 253/);
    const twice = await t.kubectl(['apply', '-f', '-'], {
      input: podWithSysctls('twice', ['net.core.somaxconn', 'net.core.somaxconn']),
    });
    assert.notStrictEqual(twice.code, 0);
    assert.match(twice.stderr, /spec\.securityContext\.sysctls\[1\]\.name: Duplicate value: "net\.core\.somaxconn"/);
    const long = await t.kubectl(['apply', '-f', '-'], { input: podWithSysctls('long', ['a.'.repeat(127) + 'b']) });
    assert.notStrictEqual(long.code, 0);
  });

  it('accepts dotted and slashed names', async () => {
    const ok = await t.kubectl(['apply', '-f', '-'], {
      input: podWithSysctls('ok', [
        'net.ipv4.ip_local_port_range',
        'kernel/shm_rmid_forced',
        'net.ipv4.conf.eth0/1.rp_filter',
      ]),
    });
    assert.strictEqual(ok.code, 0, ok.stderr);
  });
});
