#!/usr/bin/env node
'use strict';
// Builds kube/generated/k8s-schemas.json: OpenAPI v3 component schemas for the Kubernetes API,
// under Kubernetes' own definition names, from the npm packages already in node_modules.
//
//   structure, field types, required fields, descriptions: @kubernetes/client-node (Kubernetes v1.34.0)
//   definition names and special types (Quantity, IntOrString, Time, RawExtension, ...):
//       kubernetes-models and kubernetes-types, which keep the Kubernetes names client-node drops
//   descriptions client-node lacks (on $ref and enum fields): kubernetes-types (Kubernetes v1.30)
//   enums: kubernetes-models (Kubernetes ~v1.26) plus a table of values and enum fields added since
//   patch and list metadata: a table below, from the markers in Kubernetes' types.go files

const fs = require('fs');
const path = require('path');

const ROOT = path.join(__dirname, '..');
const NODE_MODULES = path.join(ROOT, 'node_modules');
const CLIENT_MODELS = path.join(NODE_MODULES, '@kubernetes/client-node/dist/gen/models');
const CLIENT_APIS = path.join(NODE_MODULES, '@kubernetes/client-node/dist/gen/apis');
const MODELS_SCHEMAS = [
  path.join(NODE_MODULES, 'kubernetes-models/_schemas'),
  path.join(NODE_MODULES, '@kubernetes-models/apimachinery/_schemas'),
];
const TYPES_ROOT = path.join(NODE_MODULES, 'kubernetes-types');
const OUT = path.join(ROOT, 'kube/generated/k8s-schemas.json');

const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';
const NAMES = {
  Quantity: 'io.k8s.apimachinery.pkg.api.resource.Quantity',
  IntOrString: 'io.k8s.apimachinery.pkg.util.intstr.IntOrString',
  Time: `${META}.Time`,
  MicroTime: `${META}.MicroTime`,
  FieldsV1: `${META}.FieldsV1`,
  Patch: `${META}.Patch`,
  RawExtension: 'io.k8s.apimachinery.pkg.runtime.RawExtension',
  JSON: 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON',
};

// ---------------------------------------------------------------------------------------------
// Package and group naming

/** Package (definition name prefix) for a kubernetes-types folder or client-node API group. */
function packageOf(dir, version) {
  switch (dir) {
    case 'meta':
      return `io.k8s.apimachinery.pkg.apis.meta.${version}`;
    case 'apiextensions':
      return `io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.${version}`;
    case 'apiregistration':
      return `io.k8s.kube-aggregator.pkg.apis.apiregistration.${version}`;
    default:
      return `io.k8s.api.${dir}.${version}`;
  }
}

/** API group served for a package folder ('' for core). */
function groupOfDir(dir) {
  switch (dir) {
    case 'core':
      return '';
    case 'apps':
    case 'batch':
    case 'autoscaling':
    case 'policy':
      return dir;
    case 'rbac':
      return 'rbac.authorization.k8s.io';
    case 'flowcontrol':
      return 'flowcontrol.apiserver.k8s.io';
    case 'apiserverinternal':
      return 'internal.apiserver.k8s.io';
    default:
      return `${dir}.k8s.io`;
  }
}

/** ['apps', 'v1'] from 'io.k8s.api.apps.v1.Deployment'; undefined outside API packages. */
function dirAndVersionOf(defName) {
  let m = /^io\.k8s\.api\.([a-z0-9]+)\.(v\d+(?:(?:alpha|beta)\d+)?)\.\w+$/.exec(defName);
  if (m) return [m[1], m[2]];
  m =
    /^io\.k8s\.(?:apiextensions-apiserver\.pkg\.apis\.(apiextensions)|kube-aggregator\.pkg\.apis\.(apiregistration)|apimachinery\.pkg\.apis\.(meta))\.(v\w+)\.\w+$/.exec(
      defName,
    );
  if (m) return [m[1] || m[2] || m[3], m[4]];
  return undefined;
}

/** client-node API class prefix ('FlowcontrolApiserver') to package folder ('flowcontrol'). */
function dirOfApiPrefix(prefix) {
  const lower = prefix.toLowerCase();
  return (
    { flowcontrolapiserver: 'flowcontrol', internalapiserver: 'apiserverinternal', rbacauthorization: 'rbac' }[lower] ||
    lower
  );
}

const VERSION_RE = 'V\\d+(?:(?:alpha|beta)\\d+)?';

// ---------------------------------------------------------------------------------------------
// Source readers

/** client-node escapes descriptions as JS string contents; undo one level. */
function unescapeDoc(text) {
  return text.replace(/\\(.)/g, '$1');
}

/** Reads the JSDoc text of a block of lines like '    * text'. */
function docText(lines) {
  return lines
    .map((l) => l.replace(/^\s*\*\s?/, ''))
    .join('\n')
    .trim();
}

