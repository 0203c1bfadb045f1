// The reader of a watch stream over HTTP: newline-delimited JSON events, split however the chunks fall.
import type { WatchEventHandler } from './transport';

/**
 * Feeds each whole line of a watch stream to onEvent. A line that does not parse, or a handler that
 * throws, ends the reading: onFailed gets the error, and the caller ends the watch (a client re-lists).
 */
export function watchLines(onEvent: WatchEventHandler, onFailed: (e: Error) => void): (chunk: string) => void {
  let buf = '';
  let failed = false;
  return (chunk) => {
    if (failed) return;
    buf += chunk;
    let i: number;
    while ((i = buf.indexOf('\n')) >= 0) {
      const line = buf.slice(0, i);
      buf = buf.slice(i + 1);
      if (!line.trim()) continue;
      try {
        const ev = JSON.parse(line);
        onEvent(ev.type, ev.object);
      } catch (e) {
        failed = true;
        onFailed(e as Error);
        return;
      }
    }
  };
}
