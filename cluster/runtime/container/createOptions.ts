// What the engine is asked to create for a pod's container: its process (command/args replace the image's
// entrypoint/cmd as Kubernetes says), working directory, environment, volume binds, limits, the labels naming
// it, and the pod's network namespace, which it joins from the sandbox container; with shareProcessNamespace also
// the sandbox's process namespace, and an ephemeral container with a target that container's (kubectl debug).
import type { ContainerCreateOptions } from 'dockerode';
import type { Container, EnvVar } from 'kubernetes-types/core/v1';
import { parseQuantity } from '../../../kube/semantics/quantity';
import { ContainerInputs, SandboxConfig } from '../types';
import { LABEL } from './labels';

export interface PodContext {
  config: SandboxConfig;
  /** the sandbox container whose network namespace the pod's containers join */
  infraId: string;
  ip: string;
  /**
   * the containers share the sandbox's UTS namespace, so their hostname is the pod's name: Podman allows it;
   * Docker refuses UTSMode container:<id> and a hostname with a shared network, so there it is the container id
   */
  shareUts: boolean;
}

/** $(VAR) references in command, args and env values, as the kubelet expands them; $$ escapes. */
export function expand(text: string, vars: Map<string, string>): string {
  return text.replace(/\$\$|\$\(([A-Za-z_][A-Za-z0-9_.-]*)\)/g, (m, name?: string) =>
    m === '$$' ? '$' : name !== undefined && vars.has(name) ? vars.get(name)! : m,
  );
}

/** The value a fieldRef names, for the fields a pod knows when its containers are created. */
function fieldValue(path: string, pod: PodContext): string | undefined {
  const c = pod.config;
  const fields: Record<string, string> = {
    'metadata.name': c.name,
    'metadata.namespace': c.namespace,
    'metadata.uid': c.uid,
    'status.podIP': pod.ip,
  };
  const m = /^metadata\.(labels|annotations)\['(.+)'\]$/.exec(path);
  if (m) return (m[1] === 'labels' ? c.labels : c.annotations)[m[2]];
  return fields[path];
}

/**
 * The container's environment: the Services' variables, then envFrom's, then env, whose values from objects come
 * resolved; a later one of the same name wins.
 */
export function environment(env: EnvVar[], pod: PodContext, inputs?: ContainerInputs): string[] {
  const vars = new Map<string, string>([...(inputs?.serviceEnv ?? []), ...(inputs?.envFrom ?? [])]);
  for (const e of env) {
    let value: string | undefined;
    if (e.value !== undefined) value = expand(e.value, vars);
    else if (e.valueFrom?.fieldRef) value = fieldValue(e.valueFrom.fieldRef.fieldPath, pod);
    else value = inputs?.valueFrom[e.name];
    if (value !== undefined) vars.set(e.name, value);
  }
  return [...vars].map(([k, v]) => `${k}=${v}`);
}

export function createOptions(
  spec: Container,
  image: string,
  pod: PodContext,
  labels: Record<string, string>,
  inputs?: ContainerInputs,
  targetId?: string,
): ContainerCreateOptions {
  const env = environment(spec.env ?? [], pod, inputs);
  const vars = new Map(env.map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)]));
  const limits = spec.resources?.limits ?? {};
  const memory = parseQuantity(limits.memory);
  const cpu = parseQuantity(limits.cpu);
  return {
    Image: image,
    // command replaces the image's entrypoint; args alone keep it and replace its cmd
    Entrypoint: spec.command?.map((c) => expand(c, vars)),
    Cmd: spec.args?.map((a) => expand(a, vars)),
    WorkingDir: spec.workingDir,
    Env: env,
    Tty: !!spec.tty,
    OpenStdin: !!spec.stdin,
    // the container's stdin closes when the first attached client closes its own (kubectl run -i)
    StdinOnce: !!spec.stdinOnce,
    Labels: { ...labels, [LABEL.role]: targetId ? 'debug' : 'container', [LABEL.container]: spec.name },
    HostConfig: {
      NetworkMode: `container:${pod.infraId}`,
      IpcMode: `container:${pod.infraId}`,
      UTSMode: pod.shareUts ? `container:${pod.infraId}` : undefined,
      PidMode: targetId ? `container:${targetId}` : pod.config.sharePid ? `container:${pod.infraId}` : undefined,
      Binds: inputs?.mounts.map((m) => `${m.source}:${m.target}${m.readOnly ? ':ro' : ''}`),
      Memory: memory ? Math.round(memory) : undefined,
      NanoCpus: cpu ? Math.round(cpu * 1e9) : undefined,
    },
  };
}
