import * as assert from 'assert';
import { formatFieldError, FieldError } from '../../kube/fieldErrors';
import { compilePolicyExpression } from '../../kube/cel/policyExpressions';
import { ruleCostErrors } from '../../kube/cel/ruleCostEstimate';
import { ruleDefinitionErrors, validateRules, type ValidationRule } from '../../kube/cel/schemaRules';
import { compileExpression } from '../../kube/cel/program';
import { checkManifest } from '../../kube/manifestCheck';
import type { SchemaObject } from '../../kube/schemas';

const messages = (errors: FieldError[]) => errors.map(formatFieldError);

/** A Gateway-like CRD schema, with rules written as Gateway API and cert-manager write theirs. */
function gatewaySchema(): SchemaObject {
  return {
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: {
          listeners: {
            type: 'array',
            maxItems: 64,
            'x-kubernetes-list-type': 'map',
            'x-kubernetes-list-map-keys': ['name'],
            items: {
              type: 'object',
              properties: {
                name: { type: 'string' },
                protocol: { type: 'string' },
                port: { type: 'integer' },
                hostname: { type: 'string' },
              },
            },
            'x-kubernetes-validations': [
              {
                rule: "self.all(l, l.protocol in ['TCP', 'UDP'] ? !has(l.hostname) : true)",
                message: 'hostname must not be specified for protocols TCP and UDP',
              },
              { rule: 'self.all(l1, self.exists_one(l2, l1.name == l2.name))', message: 'names must be unique' },
            ],
          },
          replicas: { type: 'integer' },
          maxReplicas: { type: 'integer' },
          renewBefore: { type: 'string', format: 'duration' },
          notAfter: { type: 'string', format: 'date-time' },
          'class-name': { type: 'string' },
          labels: {
            type: 'object',
            additionalProperties: {
              type: 'string',
              'x-kubernetes-validations': [{ rule: 'self.size() <= 5', message: 'at most 5 characters' }],
            },
          },
          path: {
            type: 'object',
            properties: { type: { type: 'string' }, value: { type: 'string' } },
            'x-kubernetes-validations': [
              {
                rule: "self.type in ['Exact', 'PathPrefix'] ? self.value.startsWith('/') : true",
                message: 'value must be an absolute path',
                fieldPath: '.value',
              },
            ],
          },
          ports: { type: 'array', items: { type: 'integer' } },
        },
        'x-kubernetes-validations': [
          {
            rule: 'self.replicas <= self.maxReplicas',
            messageExpression: "'replicas ' + string(self.replicas) + ' exceed ' + string(self.maxReplicas)",
          },
          { rule: "!has(self.renewBefore) || self.renewBefore < duration('720h')", reason: 'FieldValueForbidden' },
          { rule: "!has(self.notAfter) || self.notAfter > timestamp('2020-01-01T00:00:00Z')" },
          { rule: '!has(self.class__dash__name) || self.class__dash__name.lowerAscii() == self.class__dash__name' },
          { rule: '!has(self.ports) || self.ports.isSorted() && self.ports.sum() < 100000' },
        ],
      },
    },
  };
}

function gateway(spec: Record<string, unknown>) {
  return { apiVersion: 'example.com/v1', kind: 'Gateway', metadata: { name: 'gw' }, spec };
}

