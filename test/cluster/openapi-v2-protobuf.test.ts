// /openapi/v2 in gnostic's protobuf form (openapi.v2.Document): the real kubectl reads it for
// `explain --output=plaintext-openapiv2`, and its bytes, decoded here with gnostic's field numbers written out
// apart from the encoder's table, give back what the JSON form of the same document says.
import * as assert from 'assert';
import { parse as parseYaml } from 'yaml';
import { WireReader, WireType } from '../../cluster/apiserver/protobuf/wire';
import { widgetCrd } from '../helpers/manifests';
import { eventually, startTestCluster, TestCluster } from '../helpers/testCluster';

const PROTOBUF = 'application/com.github.proto-openapi.spec.v2@v1.0+protobuf';

type Value = Buffer | bigint | number;
type Json = Record<string, unknown>;

/** A message's fields: number → values in order (payloads of length-delimited fields, varints, doubles). */
function fields(buf: Buffer): Map<number, Value[]> {
  const r = new WireReader(buf);
  const out = new Map<number, Value[]>();
  while (!r.eof) {
    const { field, wire } = r.tag();
    let v: Value;
    if (wire === WireType.Bytes) v = r.bytes();
    else if (wire === WireType.Varint) v = r.varint();
    else if (wire === WireType.Fixed64) v = r.fixed64().readDoubleLE(0);
    else throw new Error(`unexpected wire type ${wire} in field ${field}`);
    out.set(field, [...(out.get(field) ?? []), v]);
  }
  return out;
}

const one = (f: Map<number, Value[]>, n: number) => f.get(n)?.[0] as Buffer | undefined;
const all = (f: Map<number, Value[]>, n: number) => (f.get(n) ?? []) as Buffer[];
const text = (b: Buffer) => b.toString('utf8');

/** Named* pairs (1 name, 2 value) of a repeated field. */
function pairs(f: Map<number, Value[]>, n: number): [string, Buffer][] {
  return all(f, n).map((b) => {
    const p = fields(b);
    return [text(one(p, 1)!), one(p, 2) ?? Buffer.alloc(0)];
  });
}

/** Any: its YAML text (field 2), read as clients read it. */
const anyValue = (b: Buffer): unknown => parseYaml(text(one(fields(b), 2)!));

/** A Schema message back to the JSON keys compared below. */
function schemaJson(buf: Buffer): Json {
  const f = fields(buf);
  const out: Json = {};
  const str = (n: number, key: string) => one(f, n) && (out[key] = text(one(f, n)!));
  str(1, '$ref');
  str(2, 'format');
  str(4, 'description');
  if (one(f, 5)) out.default = anyValue(one(f, 5)!);
  if (f.has(19)) out.required = all(f, 19).map(text);
  if (f.has(20)) out.enum = all(f, 20).map(anyValue);
  if (one(f, 21)) {
    const a = fields(one(f, 21)!);
    out.additionalProperties = a.has(2) ? a.get(2)![0] === 1n : schemaJson(one(a, 1)!);
  }
  if (one(f, 22)) out.type = text(one(fields(one(f, 22)!), 1)!);
  if (one(f, 23)) out.items = schemaJson(one(fields(one(f, 23)!), 1)!);
  if (f.has(24)) out.allOf = all(f, 24).map(schemaJson);
  if (one(f, 25))
    out.properties = Object.fromEntries(pairs(fields(one(f, 25)!), 1).map(([k, v]) => [k, schemaJson(v)]));
  for (const [k, v] of pairs(f, 31)) out[k] = anyValue(v);
  return out;
}

const COMPARED = ['$ref', 'format', 'description', 'default', 'required', 'enum', 'type'];

