/**
 * The request filter of `kubectl proxy` (upstream k8s.io/kubectl/pkg/proxy FilterServer): a request
 * passes when its path matches no reject-path pattern, its method no reject-method pattern, and its
 * path some accept-path pattern and its Host some accept-host pattern. Each flag is a comma-separated
 * list of Go regular expressions, matched unanchored, as Go's MatchString does.
 */

/** The flags' defaults, as kubectl 1.32 declares them. */
export const DEFAULT_ACCEPT_HOSTS = '^localhost$,^127\\.0\\.0\\.1$,^\\[::1\\]$';
export const DEFAULT_ACCEPT_PATHS = '^.*';
export const DEFAULT_REJECT_PATHS = '^/api/.*/pods/.*/exec,^/api/.*/pods/.*/attach';
export const DEFAULT_REJECT_METHODS = '^$';

/** A pattern Go's regexp package would refuse, in its words (`error parsing regexp: …`). */
export class RegexpError extends Error {
  override readonly name = 'RegexpError';
}

/** Go's leading flag group `(?i)`, `(?s)`, `(?is)` → JavaScript flags (Go allows them anywhere; this covers the usual prefix). */
function jsFlags(pattern: string): { source: string; flags: string } {
  const m = /^\(\?([imsU]+)\)/.exec(pattern);
  if (!m?.[1] || m[1].includes('U')) return { source: pattern, flags: '' };
  return { source: pattern.slice(m[0].length), flags: m[1] };
}

/** The syntax error Go reports for what V8 reports, for the mistakes people make in a flag. */
function goSyntaxError(pattern: string, jsMessage: string): string {
  const prefix = 'error parsing regexp: ';
  if (/Unterminated group/.test(jsMessage)) return `${prefix}missing closing ): \`${pattern}\``;
  if (/Unmatched '\)'/.test(jsMessage)) return `${prefix}unexpected ): \`${pattern}\``;
  if (/Unterminated character class/.test(jsMessage)) return `${prefix}missing closing ]: \`${pattern.slice(pattern.lastIndexOf('['))}\``;
  if (/Nothing to repeat/.test(jsMessage)) {
    const op = /(?:^|[|(])([*+?])/.exec(pattern)?.[1] ?? /[*+?]{2}/.exec(pattern)?.[0] ?? '*';
    return `${prefix}missing argument to repetition operator: \`${op}\``;
  }
  if (/\\ at end of pattern/.test(jsMessage)) return `${prefix}trailing backslash at end of expression: \`\``;
  return `${prefix}${jsMessage.replace(/^Invalid regular expression: \/.*\/[a-z]*: /, '').toLowerCase()}: \`${pattern}\``;
}

/** Compiles one Go regular expression; throws a {@link RegexpError} in Go's words. */
export function compileRegexp(pattern: string): RegExp {
  const { source, flags } = jsFlags(pattern);
  try {
    return new RegExp(source, flags);
  } catch (e) {
    throw new RegexpError(goSyntaxError(pattern, e instanceof Error ? e.message : String(e)));
  }
}

/** `a,b,c` → three patterns; `''` → none (a filter with none matches nothing), as MakeRegexpArray. */
export function regexpList(text: string): RegExp[] {
  return text === '' ? [] : text.split(',').map(compileRegexp);
}

/**
 * The host part of a Host header as Go's net.SplitHostPort gives it: `localhost:8001` → `localhost`,
 * `[::1]:8001` → `::1` (so the default `^\[::1\]$` accepts `[::1]` only without a port, as upstream),
 * and the whole header when it has no port.
 */
export function extractHost(header: string): string {
  const i = header.lastIndexOf(':');
  if (i < 0) return header;
  let host: string;
  let from = 0;
  if (header.startsWith('[')) {
    const end = header.indexOf(']');
    if (end < 0 || end + 1 !== i) return header;
    host = header.slice(1, end);
    from = end + 1;
  } else {
    host = header.slice(0, i);
    if (host.includes(':')) return header;
  }
  if (header.slice(from === 0 ? 0 : 1).includes('[') || header.slice(from).includes(']')) return header;
  return host;
}

/** The four pattern lists. */
export interface FilterSpec {
  acceptPaths: RegExp[];
  rejectPaths: RegExp[];
  acceptHosts: RegExp[];
  rejectMethods: RegExp[];
}

/** Compiles the four flags in upstream's order, so the first bad one is the one reported. */
export function compileFilter(flags: { acceptPaths: string; rejectPaths: string; acceptHosts: string; rejectMethods: string }): FilterSpec {
  const acceptPaths = regexpList(flags.acceptPaths);
  const rejectPaths = regexpList(flags.rejectPaths);
  const acceptHosts = regexpList(flags.acceptHosts);
  const rejectMethods = regexpList(flags.rejectMethods);
  return { acceptPaths, rejectPaths, acceptHosts, rejectMethods };
}

const matchesAny = (text: string, list: RegExp[]) => list.some((re) => re.test(text));

/** Whether the filter lets a request through; `host` is the Host header as sent (port and all). */
export function accepts(f: FilterSpec, method: string, path: string, hostHeader: string): boolean {
  if (matchesAny(path, f.rejectPaths)) return false;
  if (matchesAny(method, f.rejectMethods)) return false;
  return matchesAny(path, f.acceptPaths) && matchesAny(extractHost(hostHeader), f.acceptHosts);
}
