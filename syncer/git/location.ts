// Where a source lives: a local repository used in place, or a URL cloned into the state folder.
import { createHash } from 'crypto';
import * as path from 'path';
import { SourceError } from './errors';

/** URLs (scheme://...) and scp-like addresses (user@host:path) are remotes; anything else is a local path. */
export function isRemoteAddress(repo: string): boolean {
  return /^[a-z][a-z0-9+.-]*:\/\//i.test(repo) || /^[\w.-]+@[\w.-]+:/.test(repo);
}

/** The clone's folder name: readable, without credentials, made unique by a hash of the address. */
export function cloneDirName(url: string): string {
  const readable = url
    .replace(/^[a-z][a-z0-9+.-]*:\/\//i, '')
    .replace(/^[^/@]*@/, '')
    .replace(/\.git\/?$/, '')
    .replace(/[^A-Za-z0-9._-]+/g, '-')
    .replace(/^[-.]+|-+$/g, '')
    .slice(-60);
  const hash = createHash('sha256').update(url).digest('hex').slice(0, 10);
  return `${readable || 'repo'}-${hash}`;
}

/** A repository-relative folder in posix form, '.' for the root; refuses paths that leave the repository. */
export function normalizeRepoPath(p: string | undefined, prefix = ''): string {
  const joined = path.posix.normalize([prefix, (p ?? '.').replace(/\\/g, '/')].filter(Boolean).join('/'));
  const trimmed = joined.replace(/^\.\/+/, '').replace(/\/+$/, '') || '.';
  if (trimmed.startsWith('/') || trimmed === '..' || trimmed.startsWith('../')) {
    throw new SourceError(`path ${JSON.stringify(p)} must be a folder inside the repository, relative to its root`);
  }
  return trimmed;
}
