// Cell formatting shared by the printers: ages the way Kubernetes' HumanDuration rounds them,
// timestamps, container lists and small helpers for optional fields.

/** Kubernetes' HumanDuration: coarser the older it gets ("45s", "3m2s", "10m", "5h10m", "2d3h", "3y20d"). */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000);
  // Up to a second of clock skew still reads as "0s".
  if (seconds < -1) return '<invalid>';
  if (seconds < 0) return '0s';
  if (seconds < 120) return `${seconds}s`;
  const minutes = Math.trunc(ms / 60_000);
  if (minutes < 10) {
    const s = seconds % 60;
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`;
  }
  if (minutes < 180) return `${minutes}m`;
  const hours = Math.trunc(ms / 3_600_000);
  if (hours < 8) {
    const m = minutes % 60;
    return m === 0 ? `${hours}h` : `${hours}h${m}m`;
  }
  if (hours < 48) return `${hours}h`;
  if (hours < 24 * 8) {
    const h = hours % 24;
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`;
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`;
  if (hours < 24 * 365 * 8) {
    const days = Math.trunc(hours / 24) % 365;
    const years = Math.trunc(hours / 24 / 365);
    return days === 0 ? `${years}y` : `${years}y${days}d`;
  }
  return `${Math.trunc(hours / 24 / 365)}y`;
}

export function parseTime(ts: unknown): Date | undefined {
  if (typeof ts !== 'string' || ts === '') return undefined;
  const t = Date.parse(ts);
  return Number.isNaN(t) ? undefined : new Date(t);
}

/** Age of a timestamp relative to `now`; "<unknown>" when it is missing. */
export function since(ts: unknown, now: Date): string {
  const t = parseTime(ts);
  return t ? humanDuration(now.getTime() - t.getTime()) : '<unknown>';
}

/** RFC 3339 in UTC with whole seconds, as Go's time.RFC3339 prints it. */
export function rfc3339(ts: unknown): string {
  const t = parseTime(ts);
  return t ? t.toISOString().replace(/\.\d+Z$/, 'Z') : '0001-01-01T00:00:00Z';
}

/** A container list entry as found in a stored object, unchecked. */
type ContainerLike = { name?: unknown; image?: unknown } | null | undefined;

/** "a,b" and "img-a,img-b" for a container list. */
export function containerCells(containers: unknown): [string, string] {
  const list = Array.isArray(containers) ? containers : [];
  return [
    list.map((c: ContainerLike) => String(c?.name ?? '')).join(','),
    list.map((c: ContainerLike) => String(c?.image ?? '')).join(','),
  ];
}

export function int(v: unknown, dflt = 0): number {
  return typeof v === 'number' && Number.isFinite(v) ? Math.trunc(v) : dflt;
}

export function str(v: unknown): string {
  return v === undefined || v === null ? '' : String(v);
}

export function len(v: unknown): number {
  if (Array.isArray(v)) return v.length;
  if (v && typeof v === 'object') return Object.keys(v).length;
  return 0;
}

/** "a,b + 3 more..." once a list passes `max` entries. */
export function listWithMore(items: string[], max: number, empty: string): string {
  if (items.length === 0) return empty;
  const shown = items.slice(0, max).join(',');
  return items.length > max ? `${shown} + ${items.length - max} more...` : shown;
}

/** Quantities and int-or-strings print as written ("1Gi", 2, "50%"). */
export function quantity(v: unknown): string {
  return v === undefined || v === null ? '0' : String(v);
}
