// The names a Helm template gives its objects, as far as its static text tells: `name: web-config` is that name,
// `name: {{ .Release.Name }}-web` is any name ending in `-web`, and `name: {{ include "x.fullname" . }}` could be
// any name at all. A reference elsewhere in the workspace that such a name may match is not reported missing.

import type { YamlDoc } from '../documents/parsedFile';
import { parseFile } from '../documents/parsedFile';
import { nodeAtPath, pairOf } from '../documents/yamlTree';
import { blankActions, templateActions } from './helmTemplates';

export interface TemplateName {
  kind: string;
  /** the whole name when no action writes part of it */
  name?: string;
  /** otherwise what names it may render to: its static parts in order, anything between them */
  pattern?: RegExp;
}

const escape = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/** The value written after `name:` on its line, without quotes or a trailing comment. */
function valueText(line: string): string {
  let v = line.trim();
  const comment = v.search(/\s#/);
  if (comment >= 0 && !v.slice(0, comment).includes('{{')) v = v.slice(0, comment).trim();
  if (v.length >= 2 && (v[0] === '"' || v[0] === "'") && v[v.length - 1] === v[0]) v = v.slice(1, -1);
  return v;
}

/** A name with template actions as the names it can render to; a name without any as itself. */
export function namePattern(value: string): Omit<TemplateName, 'kind'> | undefined {
  const actions = templateActions(value);
  if (!actions.length) return value ? { name: value } : undefined;
  let source = '^';
  let from = 0;
  for (const [start, end] of actions) {
    let text = value.slice(from, start);
    // trim markers (`{{-`, `-}}`) eat the spaces beside the action
    if (value.startsWith('{{-', start)) text = text.trimEnd();
    if (from > 0 && value.slice(from - 3, from) === '-}}') text = text.trimStart();
    source += escape(text) + '.*';
    from = end;
  }
  let rest = value.slice(from);
  if (value.slice(from - 3, from) === '-}}') rest = rest.trimStart();
  return { pattern: new RegExp(source + escape(rest) + '$') };
}

/** The kind and name of each object a template document writes, when its kind is static. */
export function templateNames(doc: YamlDoc): TemplateName[] {
  return doc.cached('templateNames', 0, () => {
    const out: TemplateName[] = [];
    for (const placed of parseFile(blankActions(doc.text)).docs) {
      const staticDoc = placed.doc;
      const kind = nodeAtPath(staticDoc.tree, ['kind']);
      const metadata = nodeAtPath(staticDoc.tree, ['metadata']);
      const pair = metadata?.kind === 'map' ? pairOf(metadata, 'name') : undefined;
      if (kind?.kind !== 'scalar' || typeof kind.value !== 'string' || !kind.value || !pair) continue;
      // the blanked text keeps every offset: the name's line in the template is at the same place
      const at = placed.offset + pair.keyEnd + 1;
      const lineEnd = doc.text.indexOf('\n', at);
      const value = valueText(doc.text.slice(at, lineEnd < 0 ? doc.text.length : lineEnd));
      // a name written on the lines below (an action's output) could be anything
      const name = value ? namePattern(value) : { pattern: /^/ };
      if (name) out.push({ kind: kind.value, ...name });
    }
    return out;
  });
}
