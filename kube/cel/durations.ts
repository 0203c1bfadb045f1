// Duration values for CEL: the library makes them from text through its own `duration()` function, compiled
// once here, so a schema's `format: duration` field is a CEL duration.
import { Environment } from '@marcbachmann/cel-js';

const toDuration = new Environment().registerVariable('text', 'string').parse('duration(text)');

/** The CEL duration of Go duration text ("1h30m"), or undefined when the text is not one. */
export function durationOf(text: string): unknown {
  try {
    return toDuration({ text });
  } catch {
    return undefined;
  }
}