describe('CEL rules of CRD schemas (kube/cel)', () => {
  it('accepts an object that follows every rule', () => {
    const obj = gateway({
      listeners: [
        { name: 'web', protocol: 'HTTP', port: 80, hostname: 'example.com' },
        { name: 'dns', protocol: 'UDP', port: 53 },
      ],
      replicas: 2,
      maxReplicas: 3,
      renewBefore: '360h',
      notAfter: '2030-01-01T00:00:00Z',
      'class-name': 'internal',
      labels: { a: 'short' },
      path: { type: 'PathPrefix', value: '/api' },
      ports: [80, 443],
    });
    assert.deepStrictEqual(messages(validateRules(obj, gatewaySchema())), []);
  });

  it('reports each broken rule at its field, worded as kube-apiserver words it', () => {
    const obj = gateway({
      listeners: [
        { name: 'dns', protocol: 'UDP', port: 53, hostname: 'x.example.com' },
        { name: 'dns', protocol: 'TCP', port: 54 },
      ],
      replicas: 5,
      maxReplicas: 3,
      renewBefore: '1000h',
      notAfter: '2019-01-01T00:00:00Z',
      'class-name': 'Internal',
      labels: { a: 'far too long' },
      path: { type: 'Exact', value: 'api' },
      ports: [443, 80],
    });
    assert.deepStrictEqual(messages(validateRules(obj, gatewaySchema())), [
      'spec: Invalid value: "object": replicas 5 exceed 3',
      "spec: Forbidden: failed rule: !has(self.renewBefore) || self.renewBefore < duration('720h')",
      'spec: Invalid value: "object": failed rule: !has(self.notAfter) || self.notAfter > timestamp(\'2020-01-01T00:00:00Z\')',
      'spec: Invalid value: "object": failed rule: !has(self.class__dash__name) || ' +
        'self.class__dash__name.lowerAscii() == self.class__dash__name',
      'spec: Invalid value: "object": failed rule: !has(self.ports) || self.ports.isSorted() && self.ports.sum() < 100000',
      'spec.listeners: Invalid value: "array": hostname must not be specified for protocols TCP and UDP',
      'spec.listeners: Invalid value: "array": names must be unique',
      'spec.labels[a]: Invalid value: "string": at most 5 characters',
      'spec.path.value: Invalid value: "object": value must be an absolute path',
    ]);
  });

  it('evaluates transition rules only on update, and optionalOldSelf rules always', () => {
    const schema: SchemaObject = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            issuer: {
              type: 'string',
              'x-kubernetes-validations': [{ rule: 'self == oldSelf', message: 'is immutable' }],
            },
            size: {
              type: 'integer',
              'x-kubernetes-validations': [
                {
                  rule: '!oldSelf.hasValue() || self >= oldSelf.value()',
                  optionalOldSelf: true,
                  message: 'may not shrink',
                },
                { rule: 'oldSelf.hasValue() || self < 100', optionalOldSelf: true, message: 'starts below 100' },
              ],
            },
          },
        },
      },
    };
    const old = { spec: { issuer: 'a', size: 10 } };
    assert.deepStrictEqual(messages(validateRules({ spec: { issuer: 'b', size: 200 } }, schema)), [
      'spec.size: Invalid value: "integer": starts below 100',
    ]);
    assert.deepStrictEqual(messages(validateRules({ spec: { issuer: 'b', size: 5 } }, schema, { old })), [
      'spec.issuer: Invalid value: "string": is immutable',
      'spec.size: Invalid value: "integer": may not shrink',
    ]);
    assert.deepStrictEqual(
      messages(validateRules({ spec: { issuer: 'b', size: 200 } }, schema, { old, skipTransitionRules: true })),
      [],
    );
  });

  it('matches old items of map-type lists by their keys', () => {
    const schema: SchemaObject = {
      type: 'object',
      properties: {
        items: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['name'],
          items: {
            type: 'object',
            properties: { name: { type: 'string' }, port: { type: 'integer' } },
            'x-kubernetes-validations': [{ rule: 'self.port == oldSelf.port', message: 'port is immutable' }],
          },
        },
      },
    };
    const old = {
      items: [
        { name: 'a', port: 1 },
        { name: 'b', port: 2 },
      ],
    };
    const now = {
      items: [
        { name: 'b', port: 2 },
        { name: 'a', port: 3 },
        { name: 'c', port: 9 },
      ],
    };
    assert.deepStrictEqual(messages(validateRules(now, schema, { old })), [
      'items[1]: Invalid value: "object": port is immutable',
    ]);
  });

  it('sees the root with apiVersion, kind and metadata.name only', () => {
    const schema: SchemaObject = {
      type: 'object',
      properties: { spec: { type: 'object', properties: { prefix: { type: 'string' } } } },
      'x-kubernetes-validations': [
        { rule: 'self.metadata.name.startsWith(self.spec.prefix) && self.kind == "Gateway"', message: 'bad name' },
        { rule: '!has(self.metadata.labels)', message: 'labels are not visible to rules' },
      ],
    };
    const obj = { ...gateway({ prefix: 'x' }), metadata: { name: 'gw', labels: { a: 'b' } } };
    assert.deepStrictEqual(messages(validateRules(obj, schema)), [': Invalid value: "object": bad name']);
  });

  it('reports a runtime error of a rule with the rule, never throwing', () => {
    const schema: SchemaObject = {
      type: 'object',
      properties: { spec: { type: 'object', 'x-kubernetes-validations': [{ rule: 'self.missing > 1' }] } },
    };
    assert.deepStrictEqual(messages(validateRules({ spec: {} }, schema)), [
      'spec: Invalid value: "object": no such key: missing evaluating rule: self.missing > 1',
    ]);
  });

  it('finds rules that do not compile, names that are not fields, and rules that are not booleans', () => {
    const schema: SchemaObject = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: { a: { type: 'string' } },
          'x-kubernetes-validations': [
            { rule: 'self.a ==' },
            { rule: 'self.a.noSuchFunction()' },
            { rule: '1 + 1' },
            { rule: 'self.a == "x"', fieldPath: '.b' },
            { rule: 'self.a == "x"', messageExpression: '"x" +' },
            { rule: 'self.a == "x"', optionalOldSelf: true },
            { rule: 'size(self.a) < 3 && self.a.matches("^[a-z]+$")' },
            { rule: 'self.a == "x"', messageExpression: 'size(self.a)' },
          ],
        },
      },
    };
    const errors = messages(ruleDefinitionErrors(schema, ['openAPIV3Schema']));
    assert.strictEqual(errors.length, 7, errors.join('\n'));
    assert.match(errors[0], /^openAPIV3Schema\.properties\[spec\]\.x-kubernetes-validations\[0\]\.rule: /);
    assert.match(errors[0], /\.rule: .*compilation failed: ERROR: <input>:1:10: /);
    assert.match(errors[1], /validations\[1\]\.rule: .*compilation failed: .*noSuchFunction/);
    assert.match(errors[2], /validations\[2\]\.rule: .*compilation failed: must evaluate to bool, not int/);
    assert.match(errors[3], /validations\[3\]\.fieldPath: Invalid value: "\.b": does not refer to a valid field/);
    assert.match(errors[4], /validations\[4\]\.messageExpression: .*compilation failed/);
    assert.match(errors[5], /validations\[5\]\.optionalOldSelf: .*only be set if the rule uses oldSelf/);
    assert.match(errors[6], /validations\[7\]\.messageExpression: .*must evaluate to string, not int/);
    // an object of such a schema gets the compile error, not a crash
    assert.deepStrictEqual(messages(validateRules({ spec: { a: 'x' } }, schema)).slice(0, 1), [
      'spec: Invalid value: "object": rule compile error: ERROR: <input>:1:10: Unexpected token: EOF',
    ]);
  });

  it('offers the Kubernetes list and string functions rules use', () => {
    const evaluate = (source: string) => {
      const c = compileExpression(source, { self: 'dyn' });
      assert.ok(c.ok, c.ok ? '' : c.error);
      const r = c.expression.evaluate({ self: { list: [3n, 1n, 2n], name: 'a-b-c' } });
      assert.ok(r.ok, r.ok ? '' : r.error);
      return r.value;
    };
    assert.strictEqual(evaluate('self.list.sum()'), 6n);
    assert.strictEqual(evaluate('self.list.min()'), 1n);
    assert.strictEqual(evaluate('self.list.max()'), 3n);
    assert.strictEqual(evaluate('self.list.isSorted()'), false);
    assert.strictEqual(evaluate('self.list.indexOf(2)'), 2n);
    assert.deepStrictEqual(evaluate('self.name.split("-")'), ['a', 'b', 'c']);
    assert.strictEqual(evaluate('self.name.replace("-", "_", 1)'), 'a_b-c');
    assert.strictEqual(evaluate('self.name.charAt(2)'), 'b');
    assert.deepStrictEqual(evaluate('self.name.findAll("[a-z]")'), ['a', 'b', 'c']);
    assert.strictEqual(evaluate('self.name.upperAscii().reverse()'), 'C-B-A');
    assert.strictEqual(evaluate("isIP('10.0.0.1') && !isIP('10.0.0.256') && ip('::1').isLoopback()"), true);
    assert.strictEqual(evaluate("ip('fd00::1').family() == 6 && cidr('10.0.0.0/8').containsIP('10.2.3.4')"), true);
    assert.strictEqual(
      evaluate("cidr('10.0.0.0/8').containsCIDR(cidr('10.1.0.0/16')) && !isCIDR('10.0.0.0/33')"),
      true,
    );
    assert.strictEqual(evaluate("cidr('192.168.0.0/16').containsIP(ip('10.0.0.1'))"), false);
  });

  it("offers Kubernetes' quantity, URL and sets libraries", () => {
    const schema: SchemaObject = {
      type: 'object',
      properties: {
        spec: {
          type: 'object',
          properties: {
            memory: { type: 'string' },
            limit: { type: 'string' },
            endpoint: { type: 'string' },
            zones: { type: 'array', items: { type: 'string' } },
          },
          'x-kubernetes-validations': [
            { rule: 'quantity(self.memory).isLessThan(quantity(self.limit))', message: 'memory must stay below limit' },
            {
              rule: "quantity(self.memory).add(quantity('512Mi')).compareTo(quantity('2Gi')) <= 0",
              message: 'headroom',
            },
            { rule: "isQuantity(self.limit) && !isQuantity('128MB')", message: 'not a quantity' },
            { rule: "url(self.endpoint).getScheme() == 'https'", message: 'endpoint must use https' },
            { rule: "url(self.endpoint).getHostname().endsWith('.example.com')", message: 'endpoint host' },
            { rule: "sets.contains(['a', 'b', 'c'], self.zones)", message: 'unknown zone' },
            { rule: "!sets.intersects(self.zones, ['c'])", message: 'zone c is closed' },
          ],
        },
      },
    };
    const ok = { spec: { memory: '1Gi', limit: '1500Mi', endpoint: 'https://api.example.com:8443/v1', zones: ['a'] } };
    assert.deepStrictEqual(messages(validateRules(ok, schema)), []);
    const bad = { spec: { memory: '1800Mi', limit: '1.5Gi', endpoint: 'http://evil.test/', zones: ['c', 'd'] } };
    assert.deepStrictEqual(
      messages(validateRules(bad, schema)).map((m) => m.replace('spec: Invalid value: "object": ', '')),
      [
        'memory must stay below limit',
        'headroom',
        'endpoint must use https',
        'endpoint host',
        'unknown zone',
        'zone c is closed',
      ],
    );
  });

  it('runs in the one manifest check that admission, the syncer and the editor share', () => {
    const result = checkManifest(gateway({ replicas: 4, maxReplicas: 3 }), { customSchema: gatewaySchema() });
    assert.deepStrictEqual(messages(result.errors), ['spec: Invalid value: "object": replicas 4 exceed 3']);
    // a value of the wrong type leaves rules alone, as in Kubernetes
    const wrong = checkManifest(gateway({ replicas: 'four', maxReplicas: 3 }), { customSchema: gatewaySchema() });
    assert.ok(
      wrong.errors.every((e) => e.type === 'FieldValueTypeInvalid'),
      messages(wrong.errors).join('\n'),
    );
  });
});

