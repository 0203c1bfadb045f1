import * as assert from 'assert';
import {
  isCIdentifier,
  isConfigMapKey,
  isDNS1035Label,
  isDNS1123Label,
  isDNS1123Subdomain,
  isEnvVarName,
  isQualifiedName,
  isValidLabelValue,
  isValidPortName,
  isValidPortNum,
  isWildcardDNS1123Subdomain,
  nameIsDNSSubdomain,
  nameValidatorFor,
} from '../../kube/names';

const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with " +
  "an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an " +
  "alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";

describe('DNS names', () => {
  it('accepts ordinary subdomains and rejects others with the API server message', () => {
    assert.deepStrictEqual(isDNS1123Subdomain('web.example-1.com'), []);
    assert.deepStrictEqual(isDNS1123Subdomain('My_App'), [SUBDOMAIN_MSG]);
    assert.deepStrictEqual(isDNS1123Subdomain('-web'), [SUBDOMAIN_MSG]);
  });

  it('limits subdomains to 253 and labels to 63 characters', () => {
    assert.deepStrictEqual(isDNS1123Subdomain('a'.repeat(253)), []);
    assert.deepStrictEqual(isDNS1123Subdomain('a'.repeat(254)), ['must be no more than 253 characters']);
    assert.deepStrictEqual(isDNS1123Label('a'.repeat(63)), []);
    assert.deepStrictEqual(isDNS1123Label('a'.repeat(64)), ['must be no more than 63 characters']);
  });

  it('tells a dotted name that labels may not contain dots', () => {
    assert.deepStrictEqual(isDNS1123Label('team.prod'), ['must not contain dots']);
    assert.deepStrictEqual(isDNS1123Label('Team'), [LABEL_MSG]);
  });

  it('requires DNS-1035 labels to start with a letter', () => {
    assert.deepStrictEqual(isDNS1035Label('web-1'), []);
    assert.deepStrictEqual(isDNS1035Label('1web'), [
      "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an " +
        "alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')",
    ]);
  });

  it('accepts a single leading wildcard label only', () => {
    assert.deepStrictEqual(isWildcardDNS1123Subdomain('*.example.com'), []);
    assert.strictEqual(isWildcardDNS1123Subdomain('*.*.example.com').length, 1);
    assert.strictEqual(isWildcardDNS1123Subdomain('foo*.example.com').length, 1);
  });
});

describe('qualified names and label values', () => {
  it('accepts prefixed and plain keys', () => {
    assert.deepStrictEqual(isQualifiedName('app.kubernetes.io/name'), []);
    assert.deepStrictEqual(isQualifiedName('MyName'), []);
  });

  it('reports the prefix and the name part separately', () => {
    assert.deepStrictEqual(isQualifiedName('/name'), ['prefix part must be non-empty']);
    assert.deepStrictEqual(isQualifiedName('example.com/'), [
      'name part must be non-empty',
      "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character " +
        "(e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
    ]);
    assert.match(isQualifiedName('Example.com/x')[0], /^prefix part a lowercase RFC 1123 subdomain/);
    assert.deepStrictEqual(isQualifiedName('x'.repeat(64))[0], 'name part must be no more than 63 characters');
  });

  it('rejects more than one slash', () => {
    const errs = isQualifiedName('a/b/c');
    assert.strictEqual(errs.length, 1);
    assert.match(
      errs[0],
      /^a qualified name must consist of .* with an optional DNS subdomain prefix and '\/' \(e\.g\. 'example\.com\/MyName'\)$/,
    );
  });

  it('allows empty label values but not ones that start or end oddly', () => {
    assert.deepStrictEqual(isValidLabelValue(''), []);
    assert.deepStrictEqual(isValidLabelValue('v1.2_3-x'), []);
    assert.strictEqual(isValidLabelValue('-v1').length, 1);
    assert.deepStrictEqual(isValidLabelValue('a'.repeat(64))[0], 'must be no more than 63 characters');
  });
});

describe('ports, keys and identifiers', () => {
  it('checks IANA service names for ports', () => {
    assert.deepStrictEqual(isValidPortName('http-metrics'), []);
    assert.deepStrictEqual(isValidPortName('http-metrics-prom'), ['must be no more than 15 characters']);
    assert.deepStrictEqual(isValidPortName('8080'), ['must contain at least one letter (a-z)']);
    assert.deepStrictEqual(isValidPortName('a--b'), ['must not contain consecutive hyphens']);
    assert.deepStrictEqual(isValidPortName('-web'), ['must not begin or end with a hyphen']);
    assert.deepStrictEqual(isValidPortName('Web'), [
      'must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)',
    ]);
  });

  it('checks port numbers', () => {
    assert.deepStrictEqual(isValidPortNum(65535), []);
    assert.deepStrictEqual(isValidPortNum(0), ['must be between 1 and 65535, inclusive']);
    assert.deepStrictEqual(isValidPortNum(65536), ['must be between 1 and 65535, inclusive']);
  });

  it('checks config keys, including the dot rules', () => {
    assert.deepStrictEqual(isConfigMapKey('app.properties'), []);
    assert.deepStrictEqual(isConfigMapKey('..data'), ["must not start with '..'"]);
    assert.match(
      isConfigMapKey('conf/app')[0],
      /^a valid config key must consist of alphanumeric characters, '-', '_' or '\.'/,
    );
  });

  it('checks C identifiers and environment variable names', () => {
    assert.deepStrictEqual(isCIdentifier('MY_VAR'), []);
    assert.strictEqual(isCIdentifier('1VAR').length, 1);
    assert.deepStrictEqual(isEnvVarName('my.var-1'), []);
    assert.deepStrictEqual(isEnvVarName('A=B'), [
      "a valid environment variable name must consist only of printable ASCII characters other than '='",
    ]);
  });
});

describe('name rules per kind', () => {
  it('uses the rule each kind declares', () => {
    assert.deepStrictEqual(nameValidatorFor('Deployment')('web.v2', false), []);
    assert.deepStrictEqual(nameValidatorFor('Namespace')('team.prod', false), ['must not contain dots']);
    assert.strictEqual(nameValidatorFor('Service')('1web', false).length, 1);
    assert.deepStrictEqual(nameValidatorFor('ClusterRole')('system:aggregate-to-admin', false), []);
    assert.deepStrictEqual(nameValidatorFor('ClusterRole')('a/b', false), ["may not contain '/'"]);
  });

  it('lets a generateName prefix end with a dash', () => {
    assert.deepStrictEqual(nameIsDNSSubdomain('web-', true), []);
    assert.strictEqual(nameIsDNSSubdomain('web-', false).length, 1);
  });
});
