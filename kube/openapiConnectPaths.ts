// The paths of the connect subresources in the OpenAPI documents (pods' exec, attach, portforward and proxy,
// services' and nodes' proxy), as kube-apiserver describes them: one `connect` operation per HTTP method, named
// connect{Method}{GroupVersion}[Namespaced]{Kind}{Subresource}, the options' query parameters on the path, a
// string answered. proxy also has the path with the target's own path after it ({path}, ...ProxyWithPath).
import type { SubresourceInfo } from './registry';
import {
  BOOLEAN,
  collectionPath,
  INTEGER,
  P,
  q,
  STRING,
  type OpContext,
  type Operation,
  type Parameter,
  type PathItem,
} from './openapiPaths';

type Method = 'get' | 'put' | 'post' | 'patch' | 'delete' | 'options' | 'head';

/** kube-apiserver's descriptions of the options, as its PodExecOptions, PodAttachOptions... document them */
const EXEC = [
  q('command', 'Command is the remote command to execute. argv array. Not executed within a shell.', STRING),
  q(
    'container',
    'Container in which to execute the command. Defaults to only container if there is only one container in the pod.',
    STRING,
  ),
  q('stderr', 'Redirect the standard error stream of the pod for this call. Defaults to true.', BOOLEAN),
  q('stdin', 'Redirect the standard input stream of the pod for this call. Defaults to false.', BOOLEAN),
  q('stdout', 'Redirect the standard output stream of the pod for this call. Defaults to true.', BOOLEAN),
  q('tty', 'TTY if true indicates that a tty will be allocated for the exec call. Defaults to false.', BOOLEAN),
];
const ATTACH = [
  q(
    'container',
    'The container in which to execute the command. Defaults to only container if there is only one container in the pod.',
    STRING,
  ),
  q(
    'stderr',
    'Stderr if true indicates that stderr is to be redirected for the attach call. Defaults to true.',
    BOOLEAN,
  ),
  q(
    'stdin',
    'Stdin if true, redirects the standard input stream of the pod for this call. Defaults to false.',
    BOOLEAN,
  ),
  q(
    'stdout',
    'Stdout if true indicates that stdout is to be redirected for the attach call. Defaults to true.',
    BOOLEAN,
  ),
  q(
    'tty',
    'TTY if true indicates that a tty will be allocated for the attach call. This is passed through the container runtime so the tty is allocated on the worker node by the container runtime. Defaults to false.',
    BOOLEAN,
  ),
];
const PORTFORWARD = [q('ports', 'List of ports to forward Required when using WebSockets', INTEGER)];
const PROXY_PATH: Record<string, string> = {
  Pod: 'Path is the URL path to use for the current proxy request to pod.',
  Service:
    'Path is the part of URLs that include service endpoints, suffixes, and parameters to use for the current proxy request to service. For example, the whole request URL is http://localhost/api/v1/namespaces/kube-system/services/elasticsearch-logging/_search?q=user:kimchy. Path is _search?q=user:kimchy.',
  Node: 'Path is the URL path to use for the current proxy request to node.',
};

const CONNECT_METHODS: Record<string, Method[]> = {
  exec: ['get', 'post'],
  attach: ['get', 'post'],
  portforward: ['get', 'post'],
  proxy: ['delete', 'get', 'head', 'options', 'patch', 'post', 'put'],
};

function optionsOf(ctx: OpContext, sub: SubresourceInfo): Parameter[] {
  switch (sub.name) {
    case 'exec':
      return EXEC;
    case 'attach':
      return ATTACH;
    case 'portforward':
      return PORTFORWARD;
    default:
      return [q('path', PROXY_PATH[ctx.r.kind] ?? PROXY_PATH.Pod, STRING)];
  }
}

function connectOperation(ctx: OpContext, sub: SubresourceInfo, method: Method, idSuffix: string): Operation {
  const { r } = ctx;
  const methodWord = method.charAt(0).toUpperCase() + method.slice(1);
  const scope = r.namespaced ? 'Namespaced' : '';
  return {
    tags: [ctx.tag],
    description: `connect ${method.toUpperCase()} requests to ${sub.name} of ${r.kind}`,
    operationId: `connect${methodWord}${ctx.idWord}${scope}${r.kind}${idSuffix}`,
    responses: {
      '200': { description: 'OK', content: { '*/*': { schema: STRING } } },
      '401': { description: 'Unauthorized' },
    },
    'x-kubernetes-action': 'connect',
    'x-kubernetes-group-version-kind': { group: sub.group, version: sub.version, kind: sub.kind },
  };
}

/** Parameters in kube-apiserver's order: by name, a path parameter before a query one of the same name. */
function sorted(params: Parameter[]): Parameter[] {
  return [...params].sort((a, b) => a.name.localeCompare(b.name) || (a.in === 'path' ? -1 : b.in === 'path' ? 1 : 0));
}

/** The paths of a resource's connect subresources, under its group-version's `prefix`. */
export function addConnectPaths(paths: Record<string, PathItem>, ctx: OpContext, prefix: string): void {
  const base = collectionPath(ctx.r, prefix);
  const scopeParams = ctx.r.namespaced ? [P.namespace] : [];
  for (const sub of ctx.r.subresources.filter((s) => s.connect)) {
    const word = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
    const methods = CONNECT_METHODS[sub.name] ?? [];
    const item = (idSuffix: string, extra: Parameter[]): PathItem => {
      const out: PathItem = {};
      for (const m of methods) out[m] = connectOperation(ctx, sub, m, idSuffix);
      out.parameters = sorted([P.name(sub.kind), ...scopeParams, ...optionsOf(ctx, sub), ...extra]);
      return out;
    };
    paths[`${base}/{name}/${sub.name}`] = item(word, []);
    if (sub.name === 'proxy') {
      const target: Parameter = {
        name: 'path',
        in: 'path',
        description: 'path to the resource',
        required: true,
        uniqueItems: true,
        schema: STRING,
      };
      paths[`${base}/{name}/${sub.name}/{path}`] = item(`${word}WithPath`, [target]);
    }
  }
}