/** client-node models: class name -> { description, attrs: [{ name, baseName, type, format, description, required }] } */
function readClientModels() {
  const classes = new Map();
  for (const file of fs.readdirSync(CLIENT_MODELS)) {
    if (!file.endsWith('.d.ts')) continue;
    const name = file.slice(0, -5);
    if (name === 'all' || name === 'ObjectSerializer') continue;
    const js = fs.readFileSync(path.join(CLIENT_MODELS, name + '.js'), 'utf8');
    const m = /\.attributeTypeMap = (\[[\s\S]*?\]);/.exec(js);
    if (!m) continue;
    const attrs = JSON.parse(m[1]);
    const dts = fs.readFileSync(path.join(CLIENT_MODELS, file), 'utf8').split('\n');
    const props = new Map();
    let classDoc;
    let doc = null; // lines of the comment being read, or null outside comments
    let last; // text of the last complete comment
    for (const line of dts) {
      if (doc) {
        if (/^\s*\*\/\s*$/.test(line)) {
          last = docText(doc);
          doc = null;
        } else doc.push(line);
        continue;
      }
      if (/^\s*\/\*\*\s*$/.test(line)) {
        doc = [];
        continue;
      }
      const cls = /^export declare class (\w+)/.exec(line);
      if (cls) {
        classDoc = last;
        last = undefined;
        continue;
      }
      const prop = /^ {4}'([^']+)'(\?)?:/.exec(line);
      if (prop) {
        props.set(prop[1], { description: last, required: !prop[2] });
        last = undefined;
        continue;
      }
      if (line.trim() && !line.startsWith('        ') && !/^\s*[}\]]/.test(line)) last = undefined;
    }
    classes.set(name, {
      description: classDoc && !classDoc.startsWith('Kubernetes\n') ? unescapeDoc(classDoc) : undefined,
      attrs: attrs.map((a) => {
        const p = props.get(a.name) || {};
        return { ...a, description: p.description && unescapeDoc(p.description), required: !!p.required };
      }),
    });
  }
  return classes;
}

/** kubernetes-models: definition name -> plain JSON schema (no descriptions, has enums and refs). */
function readModelsSchemas() {
  const out = new Map();
  for (const dir of MODELS_SCHEMAS) {
    if (!fs.existsSync(dir)) continue;
    for (const file of fs.readdirSync(dir)) {
      if (!file.endsWith('.js')) continue;
      const text = fs.readFileSync(path.join(dir, file), 'utf8');
      const body = /const schema = ([\s\S]*?);\r?\nfunction addSchema/.exec(text);
      const name = /register\)\("([^"]+)"/.exec(text);
      if (body && name) out.set(name[1], JSON.parse(body[1]));
    }
  }
  return out;
}

/**
 * kubernetes-types: definition name -> { description, props: Map(name -> { description, type }) }.
 * `type` is the TypeScript type text, which keeps alias names such as Quantity and Time.
 */
function readTypes() {
  const out = new Map();
  const files = [];
  for (const dir of fs.readdirSync(TYPES_ROOT)) {
    const full = path.join(TYPES_ROOT, dir);
    if (fs.statSync(full).isDirectory()) {
      for (const f of fs.readdirSync(full))
        if (f.endsWith('.d.ts')) files.push([dir, f.slice(0, -5), path.join(full, f)]);
    }
  }
  files.push(['runtime', '', path.join(TYPES_ROOT, 'runtime.d.ts')]);
  for (const [dir, version, file] of files) {
    if (!fs.existsSync(file)) continue;
    let pkg;
    if (dir === 'api' && version === 'resource') pkg = 'io.k8s.apimachinery.pkg.api.resource';
    else if (dir === 'runtime') pkg = 'io.k8s.apimachinery.pkg.runtime';
    else pkg = packageOf(dir, version);
    const lines = fs.readFileSync(file, 'utf8').split('\n');
    let doc = null;
    let last;
    let current;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (doc) {
        const end = line.indexOf('*/');
        if (end >= 0) {
          doc.push(line.slice(0, end));
          last = docText(doc);
          doc = null;
        } else doc.push(line);
        continue;
      }
      const one = /^\s*\/\*\*(.*)\*\/\s*$/.exec(line);
      if (one) {
        last = one[1].trim();
        continue;
      }
      if (/^\s*\/\*\*/.test(line)) {
        doc = [line.replace(/^\s*\/\*\*/, '')];
        continue;
      }
      const decl = /^export (?:interface|type) (\w+)/.exec(line);
      if (decl) {
        current = { description: last, props: new Map() };
        out.set(`${pkg}.${decl[1]}`, current);
        last = undefined;
        continue;
      }
      const prop = /^ {4}(?:readonly )?([\w$-]+)(\?)?: (.*)$/.exec(line);
      if (prop && current) {
        let type = prop[3];
        // map types span lines until the braces close
        let depth = (type.match(/{/g) || []).length - (type.match(/}/g) || []).length;
        while (depth > 0 && i + 1 < lines.length) {
          const next = lines[++i].trim();
          type += ' ' + next;
          depth += (next.match(/{/g) || []).length - (next.match(/}/g) || []).length;
        }
        current.props.set(prop[1], { description: last, type: type.replace(/;$/, '').trim() });
        last = undefined;
      }
    }
  }
  return out;
}

