// Kubernetes `$(VAR)` references in command, args, env values and subPathExpr: `$$` is a literal `$`,
// a reference that cannot be resolved (or is never closed) stays in the text as written.

/** Looks a variable up; `undefined` means "not defined here". */
export type Lookup = (name: string) => string | undefined;

/** A lookup that tries each map in order (the first that defines the name wins). */
export function lookupIn(...maps: ReadonlyArray<ReadonlyMap<string, string> | Readonly<Record<string, string>>>): Lookup {
  return (name) => {
    for (const m of maps) {
      let v: string | undefined;
      if (m instanceof Map) v = (m as ReadonlyMap<string, string>).get(name);
      else if (Object.hasOwn(m, name)) v = (m as Readonly<Record<string, string>>)[name];
      if (v !== undefined) return v;
    }
    return undefined;
  };
}

/**
 * Expands `$(NAME)` in `input`. `$$` yields `$`; `$(NAME)` with an unknown NAME stays `$(NAME)`;
 * `$(` without a closing `)` and `$` before any other character are copied unchanged.
 */
export function expand(input: string, lookup: Lookup): string {
  let out = '';
  let i = 0;
  while (i < input.length) {
    const ch = input[i];
    if (ch !== '$' || i + 1 >= input.length) {
      out += ch;
      i++;
      continue;
    }
    const next = input[i + 1];
    if (next === '$') {
      // An escaped operator: one `$` survives and the scan resumes after both.
      out += '$';
      i += 2;
    } else if (next === '(') {
      const close = input.indexOf(')', i + 2);
      if (close < 0) {
        // Never closed: keep `$(` literally and carry on scanning after it.
        out += '$(';
        i += 2;
      } else {
        const name = input.slice(i + 2, close);
        out += lookup(name) ?? `$(${name})`;
        i = close + 1;
      }
    } else {
      out += '$' + next;
      i += 2;
    }
  }
  return out;
}
