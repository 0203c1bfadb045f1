// Diagnostics as the checks produce them: ranges local to one YAML document, shifted into the file
// when published.

import { Diagnostic, DiagnosticRelatedInformation, DiagnosticSeverity } from 'vscode-languageserver';
import { LocalRange } from '../documents/lineIndex';

export const SOURCE = 'slipway';

export type DiagnosticCode =
  | 'yaml-syntax'
  | 'duplicate-key'
  | 'schema'
  | 'unknown-field'
  | 'selector-mismatch'
  | 'removed-api'
  | 'unknown-kind'
  | 'no-crd'
  | 'crd-version'
  | 'service-selector'
  | 'missing-reference'
  | 'target-port'
  | 'duplicate-resource'
  | 'image-tag'
  | 'resources'
  | 'readiness-probe';

export interface LocalDiagnostic {
  range: LocalRange;
  severity: DiagnosticSeverity;
  message: string;
  code: DiagnosticCode;
  /** what a quick fix needs (replacement text, suggestions) */
  data?: unknown;
  related?: DiagnosticRelatedInformation[];
}

export function toDiagnostic(d: LocalDiagnostic, lineOffset: number): Diagnostic {
  const out: Diagnostic = {
    range: {
      start: { line: d.range.start.line + lineOffset, character: d.range.start.character },
      end: { line: d.range.end.line + lineOffset, character: d.range.end.character },
    },
    severity: d.severity,
    message: d.message,
    code: d.code,
    source: SOURCE,
  };
  if (d.data !== undefined) out.data = d.data;
  if (d.related?.length) out.relatedInformation = d.related;
  return out;
}
