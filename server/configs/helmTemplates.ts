// Helm chart templates: YAML with Go template actions (`{{ ... }}`) that only `helm template` turns into
// manifests. The static parts are read by blanking the actions out (same length, newlines kept), so what
// is left keeps its positions.

export type Span = [number, number];

/** Offsets of every `{{ ... }}` action in the text (an unclosed one runs to the end). */
export function templateActions(text: string): Span[] {
  const out: Span[] = [];
  for (let i = text.indexOf('{{'); i >= 0; i = text.indexOf('{{', i)) {
    const close = text.indexOf('}}', i + 2);
    const end = close < 0 ? text.length : close + 2;
    out.push([i, end]);
    i = end;
  }
  return out;
}

/** Before an action that is a whole value: a key (`key: {{ ... }}`) or a list item (`- {{ ... }}`). */
const VALUE_BEFORE = /(?:\S:|^[ \t]*-)[ \t]+$/;

/**
 * The text with every action replaced by spaces (line breaks inside an action are kept). An action that is a
 * whole value on its line becomes a quoted blank (`"  "`), so its key stays (a mistyped key is still found).
 */
export function blankActions(text: string, actions: Span[] = templateActions(text)): string {
  if (!actions.length) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of actions) {
    const blank = text.slice(start, end).replace(/[^\r\n]/g, ' ');
    const lineStart = text.lastIndexOf('\n', start - 1) + 1;
    const lineEnd = text.indexOf('\n', end);
    const wholeValue =
      !blank.includes('\n') &&
      VALUE_BEFORE.test(text.slice(lineStart, start)) &&
      /^[ \t\r]*$/.test(text.slice(end, lineEnd < 0 ? text.length : lineEnd));
    out += text.slice(from, start) + (wholeValue ? `"${blank.slice(2)}"` : blank);
    from = end;
  }
  return out + text.slice(from);
}

/** Whether a file is a chart's template: under `templates/` of a folder holding a Chart.yaml. */
export function isUnderChartTemplates(uri: string, hasFile: (uri: string) => boolean): boolean {
  const parts = uri.split('/');
  for (let i = parts.length - 2; i > 0; i--) {
    if (parts[i] === 'templates' && hasFile([...parts.slice(0, i), 'Chart.yaml'].join('/'))) return true;
  }
  return false;
}

/** Files of a chart that are not YAML at all (helpers, notes): never validated. */
export function isTemplateText(uri: string): boolean {
  return /\.tpl$/i.test(uri) || /\/NOTES\.txt$/i.test(uri);
}
