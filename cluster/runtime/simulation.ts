// How a simulated container behaves, read from the pod's sim.slipway.dev/ annotations. Every key may be
// given for one container as sim.slipway.dev/<container>.<key>, which wins over the pod-wide key.
// The README's "Simulated containers" section documents the same table.

export const SIM_PREFIX = 'sim.slipway.dev/';

/** A finite run's length when nothing says otherwise (cluster time). */
export const DEFAULT_RUN_SECONDS = 2;

export interface ProbePlan {
  /** passes before `after` seconds of the run and fails from then on (or the reverse) */
  mode: 'pass' | 'fail' | 'pass-after' | 'fail-after';
  after: number;
  /** the annotation that chose this plan, quoted in probe output */
  source?: string;
}

export interface Behavior {
  /** seconds until the container exits by itself; undefined: runs until stopped */
  runSeconds?: number;
  exitCode: number;
  crashOnStart: boolean;
  readiness: ProbePlan;
  liveness: ProbePlan;
  startup: ProbePlan;
  /** pulls that fail before one succeeds (Infinity: every pull fails) */
  pullFailures: number;
  pullSeconds: number;
  /** seconds a container takes to exit after SIGTERM */
  stopSeconds: number;
  logLinesPerSecond: number;
  /** annotations that could not be used, with the reason, for the container's log */
  problems: string[];
}

export const ANNOTATION_KEYS = [
  'run-seconds',
  'exit-code',
  'crash-on-start',
  'ready-after-seconds',
  'readiness',
  'liveness',
  'startup',
  'image-pull',
  'pull-seconds',
  'stop-seconds',
  'log-lines-per-second',
] as const;

type Key = (typeof ANNOTATION_KEYS)[number];

class Reader {
  readonly problems: string[] = [];
  constructor(
    private readonly annotations: Record<string, string>,
    private readonly container: string,
  ) {}

  /** the raw value and the annotation it came from, the container's own first */
  raw(key: Key): { value: string; from: string } | undefined {
    const own = `${SIM_PREFIX}${this.container}.${key}`;
    if (this.annotations[own] !== undefined) return { value: String(this.annotations[own]).trim(), from: own };
    const pod = `${SIM_PREFIX}${key}`;
    if (this.annotations[pod] !== undefined) return { value: String(this.annotations[pod]).trim(), from: pod };
    return undefined;
  }

  seconds(key: Key): number | undefined {
    const r = this.raw(key);
    if (!r) return undefined;
    const n = Number(r.value.replace(/s$/, ''));
    if (r.value === '' || !Number.isFinite(n) || n < 0) {
      this.problems.push(`ignoring ${r.from}=${JSON.stringify(r.value)}: expected a number of seconds`);
      return undefined;
    }
    return n;
  }

  int(key: Key, min: number, max: number): number | undefined {
    const r = this.raw(key);
    if (!r) return undefined;
    const n = Number(r.value);
    if (!Number.isInteger(n) || n < min || n > max) {
      this.problems.push(`ignoring ${r.from}=${JSON.stringify(r.value)}: expected an integer from ${min} to ${max}`);
      return undefined;
    }
    return n;
  }

  bool(key: Key): boolean | undefined {
    const r = this.raw(key);
    if (!r) return undefined;
    if (r.value === 'true') return true;
    if (r.value === 'false') return false;
    this.problems.push(`ignoring ${r.from}=${JSON.stringify(r.value)}: expected "true" or "false"`);
    return undefined;
  }

  probe(key: 'readiness' | 'liveness' | 'startup'): ProbePlan | undefined {
    const r = this.raw(key);
    if (!r) return undefined;
    if (r.value === 'pass' || r.value === 'fail') return { mode: r.value, after: 0, source: `${r.from}=${r.value}` };
    const m = /^(pass|fail)-after:(\d+(?:\.\d+)?)s?$/.exec(r.value);
    if (m) return { mode: `${m[1]}-after` as ProbePlan['mode'], after: Number(m[2]), source: `${r.from}=${r.value}` };
    this.problems.push(
      `ignoring ${r.from}=${JSON.stringify(r.value)}: expected pass, fail, pass-after:N or fail-after:N`,
    );
    return undefined;
  }

  pull(): number | undefined {
    const r = this.raw('image-pull');
    if (!r) return undefined;
    if (r.value === 'fail') return Infinity;
    if (r.value === 'pass') return 0;
    const m = /^fail-first:(\d+)$/.exec(r.value);
    if (m) return Number(m[1]);
    this.problems.push(`ignoring ${r.from}=${JSON.stringify(r.value)}: expected fail, fail-first:N or pass`);
    return undefined;
  }
}

/**
 * The behaviour of one run of a container. kind: init containers and containers of pods that do not
 * restart them finish after a short run; containers restarted Always, sidecars and ephemeral (debug) containers
 * run until stopped unless an exit is asked for.
 */
export function behaviorOf(
  annotations: Record<string, string> | undefined,
  container: string,
  kind: 'init' | 'sidecar' | 'regular' | 'ephemeral',
  podRestartPolicy: string,
): Behavior {
  const r = new Reader(annotations ?? {}, container);
  const runSeconds = r.seconds('run-seconds');
  const exitCode = r.int('exit-code', 0, 255);
  const crashOnStart = r.bool('crash-on-start') ?? false;
  const readyAfter = r.seconds('ready-after-seconds');
  const readyAfterSource = r.raw('ready-after-seconds');
  const runsForever =
    (kind === 'sidecar' || kind === 'ephemeral' || (kind === 'regular' && podRestartPolicy === 'Always')) &&
    exitCode === undefined;
  const pass: ProbePlan = { mode: 'pass', after: 0 };
  return {
    runSeconds: crashOnStart ? 0 : (runSeconds ?? (runsForever ? undefined : DEFAULT_RUN_SECONDS)),
    exitCode: exitCode ?? (crashOnStart ? 1 : 0),
    crashOnStart,
    readiness:
      r.probe('readiness') ??
      (readyAfter !== undefined
        ? { mode: 'pass-after', after: readyAfter, source: `${readyAfterSource!.from}=${readyAfterSource!.value}` }
        : pass),
    liveness: r.probe('liveness') ?? pass,
    startup: r.probe('startup') ?? pass,
    pullFailures: r.pull() ?? 0,
    pullSeconds: r.seconds('pull-seconds') ?? 0,
    stopSeconds: r.seconds('stop-seconds') ?? 0,
    logLinesPerSecond: r.seconds('log-lines-per-second') ?? 0,
    problems: r.problems,
  };
}

/** Whether a probe planned so passes `elapsed` seconds into the run, and why not. */
export function probeOutcome(plan: ProbePlan, elapsed: number): { success: boolean; why: string } {
  const src = plan.source ? ` (${plan.source})` : '';
  switch (plan.mode) {
    case 'pass':
      return { success: true, why: '' };
    case 'fail':
      return { success: false, why: `simulated failure${src}` };
    case 'pass-after':
      return elapsed >= plan.after
        ? { success: true, why: '' }
        : { success: false, why: `simulated failure until ${plan.after}s after start${src}` };
    case 'fail-after':
      return elapsed < plan.after
        ? { success: true, why: '' }
        : { success: false, why: `simulated failure from ${plan.after}s after start${src}` };
  }
}
