// Which seeded errors a server reported on exactly the right line, and what else it reported.
import { Diagnostic } from './languageServerSession';
import { SeededError } from './manifestFiles';

export interface SeededVerdict {
  seeded: SeededError;
  /** a diagnostic starts on the seeded line */
  found: boolean;
  /** lines (0-based) of diagnostics one line off, when not found */
  nearLines: number[];
  messages: string[];
}

export interface AccuracyReport {
  verdicts: SeededVerdict[];
  /** diagnostics starting on no seeded line (nor one line off a missed one), by severity 1..4 */
  others: Diagnostic[];
}

export function judgeDiagnostics(seeded: SeededError[], diagnostics: Diagnostic[]): AccuracyReport {
  const verdicts: SeededVerdict[] = seeded.map((s) => {
    const on = diagnostics.filter((d) => d.range.start.line === s.line);
    const near = on.length ? [] : diagnostics.filter((d) => Math.abs(d.range.start.line - s.line) === 1);
    return {
      seeded: s,
      found: on.length > 0,
      nearLines: near.map((d) => d.range.start.line),
      messages: (on.length ? on : near).map((d) => d.message),
    };
  });
  const accounted = new Set<number>();
  for (const v of verdicts) {
    accounted.add(v.seeded.line);
    for (const l of v.nearLines) accounted.add(l);
  }
  return { verdicts, others: diagnostics.filter((d) => !accounted.has(d.range.start.line)) };
}