describe('CEL cost limits: a rule cannot stall the server', () => {
  // 300 items: a triple loop is 27 million steps, seconds of work without the limits
  const items = Array.from({ length: 300 }, (_, i) => i);
  const listSchema = (rules: ValidationRule[]): SchemaObject => ({
    type: 'object',
    properties: {
      spec: {
        type: 'object',
        properties: { items: { type: 'array', items: { type: 'integer' }, 'x-kubernetes-validations': rules } },
      },
    },
  });
  const cubic = 'self.all(x, self.all(y, self.all(z, x + y + z >= 0)))';
  // without the limits these evaluations run for seconds to hours: the test's timeout stands for the bound

  it('stops a rule at the per-call limit, with kube-apiserver words, and runs no further rules', () => {
    const schema = listSchema([{ rule: cubic }, { rule: 'self.size() < 10', message: 'at most 10 items' }]);
    const value = validateRules({ spec: { items } }, schema);
    assert.deepStrictEqual(messages(value), [
      `spec.items: Invalid value: "array": 'operation cancelled: actual cost limit exceeded': ` +
        `no further validation rules will be run due to call cost exceeds limit for rule: ${cubic}`,
    ]);
  });

  it('stops a rule whose error the evaluation would set aside (error || true)', () => {
    const value = validateRules({ spec: { items } }, listSchema([{ rule: `${cubic} || true` }]));
    assert.match(messages(value).join('\n'), /operation cancelled: actual cost limit exceeded/);
  });

  it('shares one budget among all the rules of an object', () => {
    // each rule is under the per-call limit; thirty of them are not under the object's budget
    const rules = Array.from({ length: 30 }, (_, i) => ({ rule: `self.all(x, self.all(y, x >= ${i}))` }));
    const big = Array.from({ length: 400 }, (_, i) => i + 100);
    const errors = validateRules({ spec: { items: big } }, listSchema(rules));
    assert.deepStrictEqual(messages(errors), [
      'spec.items: Invalid value: "array": validation failed due to running out of cost budget, ' +
        'no further validation rules will be run',
    ]);
    // the same rules on a smaller list pass
    assert.deepStrictEqual(validateRules({ spec: { items: big.slice(0, 50) } }, listSchema(rules)), []);
  });

  it('reports the cost error in the manifest check the syncer and the editor share', () => {
    const obj = { apiVersion: 'example.com/v1', kind: 'List', metadata: { name: 'l' }, spec: { items } };
    const value = checkManifest(obj, { customSchema: listSchema([{ rule: cubic }]) });
    assert.match(messages(value.errors).join('\n'), /call cost exceeds limit for rule: self\.all/);
  });

  it('runs a pattern that backtracks exponentially in bounded time (RE2 is linear)', () => {
    // on JavaScript's backtracking engine alone, 40 characters take hours
    const schema: SchemaObject = {
      type: 'object',
      properties: {
        name: {
          type: 'string',
          'x-kubernetes-validations': [
            { rule: "self.matches('^(a+)+$')", message: 'only a' },
            { rule: "self.find('(a|aa)+b') == ''", message: 'no a run before b' },
          ],
        },
      },
    };
    const value = validateRules({ name: 'a'.repeat(40) + '!' }, schema);
    assert.deepStrictEqual(messages(value), ['name: Invalid value: "string": only a']);
  });

  it('limits admission expressions too', () => {
    const compiled = compilePolicyExpression('object.items.all(x, object.items.all(y, object.items.all(z, true)))');
    assert.ok(compiled.ok);
    const value = compiled.expression.evaluate({ object: { items } });
    assert.deepStrictEqual(value, {
      ok: false,
      error: 'operation cancelled: actual cost limit exceeded',
      costExceeded: 'call',
    });
    // a policy variable evaluated while an expression reads it counts towards that expression
    const reader = compilePolicyExpression('variables.loops');
    assert.ok(reader.ok);
    const variables = {
      get loops() {
        const result = compiled.expression.evaluate({ object: { items } });
        if (!result.ok) throw new Error(result.error);
        return result.value;
      },
    };
    const read = reader.expression.evaluate({ object: { items }, variables });
    assert.deepStrictEqual(read, {
      ok: false,
      error: 'operation cancelled: actual cost limit exceeded',
      costExceeded: 'call',
    });
    // a cheap expression is unaffected
    const cheap = compilePolicyExpression('object.items.all(x, x >= 0)');
    assert.ok(cheap.ok);
    assert.deepStrictEqual(cheap.expression.evaluate({ object: { items } }), { ok: true, value: true });
  });
});

