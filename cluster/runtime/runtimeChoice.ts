// The runtime a cluster runs its pods on is part of its state: a restart without --runtime keeps it.
import { createHash } from 'crypto';
import * as fs from 'fs';
import * as path from 'path';
import type { RuntimeKind } from './index';

const FILE = 'runtime';

/** What the state folder says this cluster ran on last; undefined for a new cluster. */
export function storedRuntime(stateDir: string): RuntimeKind | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(stateDir, FILE), 'utf8').trim();
  } catch {
    return undefined;
  }
  return text === 'container' || text === 'simulated' ? text : undefined;
}

export function storeRuntime(stateDir: string, kind: RuntimeKind): void {
  const file = path.join(stateDir, FILE);
  fs.writeFileSync(file, `${kind}\n`, { mode: 0o600 });
  // an existing file keeps its mode through writeFileSync: the state folder holds only owner-only files
  fs.chmodSync(file, 0o600);
}

/** The cluster's name on its containers' labels: stable for a state folder, distinct between folders. */
export function clusterId(stateDir: string): string {
  return createHash('sha256').update(path.resolve(stateDir)).digest('hex').slice(0, 16);
}
