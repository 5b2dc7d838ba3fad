/**
 * The Content-Type the file server sends, found as Go's mime.TypeByExtension and
 * http.DetectContentType find it: Go's built-in table first, then the system's shared-mime-info
 * globs (or /etc/mime.types when there are none), then a sniff of the first 512 bytes.
 */
import { readFileSync } from 'node:fs';
import { extname } from 'node:path';

const BUILTIN: Record<string, string> = {
  '.avif': 'image/avif',
  '.css': 'text/css; charset=utf-8',
  '.gif': 'image/gif',
  '.htm': 'text/html; charset=utf-8',
  '.html': 'text/html; charset=utf-8',
  '.jpeg': 'image/jpeg',
  '.jpg': 'image/jpeg',
  '.js': 'text/javascript; charset=utf-8',
  '.json': 'application/json',
  '.mjs': 'text/javascript; charset=utf-8',
  '.pdf': 'application/pdf',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.wasm': 'application/wasm',
  '.webp': 'image/webp',
  '.xml': 'text/xml; charset=utf-8',
};

/** Go adds `charset=utf-8` to text types the system tables list without one. */
const withCharset = (type: string) => (type.startsWith('text/') && !type.includes('charset') ? `${type}; charset=utf-8` : type);

/** Reads the system tables once: globs2 lines `weight:type:*.ext` (first wins), else mime.types lines `type ext…`. */
function systemTypes(files: { globs: string[]; mimeTypes: string[] }): Map<string, string> {
  const types = new Map<string, string>();
  for (const file of files.globs) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [, type, glob] = line.split(':');
      if (line.startsWith('#') || !type || !glob?.startsWith('*.')) continue;
      const ext = glob.slice(1);
      if (/[?*[]/.test(ext) || types.has(ext)) continue;
      types.set(ext, withCharset(type));
    }
    return types;
  }
  for (const file of files.mimeTypes) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    for (const line of text.split('\n')) {
      const [type, ...exts] = line.trim().split(/\s+/);
      if (!type || type.startsWith('#')) continue;
      for (const ext of exts) types.set(`.${ext}`, withCharset(type));
    }
  }
  return types;
}

let system: Map<string, string> | undefined;
const SYSTEM_FILES = {
  globs: ['/usr/local/share/mime/globs2', '/usr/share/mime/globs2'],
  mimeTypes: ['/etc/mime.types', '/etc/apache2/mime.types', '/etc/apache/mime.types', '/etc/httpd/conf/mime.types'],
};

/** mime.TypeByExtension: exact extension first, then lower-cased; '' when unknown. */
export function typeByExtension(name: string): string {
  const ext = extname(name);
  if (ext === '') return '';
  system ??= systemTypes(SYSTEM_FILES);
  for (const e of [ext, ext.toLowerCase()]) {
    const t = BUILTIN[e] ?? system.get(e);
    if (t) return t;
  }
  return '';
}

const startsWith = (data: Buffer, sig: number[] | string) => {
  const bytes = typeof sig === 'string' ? Buffer.from(sig, 'latin1') : Buffer.from(sig);
  return data.length >= bytes.length && data.subarray(0, bytes.length).equals(bytes);
};

const HTML_TAGS = ['<!DOCTYPE HTML', '<HTML', '<HEAD', '<SCRIPT', '<IFRAME', '<H1', '<DIV', '<FONT', '<TABLE', '<A', '<STYLE', '<TITLE', '<B', '<BODY', '<BR', '<P', '<!--'];

/** A subset of http.DetectContentType: HTML, XML, PDF, common images, BOMs, text, else binary. */
export function sniff(data: Buffer): string {
  const ws = new Set([0x09, 0x0a, 0x0c, 0x0d, 0x20]);
  let i = 0;
  while (i < data.length && ws.has(data[i]!)) i++;
  const rest = data.subarray(i);
  for (const tag of HTML_TAGS) {
    if (rest.length > tag.length && rest.subarray(0, tag.length).toString('latin1').toUpperCase() === tag && (rest[tag.length] === 0x20 || rest[tag.length] === 0x3e)) return 'text/html; charset=utf-8';
  }
  if (startsWith(rest, '<?xml')) return 'text/xml; charset=utf-8';
  if (startsWith(data, '%PDF-')) return 'application/pdf';
  if (startsWith(data, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image/png';
  if (startsWith(data, 'GIF87a') || startsWith(data, 'GIF89a')) return 'image/gif';
  if (startsWith(data, [0xff, 0xd8, 0xff])) return 'image/jpeg';
  if (startsWith(data, [0x1f, 0x8b, 0x08])) return 'application/x-gzip';
  if (startsWith(data, 'PK\x03\x04')) return 'application/zip';
  if (startsWith(data, [0xfe, 0xff]) || startsWith(data, [0xff, 0xfe])) return 'text/plain; charset=utf-16' + (data[0] === 0xfe ? 'be' : 'le');
  if (startsWith(data, [0xef, 0xbb, 0xbf])) return 'text/plain; charset=utf-8';
  const binary = data.some((b) => b <= 0x08 || b === 0x0b || (b >= 0x0e && b <= 0x1a) || (b >= 0x1c && b <= 0x1f));
  return binary ? 'application/octet-stream' : 'text/plain; charset=utf-8';
}
