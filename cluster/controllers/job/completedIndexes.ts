// The completed indexes of an Indexed Job, kept in status.completedIndexes as ordered intervals ("0-2,4,7-9").

export function parseIndexes(text: string | undefined, completions: number): Set<number> {
  const out = new Set<number>();
  for (const part of (text ?? '').split(',')) {
    const m = /^\s*(\d+)(?:-(\d+))?\s*$/.exec(part);
    if (!m) continue;
    const first = Number(m[1]);
    const last = Math.min(m[2] === undefined ? first : Number(m[2]), completions - 1);
    for (let i = first; i <= last; i++) out.add(i);
  }
  return out;
}

export function formatIndexes(indexes: Iterable<number>): string {
  const sorted = [...new Set(indexes)].sort((a, b) => a - b);
  const parts: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) j++;
    parts.push(i === j ? String(sorted[i]) : `${sorted[i]}-${sorted[j]}`);
    i = j + 1;
  }
  return parts.join(',');
}

/** The lowest indexes that are neither completed nor held by an active pod. */
export function pendingIndexes(
  completed: Set<number>,
  held: Set<number>,
  completions: number,
  count: number,
): number[] {
  const out: number[] = [];
  for (let i = 0; i < completions && out.length < count; i++) if (!completed.has(i) && !held.has(i)) out.push(i);
  return out;
}
