#!/usr/bin/env node
'use strict';
// Builds kube/generated/crd-catalog.json: the openAPIV3Schema of the custom resources of common ecosystems
// (Argo CD, Argo Rollouts, Flux, cert-manager, Prometheus operator, Istio, Gateway API, Traefik, KEDA,
// external-secrets, sealed-secrets, Knative), so the language server validates them offline.
//
// Source: the @kubernetes-models/* devDependencies, which are generated from each project's CRDs. They ship
// their schemas only as compiled validators, so the schemas are read back from their type declarations with
// the TypeScript checker: properties, required fields, types, enums, maps, lists, descriptions. Kubernetes'
// own types inside them (a Rollout's pod template, ObjectMeta) are left open (any value), as are cycles and
// status (written by controllers, not by hand). Skipped when the catalog is newer than its sources.

const fs = require('fs');
const path = require('path');
const ts = require('typescript');

const ROOT = path.join(__dirname, '..');
const MODELS = path.join(ROOT, 'node_modules/@kubernetes-models');
const OUT = path.join(ROOT, 'kube/generated/crd-catalog.json');
const PACKAGES = [
  'argo-cd',
  'argo-rollouts',
  'flux-cd',
  'cert-manager',
  'prometheus-operator',
  'istio',
  'gateway-api',
  'traefik',
  'keda',
  'external-secrets',
  'sealed-secrets',
  'knative',
];
/** Descriptions are for hover: the first part of a long one says what the field is. */
const MAX_DESCRIPTION = 600;
const OPEN = { 'x-kubernetes-preserve-unknown-fields': true };
/** Cluster-scoped kinds of these packages (the declarations do not say which are). */
const CLUSTER_SCOPED = /^(Cluster[A-Z].*|GatewayClass|ClusterIssuer)$/;

function fresh() {
  if (!fs.existsSync(OUT)) return false;
  const built = fs.statSync(OUT).mtimeMs;
  const sources = [__filename, ...PACKAGES.map((p) => path.join(MODELS, p, 'package.json'))];
  return sources.every((f) => fs.existsSync(f) && fs.statSync(f).mtimeMs < built);
}

/** `<group>/<version>/<Kind>.d.ts` files of a package (groups have a dot in their name). */
function kindFiles(pkg) {
  const dir = path.join(MODELS, pkg);
  const out = [];
  for (const group of fs.readdirSync(dir)) {
    if (!group.includes('.') || !fs.statSync(path.join(dir, group)).isDirectory()) continue;
    for (const version of fs.readdirSync(path.join(dir, group))) {
      const vdir = path.join(dir, group, version);
      if (!fs.statSync(vdir).isDirectory()) continue;
      for (const f of fs.readdirSync(vdir)) {
        if (f.endsWith('.d.ts') && f !== 'index.d.ts') out.push({ group, version, file: path.join(vdir, f) });
      }
    }
  }
  return out;
}

function description(symbol, checker) {
  const text = ts.displayPartsToString(symbol.getDocumentationComment(checker)).trim();
  if (!text) return undefined;
  return text.length > MAX_DESCRIPTION ? `${text.slice(0, MAX_DESCRIPTION - 1)}…` : text;
}

/** Kubernetes' own types (from kubernetes-models or apimachinery): the built-in schemas judge those. */
function isKubernetesType(type) {
  const decl = (type.aliasSymbol ?? type.getSymbol())?.declarations?.[0];
  const file = decl?.getSourceFile().fileName ?? '';
  return /node_modules\/(kubernetes-models|@kubernetes-models\/apimachinery)\//.test(file);
}

