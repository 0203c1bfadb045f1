// Kubernetes decodes []byte fields (Secret data, ConfigMap binaryData) with Go's padded standard base64, which
// skips line breaks and refuses anything else that is not base64: "illegal base64 data at input byte N".

function isBase64Char(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) || c === 43 || c === 47;
}

const isBreak = (c: number): boolean => c === 10 || c === 13;

/** The byte offset Go's base64.StdEncoding reports for text it cannot decode, or undefined when it decodes. */
export function base64ErrorOffset(text: string): number | undefined {
  const at = (i: number): number => Buffer.byteLength(text.slice(0, i));
  const n = text.length;
  let j = 0; // position in the current group of four
  let groupStart = 0;
  for (let i = 0; i < n; i++) {
    const c = text.charCodeAt(i);
    if (isBreak(c)) continue;
    if (j === 0) groupStart = i;
    if (isBase64Char(c)) {
      j = (j + 1) % 4;
      continue;
    }
    if (c !== 61 /* = */ || j < 2) return at(i);
    // padding ends the text: "==" after two characters, "=" after three, then only line breaks
    let k = i + 1;
    if (j === 2) {
      while (k < n && isBreak(text.charCodeAt(k))) k++;
      if (k === n) return at(n);
      if (text.charCodeAt(k) !== 61) return at(k - 1);
      k++;
    }
    while (k < n && isBreak(text.charCodeAt(k))) k++;
    return k < n ? at(k) : undefined;
  }
  return j === 0 ? undefined : at(groupStart);
}
