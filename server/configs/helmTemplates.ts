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

/** The text with every action replaced by spaces (line breaks inside an action are kept). */
export function blankActions(text: string, actions: Span[] = templateActions(text)): string {
  if (!actions.length) return text;
  let out = '';
  let from = 0;
  for (const [start, end] of actions) {
    out += text.slice(from, start) + text.slice(start, end).replace(/[^\r\n]/g, ' ');
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
