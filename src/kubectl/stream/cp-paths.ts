/**
 * `kubectl cp`'s file specs and path rules: `[[namespace/]pod:]path`, one trailing slash dropped,
 * remote paths always POSIX, leading `../` and `/` stripped where tar would strip them, a local
 * glob (Go's filepath.Glob syntax) for the source of an upload, and Go-style file error texts.
 */
import { readdirSync } from 'node:fs';
import * as path from 'node:path';
import { CliError } from '../errors.js';

/** One side of a copy: a pod's path or a local one. */
export interface FileSpec {
  podNamespace: string;
  podName: string;
  file: string;
}

/** Drops one trailing slash (not from `/`), as kubectl does. */
export function stripTrailingSlash(file: string): string {
  return file.length > 1 && file.endsWith('/') ? file.slice(0, -1) : file;
}

/** tar strips leading `/` and `\`, and so does kubectl. */
export function stripLeadingSlash(file: string): string {
  return file.replace(/^[/\\]+/, '');
}

/** Removes leading `../` runs, a bare `.`/`..`, and a leading `/`. */
export function stripPathShortcuts(p: string): string {
  let s = p;
  while (s.startsWith('../')) s = s.slice(3);
  if (s === '.' || s === '..') s = '';
  return s.startsWith('/') ? s.slice(1) : s;
}

const FORMAT = 'filespec must match the canonical format: [[namespace/]pod:]file/path';

/** Parses `[[namespace/]pod:]file/path`. */
export function parseFileSpec(arg: string): FileSpec {
  const i = arg.indexOf(':');
  if (i === 0) throw new CliError(FORMAT);
  if (i < 0) return { podNamespace: '', podName: '', file: stripTrailingSlash(arg) };
  const pieces = arg.slice(0, i).split('/');
  // A Windows-style remote path is turned into a POSIX one: the container is Linux.
  const file = stripTrailingSlash(arg.slice(i + 1)).replace(/\\/g, '/');
  if (pieces.length === 1) return { podNamespace: '', podName: pieces[0]!, file };
  if (pieces.length === 2) return { podNamespace: pieces[0]!, podName: pieces[1]!, file };
  throw new CliError(FORMAT);
}

/** filepath.Clean, keeping the result free of a trailing slash. */
export const cleanLocal = (p: string): string => stripTrailingSlash(path.normalize(p));
/** path.Clean for the container's side. */
export const cleanRemote = (p: string): string => stripTrailingSlash(path.posix.normalize(p));

/** filepath.Join: an empty element adds nothing and the result is clean. */
export function joinLocal(base: string, elem: string): string {
  return elem === '' ? cleanLocal(base) : cleanLocal(path.join(base, elem));
}

/** Whether `target` stays inside `base` (kubectl's isRelative, for archive members). */
export function isInside(base: string, target: string): boolean {
  const rel = path.relative(path.resolve(base), path.resolve(target)) || '.';
  return rel === '.' || rel === stripPathShortcuts(rel);
}

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');

/** Go's filepath.Match pattern → RegExp (one path element). */
function patternRegExp(pattern: string): RegExp {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '\\' && i + 1 < pattern.length) re += escapeRe(pattern[++i]!);
    else if (c === '[') {
      const end = pattern.indexOf(']', i + 2);
      if (end < 0) throw new CliError('syntax error in pattern');
      let cls = pattern.slice(i + 1, end);
      if (cls.startsWith('^')) cls = `^${cls.slice(1).replace(/[\\\]^]/g, '\\$&')}`;
      else cls = cls.replace(/[\\\]^]/g, '\\$&');
      re += `[${cls}]`;
      i = end;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

const hasMeta = (s: string) => /[*?[\\]/.test(s);

/**
 * filepath.Glob: the paths matching `pattern`, sorted per directory; a pattern without
 * metacharacters matches itself when it exists (checked by the caller's stat).
 */
export function glob(pattern: string, exists: (p: string) => boolean): string[] {
  if (!hasMeta(pattern)) return exists(pattern) ? [pattern] : [];
  const dir = path.dirname(pattern);
  const base = path.basename(pattern);
  const dirs = hasMeta(dir) && dir !== pattern ? glob(dir, exists) : [dir];
  const re = patternRegExp(base);
  const out: string[] = [];
  for (const d of dirs) {
    let names: string[];
    try {
      names = readdirSync(d).sort();
    } catch {
      continue;
    }
    for (const n of names) if (re.test(n)) out.push(path.join(d, n));
  }
  return out;
}

/** A Node file-system error as Go's os package words it: `open /x: no such file or directory`. */
export function fsErrorText(op: string, file: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code ?? '';
  const texts: Record<string, string> = {
    ENOENT: 'no such file or directory',
    EISDIR: 'is a directory',
    ENOTDIR: 'not a directory',
    EACCES: 'permission denied',
    EPERM: 'operation not permitted',
    EEXIST: 'file exists',
    ENOSPC: 'no space left on device',
    EROFS: 'read-only file system',
  };
  return `${op} ${file}: ${texts[code] ?? (e instanceof Error ? e.message : String(e))}`;
}
