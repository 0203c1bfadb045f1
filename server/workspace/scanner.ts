// Finds the YAML files of the workspace folders at start, so references and CRDs in files that are
// not open are known. Skips dependency and build folders; bounded in files and size.

import { promises as fs } from 'fs';
import * as path from 'path';
import { pathToFileURL } from 'url';

const SKIP_DIRS = new Set(['node_modules', '.git', 'out', 'dist', '.slipway', '.vscode-test', 'vendor', 'target']);
export const MAX_FILES = 5000;
export const MAX_FILE_BYTES = 2 * 1024 * 1024;

export function isYamlPath(p: string): boolean {
  return /\.ya?ml$/i.test(p);
}

export interface ScannedFile {
  uri: string;
  text: string;
}

/** Every .yaml/.yml file under the folders (file paths), depth first, at most MAX_FILES. */
export async function findYamlFiles(folders: string[], isCancelled: () => boolean = () => false): Promise<string[]> {
  const found: string[] = [];
  const stack = [...folders];
  while (stack.length && found.length < MAX_FILES && !isCancelled()) {
    const dir = stack.pop()!;
    let entries: import('fs').Dirent[];
    try {
      entries = await fs.readdir(dir, { withFileTypes: true });
    } catch {
      continue;
    }
    for (const e of entries) {
      const full = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (!SKIP_DIRS.has(e.name) && !e.name.startsWith('.')) stack.push(full);
      } else if (e.isFile() && isYamlPath(e.name)) {
        found.push(full);
        if (found.length >= MAX_FILES) break;
      }
    }
  }
  return found;
}

export async function readYamlFile(file: string): Promise<ScannedFile | undefined> {
  try {
    const stat = await fs.stat(file);
    if (stat.size > MAX_FILE_BYTES) return undefined;
    return { uri: pathToFileURL(file).toString(), text: await fs.readFile(file, 'utf8') };
  } catch {
    return undefined;
  }
}