/** The same keys of a JSON schema. */
function project(s: Json): Json {
  const out: Json = {};
  for (const [k, v] of Object.entries(s)) {
    if (COMPARED.includes(k) || k.startsWith('x-')) out[k] = v;
    else if (k === 'items' || (k === 'additionalProperties' && typeof v === 'object')) out[k] = project(v as Json);
    else if (k === 'additionalProperties') out[k] = v;
    else if (k === 'allOf') out[k] = (v as Json[]).map(project);
    else if (k === 'properties')
      out[k] = Object.fromEntries(Object.entries(v as Record<string, Json>).map(([n, p]) => [n, project(p)]));
  }
  return out;
}

describe('/openapi/v2 in protobuf', function () {
  this.timeout(60_000);
  let t: TestCluster;

  before(async () => {
    t = await startTestCluster({ nodes: 0 });
  });
  after(async () => {
    await t?.stop();
  });

  /**
   * Both forms of one version of the document: the cluster registers its own CRDs (Application) just after start,
   * so the two requests are made again until they carry the same ETag.
   */
  async function bothForms() {
    for (let attempt = 0; ; attempt++) {
      const pb = await t.request('GET', '/openapi/v2', undefined, { Accept: PROTOBUF });
      const json = await t.request('GET', '/openapi/v2', undefined, { Accept: 'application/json' });
      if (pb.headers.etag === json.headers.etag || attempt === 20) return { pb, json };
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  it('decodes to the same document as the JSON form: definitions, paths, info and security', async () => {
    const both = await bothForms();
    const pb = both.pb;
    assert.strictEqual(pb.status, 200);
    // kube-openapi names the dotted form, which Go's mime parser accepts
    assert.strictEqual(pb.headers['content-type'], 'application/com.github.proto-openapi.spec.v2.v1.0+protobuf');
    const json = both.json.body;

    const doc = fields(pb.bytes);
    assert.strictEqual(text(one(doc, 1)!), '2.0');
    const info = fields(one(doc, 2)!);
    assert.deepStrictEqual([text(one(info, 1)!), text(one(info, 2)!)], [json.info.title, json.info.version]);

    const definitions = pairs(fields(one(doc, 9)!), 1);
    assert.deepStrictEqual(
      definitions.map(([name]) => name),
      Object.keys(json.definitions),
    );
    for (const [name, schema] of definitions) {
      assert.deepStrictEqual(schemaJson(schema), project(json.definitions[name]), name);
    }

    const paths = pairs(fields(one(doc, 8)!), 2);
    assert.deepStrictEqual(
      paths.map(([p]) => p),
      Object.keys(json.paths),
    );
    const deployment = '/apis/apps/v1/namespaces/{namespace}/deployments/{name}';
    const patch = fields(one(fields(paths.find(([p]) => p === deployment)![1]), 8)!);
    const want = json.paths[deployment].patch;
    assert.strictEqual(text(one(patch, 5)!), want.operationId);
    assert.deepStrictEqual(all(patch, 7).map(text), want.consumes);
    assert.strictEqual(all(patch, 8).length, want.parameters.length);
    const extensions = Object.fromEntries(pairs(patch, 13).map(([k, v]) => [k, anyValue(v)]));
    assert.deepStrictEqual(extensions['x-kubernetes-group-version-kind'], want['x-kubernetes-group-version-kind']);
    // the body parameter: ParametersItem 1 → Parameter 1 (BodyParameter) with its schema's $ref
    const body = fields(one(fields(one(fields(all(patch, 8)[0]), 1)!), 1)!);
    assert.strictEqual(text(one(body, 3)!), 'body');
    assert.deepStrictEqual(schemaJson(one(body, 5)!), project(want.parameters[0].schema));

    const [[scheme, item]] = pairs(fields(one(doc, 13)!), 1);
    const apiKey = fields(one(fields(item), 2)!);
    assert.deepStrictEqual(
      [scheme, text(one(apiKey, 1)!), text(one(apiKey, 2)!), text(one(apiKey, 3)!)],
      ['BearerToken', 'apiKey', 'authorization', 'header'],
    );
  });

  it("carries the connect operations, proxy's OPTIONS and HEAD included, as the JSON form", async () => {
    const { pb, json } = await bothForms();
    const paths = pairs(fields(one(fields(pb.bytes), 8)!), 2);
    // PathItem fields: get 2, put 3, post 4, delete 5, options 6, head 7, patch 8; Operation 5 is its operationId
    const methods = { get: 2, put: 3, post: 4, delete: 5, options: 6, head: 7, patch: 8 };
    for (const p of ['/api/v1/namespaces/{namespace}/pods/{name}/exec', '/api/v1/nodes/{name}/proxy/{path}']) {
      const item = fields(paths.find(([name]) => name === p)![1]);
      const want = json.body.paths[p];
      const decoded = Object.entries(methods)
        .filter(([, n]) => one(item, n))
        .map(([m, n]) => [m, text(one(fields(one(item, n)!), 5)!)]);
      assert.deepStrictEqual(
        Object.fromEntries(decoded),
        Object.fromEntries(
          Object.keys(methods)
            .filter((m) => want[m])
            .map((m) => [m, want[m].operationId]),
        ),
      );
      assert.strictEqual(decoded.length, p.endsWith('/exec') ? 2 : 7, p);
    }
  });

  it('shares the ETag of the JSON form, answers 304 to it, and 406 to a type it does not serve', async () => {
    const { pb, json } = await bothForms();
    assert.ok(pb.headers.etag);
    assert.strictEqual(pb.headers.etag, json.headers.etag);
    assert.strictEqual(pb.headers.vary, 'Accept');
    const again = await t.request('GET', '/openapi/v2', undefined, {
      Accept: PROTOBUF,
      'If-None-Match': pb.headers.etag!,
    });
    assert.deepStrictEqual([again.status, again.bytes.length], [304, 0]);
    // q-values order the choice
    const preferred = await t.request('GET', '/openapi/v2', undefined, {
      Accept: `application/json;q=0.5, ${PROTOBUF}`,
    });
    assert.ok(preferred.bytes.equals(pb.bytes));
    const refused = await t.request('GET', '/openapi/v2', undefined, { Accept: 'text/html' });
    assert.strictEqual(refused.status, 406);
    assert.match(refused.body.message, /application\/com\.github\.proto-openapi\.spec\.v2@v1\.0\+protobuf/);
  });

  it('serves kubectl explain --output=plaintext-openapiv2, custom resources included', async () => {
    const out = await t.ok(['explain', 'deployment.spec', '--output=plaintext-openapiv2']);
    assert.match(out, /^KIND:\s+Deployment$/m);
    assert.match(out, /^VERSION:\s+apps\/v1$/m);
    assert.match(out, /^RESOURCE:\s+spec <Object>$/m);
    assert.match(out, /^ {3}replicas\t<integer>$/m);
    assert.match(out, /^ {3}template\t<Object> -required-$/m);
    const json = (await t.request('GET', '/openapi/v2', undefined, { Accept: 'application/json' })).body;
    const replicas: string = json.definitions['io.k8s.api.apps.v1.DeploymentSpec'].properties.replicas.description;
    assert.ok(out.replace(/\s+/g, ' ').includes(replicas.replace(/\s+/g, ' ')), out);

    // a CRD added after the document was built is in the next one
    await t.apply(
      JSON.stringify(
        widgetCrd({
          spec: {
            type: 'object',
            properties: { size: { type: 'integer', description: 'How many sprockets the widget holds.' } },
          },
        }),
      ),
    );
    const widget = await eventually(
      async () => {
        const r = await t.kubectl(['explain', 'widgets.spec', '--output=plaintext-openapiv2']);
        return r.code === 0 ? r.stdout : undefined;
      },
      15_000,
      'kubectl explain widgets.spec',
    );
    assert.match(widget!, /^ {3}size\t<integer>$/m);
    assert.match(widget!, /How many sprockets the widget holds\./);
  });
});
