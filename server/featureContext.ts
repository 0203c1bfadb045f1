// What the editor features get: the file asked about and the workspace around it.

import { Position, Range } from 'vscode-languageserver';
import { ParsedFile } from './documents/parsedFile';
import { WorkspaceIndex } from './workspace/workspaceIndex';

export interface FeatureContext {
  uri: string;
  file: ParsedFile;
  index: WorkspaceIndex;
}

export function contains(range: Range, pos: Position): boolean {
  const after =
    pos.line > range.start.line || (pos.line === range.start.line && pos.character >= range.start.character);
  const before = pos.line < range.end.line || (pos.line === range.end.line && pos.character <= range.end.character);
  return after && before;
}