describe('CEL cost estimate of the rules of a CRD', () => {
  const HINT =
    '(try simplifying the rule, or adding maxItems, maxProperties, and maxLength where arrays, maps, and strings ' +
    'are declared)';
  const names = (maxItems?: number, rules: ValidationRule[] = []): SchemaObject => ({
    type: 'object',
    properties: {
      names: { type: 'array', items: { type: 'string' }, 'x-kubernetes-validations': rules, maxItems },
    },
  });
  const unique = { rule: 'self.all(a, self.exists_one(b, a == b))' };

  it('refuses a nested loop over an unbounded list, and accepts it once maxItems bounds the list', () => {
    assert.deepStrictEqual(messages(ruleCostErrors(names(undefined, [unique]), ['schema'])), [
      'schema.properties[names].x-kubernetes-validations[0].rule: Forbidden: estimated rule cost exceeds budget ' +
        `by factor of more than 100x ${HINT}`,
      'schema.properties[names].x-kubernetes-validations[0].rule: Forbidden: contributed to estimated rule cost ' +
        'total exceeding cost limit for entire OpenAPIv3 schema',
      'schema: Forbidden: x-kubernetes-validations estimated rule cost total for entire OpenAPIv3 schema exceeds ' +
        `budget by factor of more than 100x ${HINT}`,
    ]);
    assert.deepStrictEqual(ruleCostErrors(names(64, [unique]), ['schema']), []);
    // one loop over an unbounded list is within the limit, as in kube-apiserver
    assert.deepStrictEqual(ruleCostErrors(names(undefined, [{ rule: "self.all(a, a != '')" }]), ['schema']), []);
  });

  it('counts a rule once per element of the lists above it', () => {
    const perItem = (outer?: number): SchemaObject => ({
      type: 'object',
      properties: { groups: { type: 'array', maxItems: outer, items: names(100, [unique]) } },
    });
    assert.deepStrictEqual(ruleCostErrors(perItem(10), ['schema']), []);
    assert.match(
      messages(ruleCostErrors(perItem(1000), ['schema']))[0],
      new RegExp(
        String.raw`^schema\.properties\[groups\]\.items\.properties\[names\]\.x-kubernetes-validations\[0\]\.rule: ` +
          String.raw`Forbidden: estimated rule cost exceeds budget by factor of \d+\.\dx`,
      ),
    );
  });

  it('accepts the rules CRDs such as Gateway API and cert-manager write', () => {
    assert.deepStrictEqual(ruleCostErrors(gatewaySchema(), ['schema']), []);
  });
});
