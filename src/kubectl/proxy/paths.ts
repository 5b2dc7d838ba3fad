/**
 * How a request path reaches a handler in `kubectl proxy`, as Go's net/http ServeMux and upstream's
 * handlers treat it: the path is cleaned (a dirty one is redirected to its clean form), `/prefix` is
 * redirected to a registered `/prefix/`, the longest registered prefix wins, the static prefix is
 * stripped for the file server, and the API prefix is stripped (leaving a leading slash) unless it
 * begins with `/api`. Pure functions, so the routing is testable without sockets.
 */
import { posix } from 'node:path';

/** Go's path.Clean: no `.`, `..`, doubled or trailing slashes; `''` → `.`. */
export function goClean(p: string): string {
  if (p === '') return '.';
  const n = posix.normalize(p);
  return n.length > 1 && n.endsWith('/') ? n.slice(0, -1) : n;
}

/** ServeMux's cleanPath: rooted, cleaned, keeping a trailing slash. */
export function cleanPath(p: string): string {
  if (p === '') return '/';
  const rooted = p.startsWith('/') ? p : `/${p}`;
  const np = goClean(rooted);
  return rooted.endsWith('/') && np !== '/' ? `${np}/` : np;
}

/** Bytes Go's url.PathEscape-for-paths (encodePath) leaves alone. */
const PATH_SAFE = /[A-Za-z0-9\-_.~$&+,/:;=@]/;

/** Go's escape(path, encodePath): UTF-8 bytes outside the safe set become `%XX`. */
export function escapePath(p: string): string {
  let out = '';
  for (const byte of Buffer.from(p, 'utf8')) {
    const c = String.fromCharCode(byte);
    out += byte < 0x80 && PATH_SAFE.test(c) ? c : `%${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** Go's unescape for a path (`+` stays `+`); undefined for a malformed escape, which Go answers with 400. */
export function unescapePath(raw: string): string | undefined {
  if (!raw.includes('%')) return raw;
  const bytes: number[] = [];
  for (let i = 0; i < raw.length; i++) {
    if (raw[i] === '%') {
      const hex = raw.slice(i + 1, i + 3);
      if (!/^[0-9A-Fa-f]{2}$/.test(hex)) return undefined;
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(raw[i]!, 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** The request target split as Go's url.URL holds it. */
export interface Target {
  /** Escaped path as sent. */
  rawPath: string;
  /** Decoded path (what handlers and the filter see). */
  path: string;
  /** Query without `?` ('' when none). */
  rawQuery: string;
}

/**
 * Splits a request-target (`/a%2Fb?x=1`, or an absolute `http://h/p` as proxies receive) into path
 * and query; undefined when the path has a malformed escape.
 */
export function parseTarget(url: string): Target | undefined {
  let t = url;
  if (!t.startsWith('/') && t !== '*') {
    const m = /^[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^/?#]*/.exec(t);
    if (m) t = t.slice(m[0].length);
  }
  const q = t.indexOf('?');
  const rawPath = q < 0 ? t : t.slice(0, q);
  const rawQuery = q < 0 ? '' : t.slice(q + 1);
  const path = unescapePath(rawPath);
  return path === undefined ? undefined : { rawPath, path, rawQuery };
}

/** What the routing decided. */
export type Route =
  /** ServeMux's 301 (http.Redirect, with its small HTML body on GET). */
  | { kind: 'redirect'; location: string }
  | { kind: 'notFound' }
  /** The file server, with the path left after the static prefix (`/` added in front, as FileServer does). */
  | { kind: 'static'; path: string }
  /**
   * The API proxy: `path` is what the filter sees (the decoded path after the prefix is stripped),
   * `forwardPath` the escaped path sent to the API server.
   */
  | { kind: 'api'; path: string; forwardPath: string };

/** The registered prefixes (both ending in `/`, as the command makes them). */
export interface Prefixes {
  api: string;
  /** Set only when a static directory is served. */
  static?: string;
}

const withQuery = (p: string, q: string) => (q === '' ? p : `${p}?${q}`);

/** Routes one request as kubectl proxy's mux and handlers do. */
export function route(method: string, t: Target, prefixes: Prefixes): Route {
  const patterns = [prefixes.api, ...(prefixes.static !== undefined ? [prefixes.static] : [])];
  // Go matches on the escaped path; CONNECT requests are not cleaned.
  const cleaned = method === 'CONNECT' ? t.rawPath : cleanPath(t.rawPath);
  const match = patterns.filter((p) => cleaned.startsWith(p)).sort((a, b) => b.length - a.length)[0];
  if (method !== 'CONNECT') {
    // `/custom` when `/custom/` is registered: redirect to the subtree (cleaned, from the decoded path).
    if (match !== cleaned && !cleaned.endsWith('/') && patterns.includes(`${cleaned}/`)) {
      return { kind: 'redirect', location: withQuery(escapePath(`${cleanPath(t.path)}/`), t.rawQuery) };
    }
    if (cleaned !== t.rawPath) return { kind: 'redirect', location: withQuery(escapePath(cleaned), t.rawQuery) };
  }
  if (match === undefined) return { kind: 'notFound' };
  if (match === prefixes.static && match !== prefixes.api) {
    // http.StripPrefix: both the decoded and the raw path must carry the prefix.
    if (!t.path.startsWith(match) || !t.rawPath.startsWith(match)) return { kind: 'notFound' };
    return { kind: 'static', path: `/${t.path.slice(match.length)}` };
  }
  if (prefixes.api.startsWith('/api')) return { kind: 'api', path: t.path, forwardPath: t.rawPath };
  // stripLeaveSlash: the prefix off the decoded path, keeping a leading slash for the filter's patterns.
  if (!t.path.startsWith(prefixes.api)) return { kind: 'notFound' };
  let p = t.path.slice(prefixes.api.length);
  if (p !== '' && !p.startsWith('/')) p = `/${p}`;
  // The raw path is kept when it still encodes the new path (Go's EscapedPath), else re-escaped.
  const forwardPath = unescapePath(t.rawPath) === p ? t.rawPath : p === '' ? '/' : escapePath(p);
  return { kind: 'api', path: p, forwardPath };
}

/** Go's singleJoiningSlash, for --append-server-path. */
export function joinSlash(a: string, b: string): string {
  const as = a.endsWith('/');
  const bs = b.startsWith('/');
  if (as && bs) return a + b.slice(1);
  if (!as && !bs) return `${a}/${b}`;
  return a + b;
}
