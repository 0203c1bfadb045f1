// The error types of the git source. Messages name the repository and say what to do.
export class SourceError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SourceError';
  }
}

/** A render stopped because its result is no longer wanted (the branch moved on); not a failure to report. */
export class RenderCancelled extends SourceError {
  constructor(where: string) {
    super(`${where}: rendering was cancelled`);
    this.name = 'RenderCancelled';
  }
}

/** A URL without its password, for messages and logs. */
export function redactUrl(url: string): string {
  return url.replace(/^([a-z][a-z0-9+.-]*:\/\/[^/@:]*):[^/@]*@/i, '$1:***@');
}

/** The first meaningful lines of git's stderr, without its "fatal:"/"error:" prefixes. */
export function gitMessage(e: unknown): string {
  const text = e instanceof Error ? e.message : String(e);
  const lines = text
    .split('\n')
    .map((l) => l.replace(/^(fatal|error|remote|hint):\s*/, '').trim())
    .filter((l) => l && !l.startsWith('To ') && !/^hint/.test(l));
  return lines.slice(0, 3).join('; ');
}