function schemaOf(type, checker, stack) {
  const F = ts.TypeFlags;
  if (type.flags & (F.Any | F.Unknown | F.NonPrimitive)) return { ...OPEN };
  if (type.isUnion()) {
    const nullable = type.types.some((t) => t.flags & F.Null);
    const parts = type.types.filter((t) => !(t.flags & (F.Null | F.Undefined)));
    const withNull = (s) => (nullable ? { ...s, nullable: true } : s);
    if (parts.every((t) => t.flags & F.BooleanLiteral)) return withNull({ type: 'boolean' });
    if (parts.every((t) => t.isStringLiteral())) return withNull({ type: 'string', enum: parts.map((t) => t.value) });
    const strings = parts.some((t) => t.flags & (F.String | F.StringLiteral));
    const numbers = parts.some((t) => t.flags & (F.Number | F.NumberLiteral));
    if (strings && numbers && parts.length === 2) return withNull({ 'x-kubernetes-int-or-string': true });
    if (parts.length === 1) return withNull(schemaOf(parts[0], checker, stack));
    return { ...OPEN };
  }
  if (type.flags & F.StringLiteral) return { type: 'string', enum: [type.value] };
  if (type.flags & F.String) return { type: 'string' };
  if (type.flags & (F.Number | F.NumberLiteral)) return { type: 'number' };
  if (type.flags & (F.Boolean | F.BooleanLiteral)) return { type: 'boolean' };
  if (checker.isArrayType(type)) {
    const [item] = checker.getTypeArguments(type);
    return { type: 'array', items: item ? schemaOf(item, checker, stack) : { ...OPEN } };
  }
  if (!(type.flags & F.Object) || isKubernetesType(type) || stack.includes(type)) return { ...OPEN };
  stack.push(type);
  try {
    const index = checker.getIndexInfoOfType(type, ts.IndexKind.String);
    const props = checker.getPropertiesOfType(type);
    if (!props.length && !index) return { type: 'object', ...OPEN };
    const out = { type: 'object' };
    if (props.length) {
      out.properties = {};
      const required = [];
      for (const p of props) {
        const decl = p.valueDeclaration ?? p.declarations?.[0];
        if (!decl) continue;
        const name = p.getName();
        const child =
          name === 'status' && stack.length === 1
            ? { type: 'object', ...OPEN }
            : schemaOf(checker.getTypeOfSymbolAtLocation(p, decl), checker, stack);
        const text = description(p, checker);
        out.properties[name] = text ? { description: text, ...child } : child;
        if (!(p.flags & ts.SymbolFlags.Optional)) required.push(name);
      }
      if (required.length) out.required = required;
    }
    if (index) out.additionalProperties = schemaOf(index.type, checker, stack);
    return out;
  } finally {
    stack.pop();
  }
}

/** The custom resource kinds a package declares, each version's schema. */
function packageKinds(pkg) {
  const files = kindFiles(pkg);
  const program = ts.createProgram(
    files.map((f) => f.file),
    { noEmit: true, skipLibCheck: true, types: [], moduleResolution: ts.ModuleResolutionKind.Node10 },
  );
  const checker = program.getTypeChecker();
  const kinds = [];
  for (const { group, version, file } of files) {
    const source = program.getSourceFile(file);
    const base = path.basename(file, '.d.ts');
    const decl = source?.statements.find((s) => ts.isInterfaceDeclaration(s) && s.name.text === `I${base}`);
    if (!decl) continue;
    const type = checker.getTypeAtLocation(decl);
    const literal = (name) => {
      const p = type.getProperty(name);
      const t = p && checker.getTypeOfSymbolAtLocation(p, decl);
      return t?.isStringLiteral() ? t.value : undefined;
    };
    const apiVersion = literal('apiVersion');
    const kind = literal('kind');
    if (apiVersion !== `${group}/${version}` || !kind || kind.endsWith('List')) continue;
    const schema = schemaOf(type, checker, []);
    delete schema.properties.metadata;
    schema.required = (schema.required ?? []).filter((r) => r !== 'metadata');
    const symbol = checker.getSymbolAtLocation(decl.name);
    const text = symbol && description(symbol, checker);
    kinds.push({ group, version, kind, schema: text ? { description: text, ...schema } : schema });
  }
  return kinds;
}

function main() {
  if (fresh()) return;
  const byKind = new Map();
  for (const pkg of PACKAGES) {
    const { version } = JSON.parse(fs.readFileSync(path.join(MODELS, pkg, 'package.json'), 'utf8'));
    for (const k of packageKinds(pkg)) {
      const key = `${k.group}/${k.kind}`;
      let entry = byKind.get(key);
      if (!entry) {
        entry = {
          group: k.group,
          kind: k.kind,
          namespaced: !CLUSTER_SCOPED.test(k.kind),
          source: `@kubernetes-models/${pkg}@${version}`,
          versions: [],
        };
        byKind.set(key, entry);
      }
      entry.versions.push({ name: k.version, schema: k.schema });
    }
  }
  const crds = [...byKind.values()].sort((a, b) => (a.group + a.kind < b.group + b.kind ? -1 : 1));
  fs.mkdirSync(path.dirname(OUT), { recursive: true });
  fs.writeFileSync(OUT, JSON.stringify({ crds }));
  const versions = crds.reduce((n, c) => n + c.versions.length, 0);
  console.log(`${path.relative(ROOT, OUT)}: ${crds.length} kinds, ${versions} versions`);
}

main();