/** client-node API classes: model class name -> set of package folders whose API uses it directly. */
function readApiUsage() {
  const usage = new Map();
  for (const file of fs.readdirSync(CLIENT_APIS)) {
    const m = new RegExp(`^([A-Z][a-zA-Z]*?)(${VERSION_RE})Api\\.d\\.ts$`).exec(file);
    if (!m) continue;
    const pkg = packageOf(dirOfApiPrefix(m[1]), m[2].toLowerCase());
    const text = fs.readFileSync(path.join(CLIENT_APIS, file), 'utf8');
    for (const imp of text.matchAll(/import \{ (\w+) \} from '\.\.\/models\//g)) {
      if (!usage.has(imp[1])) usage.set(imp[1], new Set());
      usage.get(imp[1]).add(pkg);
    }
  }
  return usage;
}

// ---------------------------------------------------------------------------------------------
// Naming: client-node class -> Kubernetes definition name

// Types whose package the usage graph would guess wrong.
const NAME_OVERRIDES = {
  V1FieldSelectorRequirement: `${META}.FieldSelectorRequirement`,
};

/** Model class names referenced by a client-node type string. */
function referencedClasses(type, classes) {
  return (type.match(/[A-Z]\w*/g) || []).filter((t) => classes.has(t));
}

function resolveNames(classes, known, apiUsage) {
  const index = new Map(); // 'v1|Deployment' -> [definition names]
  for (const name of known) {
    const parts = name.split('.');
    const key = parts[parts.length - 2] + '|' + parts[parts.length - 1];
    if (!index.has(key)) index.set(key, []);
    index.get(key).push(name);
  }
  const names = new Map();
  const parsed = new Map();
  const re = new RegExp(`^([A-Z][a-z]+)?(${VERSION_RE})([A-Z]\\w*)$`);
  for (const cls of classes.keys()) {
    if (NAME_OVERRIDES[cls]) {
      names.set(cls, NAME_OVERRIDES[cls]);
      continue;
    }
    const m = re.exec(cls);
    if (!m) continue;
    const [, groupPrefix, ver, short] = m;
    const version = ver.toLowerCase();
    parsed.set(cls, { groupPrefix, version, short });
    let cands = index.get(version + '|' + short) || [];
    if (groupPrefix) {
      const pkg = packageOf(groupPrefix.toLowerCase(), version);
      cands = cands.filter((c) => c === `${pkg}.${short}`);
      if (!cands.length) cands = [`${pkg}.${short}`];
    }
    if (cands.length === 1) names.set(cls, cands[0]);
  }
  // Types newer than the naming sources: the API group that serves them, else their parents' package.
  for (const [cls, p] of parsed) {
    if (names.has(cls)) continue;
    const pkgs = [...(apiUsage.get(cls) || [])].filter((pkg) => pkg.endsWith('.' + p.version));
    if (pkgs.length === 1) names.set(cls, `${pkgs[0]}.${p.short}`);
  }
  const parents = new Map();
  for (const [cls, c] of classes) {
    for (const a of c.attrs)
      for (const ref of referencedClasses(a.type, classes)) {
        if (!parents.has(ref)) parents.set(ref, new Set());
        parents.get(ref).add(cls);
      }
  }
  for (let changed = true; changed;) {
    changed = false;
    for (const [cls, p] of parsed) {
      if (names.has(cls)) continue;
      const pkgs = new Set();
      for (const parent of parents.get(cls) || []) {
        const n = names.get(parent);
        if (n && n.split('.').slice(-2, -1)[0] === p.version) pkgs.add(n.slice(0, n.lastIndexOf('.')));
      }
      if (pkgs.size === 1) {
        names.set(cls, `${[...pkgs][0]}.${p.short}`);
        changed = true;
      }
    }
  }
  // What is left are client-node leftovers of versions Kubernetes 1.34 no longer serves.
  const unresolved = [...parsed.keys()].filter((c) => !names.has(c));
  if (unresolved.length) console.log(`build-schemas: skipped ${unresolved.length} types no 1.34 API group serves`);
  return names;
}

// ---------------------------------------------------------------------------------------------
// metrics.k8s.io: served by metrics-server in Kubernetes (an aggregated API, so not in the packages above); its
// types as k8s.io/metrics defines them

function metricsDefinitions() {
  const pkg = 'io.k8s.metrics.pkg.apis.metrics.v1beta1';
  const gvk = (kind) => ({
    'x-kubernetes-group-version-kind': [{ group: 'metrics.k8s.io', version: 'v1beta1', kind }],
  });
  const typeMeta = { apiVersion: { type: 'string' }, kind: { type: 'string' } };
  const usage = {
    description: 'The resources used (cpu in cores, memory in bytes), as Quantities.',
    type: 'object',
    additionalProperties: ref(NAMES.Quantity),
  };
  const sample = {
    timestamp: { ...ref(NAMES.Time), description: 'The end of the window the usage was measured over.' },
    window: { type: 'string', description: 'How long the usage was measured over (a Go duration, "15s").' },
  };
  const list = (kind, item) => ({
    description: `${kind} is a list of ${item}.`,
    type: 'object',
    properties: {
      ...typeMeta,
      metadata: ref(`${META}.ListMeta`),
      items: { type: 'array', items: ref(`${pkg}.${item}`) },
    },
    required: ['items'],
    ...gvk(kind),
  });
  return {
    [`${pkg}.ContainerMetrics`]: {
      description: 'The resource usage of one container.',
      type: 'object',
      properties: { name: { type: 'string', description: "The container's name." }, usage },
      required: ['name', 'usage'],
    },
    [`${pkg}.PodMetrics`]: {
      description: 'The resource usage of a pod, by container.',
      type: 'object',
      properties: {
        ...typeMeta,
        metadata: ref(`${META}.ObjectMeta`),
        ...sample,
        containers: { type: 'array', items: ref(`${pkg}.ContainerMetrics`) },
      },
      required: ['timestamp', 'window', 'containers'],
      ...gvk('PodMetrics'),
    },
    [`${pkg}.NodeMetrics`]: {
      description: 'The resource usage of a node.',
      type: 'object',
      properties: { ...typeMeta, metadata: ref(`${META}.ObjectMeta`), ...sample, usage },
      required: ['timestamp', 'window', 'usage'],
      ...gvk('NodeMetrics'),
    },
    [`${pkg}.PodMetricsList`]: list('PodMetricsList', 'PodMetrics'),
    [`${pkg}.NodeMetricsList`]: list('NodeMetricsList', 'NodeMetrics'),
  };
}

// ---------------------------------------------------------------------------------------------
// Field types

const ref = (name) => ({ $ref: `#/components/schemas/${name}` });

/** The definition a kubernetes-models property refers to, looking through oneOf [X, null]. */
function modelsRefOf(node) {
  if (!node) return undefined;
  if (node.$ref) return node.$ref.replace(/#$/, '');
  if (Array.isArray(node.oneOf)) for (const alt of node.oneOf) if (alt.$ref) return alt.$ref.replace(/#$/, '');
  return undefined;
}

function modelsInner(node, key) {
  if (!node) return undefined;
  if (node[key]) return node[key];
  if (Array.isArray(node.oneOf)) for (const alt of node.oneOf) if (alt[key]) return alt[key];
  return undefined;
}

/** Element or value type text of a kubernetes-types array or map type. */
function typesInner(text, kind) {
  if (!text) return undefined;
  if (kind === 'array') {
    const m = /^Array<(.*)>$/.exec(text) || /^(\w+)\[\]$/.exec(text);
    return m ? m[1] : undefined;
  }
  const m = /^\{ \[\w+: string\]: (.*?);? \}$/.exec(text);
  return m ? m[1] : undefined;
}

/** A special definition named by a kubernetes-types type text. */
function specialOfTypesText(text) {
  if (!text) return undefined;
  if (text === 'number | string' || text === 'string | number') return NAMES.IntOrString;
  return {
    Quantity: NAMES.Quantity,
    Time: NAMES.Time,
    MicroTime: NAMES.MicroTime,
    RawExtension: NAMES.RawExtension,
    JSON: NAMES.JSON,
    FieldsV1: NAMES.FieldsV1,
  }[text];
}

// Fields in types newer than the naming sources whose client-node type hides a Quantity.
const QUANTITY_FIELDS = new Set([
  'CapacityRequestPolicy.default',
  'CapacityRequestPolicyRange.min',
  'CapacityRequestPolicyRange.max',
  'CapacityRequestPolicyRange.step',
  'CapacityRequirements.requests',
  'DeviceCapacity.value',
  'Counter.value',
]);

/**
 * OpenAPI schema for one client-node type string.
 * models/types carry what the same field looks like in kubernetes-models / kubernetes-types.
 */
function fieldSchema(type, format, ctx, models, typesText) {
  const arr = /^Array<(.*)>$/.exec(type);
  if (arr)
    return {
      type: 'array',
      items: fieldSchema(arr[1], format, ctx, modelsInner(models, 'items'), typesInner(typesText, 'array')),
    };
  const map = /^\{ \[key: string\]: (.*); \}$/.exec(type);
  if (map)
    return {
      type: 'object',
      additionalProperties: fieldSchema(
        map[1],
        format,
        ctx,
        modelsInner(models, 'additionalProperties'),
        typesInner(typesText, 'map'),
      ),
    };
  if (ctx.names.has(type)) return ref(ctx.names.get(type));
  if (type === 'V1MicroTime') return ref(NAMES.MicroTime);
  if (type === 'IntOrString') return ref(NAMES.IntOrString);
  // A special type (Quantity, Time, RawExtension, ...) that client-node flattened to a primitive.
  const special = [modelsRefOf(models), specialOfTypesText(typesText)].find((n) => n && SPECIALS[n]);
  if (special) return ref(special);
  if (ctx.quantity) return ref(NAMES.Quantity);
  switch (type) {
    case 'string':
      return format === 'byte' ? { type: 'string', format: 'byte' } : { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'Date':
      return ref(NAMES.Time);
    case 'number':
      if (format === 'int32' || format === 'int64') return { type: 'integer', format };
      return format ? { type: 'number', format } : { type: 'number' };
    case 'any': {
      // an opaque struct client-node has no class for (CustomResourceSubresourceStatus, ...)
      const named = modelsRefOf(models);
      if (named && ctx.models.has(named) && !ctx.produced.has(named)) {
        ctx.opaque.add(named);
        return ref(named);
      }
      return ref(NAMES.RawExtension);
    }
    default:
      throw new Error(`build-schemas: unknown client-node type ${type} (${ctx.where})`);
  }
}

// client-node puts these type descriptions on fields of those types, in place of the field's own.
const GENERIC_DOC = /^(IntOrString is a type|MicroTime is version of Time|JSON represents any valid)/;

// Definitions client-node has no class for; Kubernetes serves them as these shapes.
const SPECIALS = {
  // format: the quantity grammar kube-apiserver's decoder enforces, checked by kube/validation.ts
  [NAMES.Quantity]: { oneOf: [{ type: 'string' }, { type: 'number' }], format: 'quantity' },
  [NAMES.IntOrString]: {
    format: 'int-or-string',
    'x-kubernetes-int-or-string': true,
    oneOf: [{ type: 'integer' }, { type: 'string' }],
  },
  [NAMES.Time]: { type: 'string', format: 'date-time' },
  [NAMES.MicroTime]: { type: 'string', format: 'date-time' },
  [NAMES.FieldsV1]: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  [NAMES.Patch]: { type: 'object' },
  [NAMES.RawExtension]: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
  [NAMES.JSON]: { 'x-kubernetes-preserve-unknown-fields': true },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray': {
    'x-kubernetes-preserve-unknown-fields': true,
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool': {
    'x-kubernetes-preserve-unknown-fields': true,
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray': {
    'x-kubernetes-preserve-unknown-fields': true,
  },
};

const SPECIAL_DOCS = {
  [NAMES.IntOrString]:
    'IntOrString is a type that can hold an int32 or a string.  When used in JSON or YAML marshalling and unmarshalling, it produces or consumes the inner type.  This allows you to have, for example, a JSON field that can accept a name or number.',
  [NAMES.Patch]: 'Patch is provided to give a concrete name and type to the Kubernetes PATCH request body.',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrArray':
    'JSONSchemaPropsOrArray represents a value that can either be a JSONSchemaProps or an array of JSONSchemaProps. Mainly here for serialization purposes.',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrBool':
    'JSONSchemaPropsOrBool represents JSONSchemaProps or a boolean value. Defaults to true for the boolean property.',
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaPropsOrStringArray':
    'JSONSchemaPropsOrStringArray represents a JSONSchemaProps or a string array.',
};

// ---------------------------------------------------------------------------------------------
// Enums: kubernetes-models has the ones declared up to ~1.26; these are the ones Kubernetes 1.34
// declares beyond that (new fields, or new values of old ones). Values are unioned, never removed.

const ENUM_ADDITIONS = {
  'io.k8s.api.batch.v1.PodFailurePolicyRule.action': ['Count', 'FailIndex', 'FailJob', 'Ignore'],
  'io.k8s.api.batch.v1.JobSpec.podReplacementPolicy': ['Failed', 'TerminatingOrFailed'],
  'io.k8s.api.core.v1.LoadBalancerIngress.ipMode': ['Proxy', 'VIP'],
  'io.k8s.api.core.v1.AppArmorProfile.type': ['Localhost', 'RuntimeDefault', 'Unconfined'],
  'io.k8s.api.core.v1.ScopedResourceSelectorRequirement.scopeName': ['VolumeAttributesClass'],
  'io.k8s.api.core.v1.ContainerResizePolicy.restartPolicy': ['NotRequired', 'RestartContainer'],
  'io.k8s.api.core.v1.VolumeMount.recursiveReadOnly': ['Disabled', 'Enabled', 'IfPossible'],
  'io.k8s.api.core.v1.ImageVolumeSource.pullPolicy': ['Always', 'IfNotPresent', 'Never'],
  'io.k8s.api.core.v1.ContainerRestartRule.action': ['Restart'],
  'io.k8s.api.core.v1.ContainerRestartRuleOnExitCodes.operator': ['In', 'NotIn'],
  'io.k8s.api.core.v1.ModifyVolumeStatus.status': ['InProgress', 'Infeasible', 'Pending'],
};

// ---------------------------------------------------------------------------------------------
// Patch and list metadata (x-kubernetes-*), as the +patchMergeKey/+patchStrategy/+listType/
// +listMapKey/+mapType/+structType markers in Kubernetes 1.34's types.go declare them.

const ATOMIC = { 'x-kubernetes-list-type': 'atomic' };
const SET = { 'x-kubernetes-list-type': 'set' };
const ATOMIC_MAP = { 'x-kubernetes-map-type': 'atomic' };
const GRANULAR_MAP = { 'x-kubernetes-map-type': 'granular' };
const mergeMap = (key, keys = [key], strategy = 'merge') => ({
  'x-kubernetes-list-map-keys': keys,
  'x-kubernetes-list-type': 'map',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': strategy,
});
const mergeAtomic = (key) => ({
  'x-kubernetes-list-type': 'atomic',
  'x-kubernetes-patch-merge-key': key,
  'x-kubernetes-patch-strategy': 'merge',
});
const listMap = (...keys) => ({ 'x-kubernetes-list-map-keys': keys, 'x-kubernetes-list-type': 'map' });
const CONDITIONS = mergeMap('type');
// A list-map key field's +default: server-side apply keys an item that leaves it out by the default, as
// Kubernetes does (a Service port applied without protocol is the item k:{port,protocol:TCP}).
const DEFAULT_TCP = { default: 'TCP' };

const containerLists = {
  command: ATOMIC,
  args: ATOMIC,
  envFrom: ATOMIC,
  resizePolicy: ATOMIC,
  restartPolicyRules: ATOMIC,
  ports: mergeMap('containerPort', ['containerPort', 'protocol']),
  env: mergeMap('name'),
  volumeMounts: mergeMap('mountPath'),
  volumeDevices: mergeMap('devicePath'),
};

const FIELD_METADATA = {
  [META]: {
    ObjectMeta: {
      finalizers: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' },
      ownerReferences: mergeMap('uid'),
      managedFields: ATOMIC,
      labels: GRANULAR_MAP,
      annotations: GRANULAR_MAP,
    },
    LabelSelector: { matchExpressions: ATOMIC, matchLabels: GRANULAR_MAP },
    LabelSelectorRequirement: { values: ATOMIC },
    StatusDetails: { causes: ATOMIC },
  },
  'io.k8s.api.core.v1': {
    PodSpec: {
      volumes: mergeMap('name', ['name'], 'merge,retainKeys'),
      initContainers: mergeMap('name'),
      containers: mergeMap('name'),
      ephemeralContainers: mergeMap('name'),
      imagePullSecrets: mergeMap('name'),
      tolerations: ATOMIC,
      hostAliases: mergeMap('ip'),
      readinessGates: ATOMIC,
      topologySpreadConstraints: mergeMap('topologyKey', ['topologyKey', 'whenUnsatisfiable']),
      schedulingGates: mergeMap('name'),
      resourceClaims: mergeMap('name', ['name'], 'merge,retainKeys'),
      nodeSelector: ATOMIC_MAP,
    },
    Container: containerLists,
    EphemeralContainer: containerLists,
    ContainerPort: { protocol: DEFAULT_TCP },
    ServicePort: { protocol: DEFAULT_TCP },
    PodSecurityContext: { supplementalGroups: ATOMIC, sysctls: ATOMIC },
    Capabilities: { add: ATOMIC, drop: ATOMIC },
    ExecAction: { command: ATOMIC },
    HTTPGetAction: { httpHeaders: ATOMIC },
    PodDNSConfig: { nameservers: ATOMIC, searches: ATOMIC, options: ATOMIC },
    HostAlias: { hostnames: ATOMIC },
    PodStatus: {
      conditions: CONDITIONS,
      podIPs: mergeMap('ip'),
      hostIPs: mergeAtomic('ip'),
      initContainerStatuses: ATOMIC,
      containerStatuses: ATOMIC,
      ephemeralContainerStatuses: ATOMIC,
      resourceClaimStatuses: mergeMap('name', ['name'], 'merge,retainKeys'),
    },
    ContainerStatus: { volumeMounts: mergeMap('mountPath'), allocatedResourcesStatus: listMap('name') },
    NodeSelector: { nodeSelectorTerms: ATOMIC },
    NodeSelectorTerm: { matchExpressions: ATOMIC, matchFields: ATOMIC },
    NodeSelectorRequirement: { values: ATOMIC },
    NodeAffinity: { preferredDuringSchedulingIgnoredDuringExecution: ATOMIC },
    PodAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: ATOMIC,
      preferredDuringSchedulingIgnoredDuringExecution: ATOMIC,
    },
    PodAntiAffinity: {
      requiredDuringSchedulingIgnoredDuringExecution: ATOMIC,
      preferredDuringSchedulingIgnoredDuringExecution: ATOMIC,
    },
    PodAffinityTerm: { namespaces: ATOMIC, matchLabelKeys: ATOMIC, mismatchLabelKeys: ATOMIC },
    TopologySpreadConstraint: { matchLabelKeys: ATOMIC },
    TopologySelectorTerm: { matchLabelExpressions: ATOMIC },
    TopologySelectorLabelRequirement: { values: ATOMIC },
    ServiceSpec: {
      ports: mergeMap('port', ['port', 'protocol']),
      selector: ATOMIC_MAP,
      clusterIPs: ATOMIC,
      externalIPs: ATOMIC,
      loadBalancerSourceRanges: ATOMIC,
      ipFamilies: ATOMIC,
    },
    ServiceStatus: { conditions: CONDITIONS },
    LoadBalancerStatus: { ingress: ATOMIC },
    LoadBalancerIngress: { ports: ATOMIC },
    ConfigMapVolumeSource: { items: ATOMIC },
    SecretVolumeSource: { items: ATOMIC },
    DownwardAPIVolumeSource: { items: ATOMIC },
    ConfigMapProjection: { items: ATOMIC },
    SecretProjection: { items: ATOMIC },
    DownwardAPIProjection: { items: ATOMIC },
    ProjectedVolumeSource: { sources: ATOMIC },
    PersistentVolumeClaimSpec: { accessModes: ATOMIC },
    PersistentVolumeClaimStatus: {
      accessModes: ATOMIC,
      conditions: CONDITIONS,
      allocatedResourceStatuses: GRANULAR_MAP,
    },
    PersistentVolumeSpec: { accessModes: ATOMIC, mountOptions: ATOMIC },
    NamespaceSpec: { finalizers: ATOMIC },
    NamespaceStatus: { conditions: CONDITIONS },
    NodeSpec: { taints: ATOMIC, podCIDRs: { 'x-kubernetes-list-type': 'set', 'x-kubernetes-patch-strategy': 'merge' } },
    NodeStatus: {
      conditions: CONDITIONS,
      addresses: mergeAtomic('type'),
      images: ATOMIC,
      volumesInUse: ATOMIC,
      volumesAttached: ATOMIC,
    },
    ReplicationControllerSpec: { selector: ATOMIC_MAP },
    ReplicationControllerStatus: { conditions: CONDITIONS },
    Endpoints: { subsets: ATOMIC },
    EndpointSubset: { addresses: ATOMIC, notReadyAddresses: ATOMIC, ports: ATOMIC },
    ResourceQuotaSpec: { scopes: ATOMIC },
    ScopeSelector: { matchExpressions: ATOMIC },
    ScopedResourceSelectorRequirement: { values: ATOMIC },
    LimitRangeSpec: { limits: ATOMIC },
    ServiceAccount: { secrets: mergeMap('name'), imagePullSecrets: ATOMIC },
    ResourceRequirements: { claims: listMap('name') },
    ComponentStatus: { conditions: mergeMap('type') },
  },
  'io.k8s.api.apps.v1': {
    DeploymentSpec: { strategy: { 'x-kubernetes-patch-strategy': 'retainKeys' } },
    DeploymentStatus: { conditions: CONDITIONS },
    ReplicaSetStatus: { conditions: CONDITIONS },
    DaemonSetStatus: { conditions: CONDITIONS },
    StatefulSetStatus: { conditions: CONDITIONS },
    StatefulSetSpec: { volumeClaimTemplates: ATOMIC },
  },
  'io.k8s.api.batch.v1': {
    JobStatus: { conditions: mergeAtomic('type') },
    CronJobStatus: { active: ATOMIC },
    PodFailurePolicy: { rules: ATOMIC },
    PodFailurePolicyRule: { onPodConditions: ATOMIC },
    PodFailurePolicyOnExitCodesRequirement: { values: SET },
    SuccessPolicy: { rules: ATOMIC },
  },
  'io.k8s.api.networking.v1': {
    IngressSpec: { tls: ATOMIC, rules: ATOMIC },
    IngressTLS: { hosts: ATOMIC },
    HTTPIngressRuleValue: { paths: ATOMIC },
    IngressLoadBalancerStatus: { ingress: ATOMIC },
    IngressLoadBalancerIngress: { ports: ATOMIC },
    NetworkPolicySpec: { ingress: ATOMIC, egress: ATOMIC, policyTypes: ATOMIC },
    NetworkPolicyIngressRule: { ports: ATOMIC, from: ATOMIC },
    NetworkPolicyEgressRule: { ports: ATOMIC, to: ATOMIC },
    IPBlock: { except: ATOMIC },
    ServiceCIDRStatus: { conditions: CONDITIONS },
  },
  'io.k8s.api.discovery.v1': {
    EndpointSlice: { endpoints: ATOMIC, ports: ATOMIC },
    Endpoint: { addresses: SET },
    EndpointHints: { forZones: ATOMIC, forNodes: ATOMIC },
  },
  'io.k8s.api.policy.v1': {
    PodDisruptionBudgetStatus: { conditions: CONDITIONS },
  },
  'io.k8s.api.autoscaling.v2': {
    HorizontalPodAutoscalerSpec: { metrics: ATOMIC },
    HorizontalPodAutoscalerStatus: { conditions: CONDITIONS, currentMetrics: ATOMIC },
    HPAScalingRules: { policies: ATOMIC },
  },
  'io.k8s.api.rbac.v1': {
    Role: { rules: ATOMIC },
    ClusterRole: { rules: ATOMIC },
    RoleBinding: { subjects: ATOMIC },
    ClusterRoleBinding: { subjects: ATOMIC },
    PolicyRule: { verbs: ATOMIC, apiGroups: ATOMIC, resources: ATOMIC, resourceNames: ATOMIC, nonResourceURLs: ATOMIC },
    AggregationRule: { clusterRoleSelectors: ATOMIC },
  },
  'io.k8s.api.storage.v1': {
    StorageClass: { mountOptions: ATOMIC, allowedTopologies: ATOMIC },
    CSINodeSpec: { drivers: mergeMap('name') },
  },
  'io.k8s.api.admissionregistration.v1': {
    MutatingWebhookConfiguration: { webhooks: mergeMap('name') },
    ValidatingWebhookConfiguration: { webhooks: mergeMap('name') },
  },
  'io.k8s.api.certificates.v1': {
    CertificateSigningRequestStatus: { conditions: listMap('type') },
  },
  'io.k8s.api.flowcontrol.v1': {
    FlowSchemaStatus: { conditions: CONDITIONS },
    PriorityLevelConfigurationStatus: { conditions: CONDITIONS },
  },
  'io.k8s.api.resource.v1': {
    ResourceClaimStatus: { devices: listMap('driver', 'device', 'pool', 'shareID'), reservedFor: listMap('uid') },
  },
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1': {
    CustomResourceDefinitionSpec: { versions: ATOMIC },
    CustomResourceDefinitionNames: { shortNames: ATOMIC, categories: ATOMIC },
    CustomResourceDefinitionStatus: { conditions: listMap('type'), storedVersions: ATOMIC },
    CustomResourceDefinitionVersion: { additionalPrinterColumns: ATOMIC },
  },
};

// Fields the API marks required that kube-apiserver's v1 defaulting fills before validation, so an object may
// leave them out (a binding's roleRef written without apiGroup is bound to rbac.authorization.k8s.io).
const DEFAULTED_REQUIRED = new Set(['io.k8s.api.rbac.v1.RoleRef.apiGroup']);

// Structs Kubernetes marks +structType=atomic: replaced as a whole by apply and merge patch.
const ATOMIC_STRUCTS = [
  `${META}.LabelSelector`,
  'io.k8s.api.core.v1.LocalObjectReference',
  'io.k8s.api.core.v1.ObjectReference',
  'io.k8s.api.core.v1.ConfigMapKeySelector',
  'io.k8s.api.core.v1.SecretKeySelector',
  'io.k8s.api.core.v1.ObjectFieldSelector',
  'io.k8s.api.core.v1.ResourceFieldSelector',
  'io.k8s.api.core.v1.TypedLocalObjectReference',
  'io.k8s.api.core.v1.NodeSelector',
  'io.k8s.api.core.v1.NodeSelectorTerm',
  'io.k8s.api.core.v1.TopologySelectorTerm',
  'io.k8s.api.core.v1.SecretReference',
  'io.k8s.api.core.v1.ClaimSource',
  'io.k8s.api.rbac.v1.RoleRef',
];

// ---------------------------------------------------------------------------------------------
// Assembly

function gvkOf(defName, schema) {
  const props = schema.properties || {};
  if (!props.apiVersion || !props.kind || !props.metadata) return undefined;
  const dv = dirAndVersionOf(defName);
  if (!dv) return undefined;
  const kind = defName.slice(defName.lastIndexOf('.') + 1);
  if (dv[0] === 'meta') return kind === 'Status' ? [{ group: '', kind, version: 'v1' }] : undefined;
  return [{ group: groupOfDir(dv[0]), kind, version: dv[1] }];
}

const METADATA_DOC =
  "Standard object's metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata";
const LIST_METADATA_DOC =
  'Standard list metadata. More info: https://git.k8s.io/community/contributors/devel/sig-architecture/api-conventions.md#metadata';

/** A description for a $ref field that has none: the conventional one, else the referenced type's own. */
function fallbackDoc(field, short, refPath, classes, classOf) {
  if (field === 'metadata') return short.endsWith('List') ? LIST_METADATA_DOC : METADATA_DOC;
  const cls = classOf.get(refPath.slice(refPath.lastIndexOf('/') + 1));
  return cls && classes.get(cls).description;
}

/** Properties in name order, as Kubernetes serves them. */
function sortedObject(obj) {
  const out = {};
  for (const k of Object.keys(obj).sort()) out[k] = obj[k];
  return out;
}

function build() {
  const started = Date.now();
  const classes = readClientModels();
  const models = readModelsSchemas();
  const types = readTypes();
  const apiUsage = readApiUsage();
  const known = new Set([...models.keys(), ...types.keys()]);
  const names = resolveNames(classes, known, apiUsage);
  const classOf = new Map([...names].map(([cls, name]) => [name, cls]));

  const schemas = {};
  const produced = new Set(names.values());
  const opaque = new Set(); // definitions only kubernetes-models knows, referenced by 'any' fields
  const enumsApplied = new Set();
  const metadataApplied = new Set();
  for (const [cls, c] of classes) {
    const defName = names.get(cls);
    if (!defName) continue;
    const short = defName.slice(defName.lastIndexOf('.') + 1);
    const pkg = defName.slice(0, defName.lastIndexOf('.'));
    const modelSchema = models.get(defName);
    const typeDoc = types.get(defName);
    const meta = (FIELD_METADATA[pkg] || {})[short] || {};
    const properties = {};
    const required = [];
    for (const a of c.attrs) {
      const field = a.baseName;
      const modelProp = modelSchema && modelSchema.properties && modelSchema.properties[field];
      const typeProp = typeDoc && typeDoc.props.get(field);
      const ctx = {
        names,
        models,
        produced,
        opaque,
        where: `${defName}.${field}`,
        quantity: QUANTITY_FIELDS.has(`${short}.${field}`),
      };
      const s = fieldSchema(a.type, a.format, ctx, modelProp, typeProp && typeProp.type);
      const description =
        a.description && !(GENERIC_DOC.test(a.description) && typeProp && typeProp.description)
          ? a.description
          : typeProp && typeProp.description;
      let prop = s;
      if (s.$ref) {
        // client-node drops the description of $ref fields; newer ones are absent from kubernetes-types too
        const fallback = description || fallbackDoc(field, short, s.$ref, classes, classOf);
        prop = fallback ? { allOf: [s], description: fallback } : s;
      } else if (description) prop = { description, ...s };
      // enums sit on the string itself, or on list items / map values of strings
      const enumKey = `${defName}.${field}`;
      const target = prop.type === 'array' ? prop.items : prop;
      if (target.type === 'string' && field !== 'apiVersion' && field !== 'kind') {
        const fromModels =
          modelsInner(modelProp, 'enum') ||
          (prop.type === 'array' && modelsInner(modelsInner(modelProp, 'items'), 'enum'));
        let values = Array.isArray(fromModels) ? fromModels.filter((v) => v !== null) : [];
        if (ENUM_ADDITIONS[enumKey]) {
          values = [...new Set([...values, ...ENUM_ADDITIONS[enumKey]])];
          enumsApplied.add(enumKey);
        }
        if (values.length) target.enum = values.sort();
      }
      if (meta[field]) {
        Object.assign(prop, meta[field]);
        metadataApplied.add(`${pkg}.${short}.${field}`);
      }
      properties[field] = prop;
      if (a.required && !DEFAULTED_REQUIRED.has(`${defName}.${field}`)) required.push(field);
    }
    const schema = { description: c.description || (typeDoc && typeDoc.description), type: 'object' };
    if (!schema.description) delete schema.description;
    if (Object.keys(properties).length) schema.properties = sortedObject(properties);
    if (required.length) schema.required = required.sort();
    if (ATOMIC_STRUCTS.includes(defName)) Object.assign(schema, ATOMIC_MAP);
    const gvk = gvkOf(defName, schema);
    if (gvk) schema['x-kubernetes-group-version-kind'] = gvk;
    schemas[defName] = schema;
  }
  for (const name of opaque) {
    const typeDoc = types.get(name);
    schemas[name] =
      typeDoc && typeDoc.description ? { description: typeDoc.description, type: 'object' } : { type: 'object' };
  }
  for (const [name, shape] of Object.entries(SPECIALS)) {
    const doc = SPECIAL_DOCS[name] || (types.get(name) && types.get(name).description);
    schemas[name] = doc ? { description: doc, ...shape } : { ...shape };
  }
  Object.assign(schemas, metricsDefinitions());
  for (const key of Object.keys(ENUM_ADDITIONS)) {
    if (!enumsApplied.has(key)) console.warn(`build-schemas: enum table entry ${key} matched no field`);
  }
  for (const [pkg, defs] of Object.entries(FIELD_METADATA)) {
    for (const [def, fields] of Object.entries(defs)) {
      for (const field of Object.keys(fields)) {
        if (!metadataApplied.has(`${pkg}.${def}.${field}`))
          console.warn(`build-schemas: metadata table entry ${pkg}.${def}.${field} matched no field`);
      }
    }
  }
  for (const name of ATOMIC_STRUCTS)
    if (!schemas[name]) console.warn(`build-schemas: atomic struct ${name} is not a definition`);
  checkRefs(schemas);

  const out = {
    kubernetesVersion: { major: '1', minor: '34', gitVersion: 'v1.34.0' },
    sources: {
      structure: '@kubernetes/client-node ' + packageVersion('@kubernetes/client-node'),
      names:
        'kubernetes-models ' +
        packageVersion('kubernetes-models') +
        ', kubernetes-types ' +
        packageVersion('kubernetes-types'),
      enums: 'kubernetes-models ' + packageVersion('kubernetes-models') + ' + scripts/build-schemas.js ENUM_ADDITIONS',
      patchMetadata: 'scripts/build-schemas.js FIELD_METADATA',
    },
    schemas: sortedObject(schemas),
  };
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  const json = JSON.stringify(out);
  fs.writeFileSync(OUT, json);
  console.log(
    `build-schemas: ${Object.keys(schemas).length} definitions, ${(json.length / 1024).toFixed(0)} KiB, ${Date.now() - started} ms -> ${path.relative(ROOT, OUT)}`,
  );
}

function packageVersion(name) {
  return JSON.parse(fs.readFileSync(path.join(NODE_MODULES, name, 'package.json'), 'utf8')).version;
}

/** Every $ref must land on a definition, or the served documents would be incomplete. */
function checkRefs(schemas) {
  const missing = new Set();
  const walk = (node) => {
    if (!node || typeof node !== 'object') return;
    if (typeof node.$ref === 'string') {
      const name = node.$ref.slice('#/components/schemas/'.length);
      if (!schemas[name]) missing.add(name);
    }
    for (const v of Object.values(node)) walk(v);
  };
  walk(schemas);
  if (missing.size) throw new Error(`build-schemas: dangling references: ${[...missing].join(', ')}`);
}

build();
