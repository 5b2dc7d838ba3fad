/**
 * Finds duplicate keys in a JSON document (JSON.parse silently keeps the last one), reported by
 * path as kube-apiserver's strict decoding reports them: `duplicate field "metadata.name"`.
 * A small scanner over the text; it assumes the text already parsed as JSON.
 */
export function duplicateJsonFields(text: string, max = 50): string[] {
  const out: string[] = [];
  let i = 0;
  const ws = () => {
    while (i < text.length && ' \t\r\n'.includes(text[i] ?? '')) i++;
  };
  const str = (): string => {
    const start = i;
    i++; // opening quote
    while (i < text.length && text[i] !== '"') i += text[i] === '\\' ? 2 : 1;
    i++;
    return JSON.parse(text.slice(start, i)) as string;
  };
  const value = (path: string): void => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const seen = new Set<string>();
      ws();
      if (text[i] === '}') {
        i++;
        return;
      }
      for (;;) {
        ws();
        const key = str();
        const p = path ? `${path}.${key}` : key;
        if (seen.has(key) && out.length < max) out.push(p);
        seen.add(key);
        ws();
        i++; // colon
        value(p);
        ws();
        if (text[i] === ',') i++;
        else {
          i++; // closing brace
          return;
        }
      }
    }
    if (c === '[') {
      i++;
      ws();
      if (text[i] === ']') {
        i++;
        return;
      }
      for (let n = 0; ; n++) {
        value(`${path}[${n}]`);
        ws();
        if (text[i] === ',') i++;
        else {
          i++;
          return;
        }
      }
    }
    if (c === '"') {
      str();
      return;
    }
    while (i < text.length && !',}] \t\r\n'.includes(text[i] ?? '')) i++;
  };
  value('');
  return out;
}
