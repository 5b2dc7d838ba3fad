/**
 * `--www`: serves a directory as Go's http.FileServer does behind http.StripPrefix — directory
 * listings, `index.html`, the redirects that keep relative links working (`dir` → `dir/`,
 * `…/index.html` → `./`), Last-Modified with If-Modified-Since, Content-Type by extension or sniff,
 * and single byte ranges. Multi-range requests get the whole file (Go answers multipart/byteranges).
 */
import type { Stats } from 'node:fs';
import { open, readdir, stat } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { join, posix } from 'node:path';
import { sniff, typeByExtension } from './mime.js';
import { escapePath, goClean } from './paths.js';
import { goError, localRedirect, notFound, sendReply, sortHeaders, statusText, type HeaderList, type Reply } from './reply.js';

/** One request to the file server, after the static prefix came off. */
export interface StaticRequest {
  method: string;
  /** The path after the prefix, with a leading `/` (`/`, `/sub`, `/a.txt`). */
  path: string;
  rawQuery: string;
  /** Request headers (lower-case names). */
  headers: Record<string, string | string[] | undefined>;
}

const header = (r: StaticRequest, name: string): string | undefined => {
  const v = r.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

/** Go's toHTTPError for open/stat failures. */
function fsError(e: unknown): Reply {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT' || code === 'ENOTDIR') return notFound();
  if (code === 'EACCES' || code === 'EPERM') return goError(403, '403 Forbidden');
  return goError(500, '500 Internal Server Error');
}

/** Seconds-truncated modification time, as HTTP dates carry it. */
const seconds = (s: Stats) => Math.floor(s.mtimeMs / 1000);

/** checkIfModifiedSince for GET and HEAD: true when the client's copy is current. */
function notModified(r: StaticRequest, s: Stats): boolean {
  if (r.method !== 'GET' && r.method !== 'HEAD') return false;
  const ims = header(r, 'if-modified-since');
  if (!ims || header(r, 'if-none-match')) return false;
  const t = Date.parse(ims);
  return !Number.isNaN(t) && seconds(s) <= Math.floor(t / 1000);
}

/** url.URL{Path: name}.String() for a listing link: escaped, `./` before a first segment with a colon. */
const linkFor = (name: string) => (name.split('/')[0]!.includes(':') ? `./${escapePath(name)}` : escapePath(name));
const html = (s: string) => s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&#34;', "'": '&#39;' })[c] ?? c);

async function listing(dir: string): Promise<string> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  let out = '<!doctype html>\n<meta name="viewport" content="width=device-width">\n<pre>\n';
  for (const e of entries) {
    let isDir = e.isDirectory();
    if (e.isSymbolicLink()) isDir = await stat(join(dir, e.name)).then((s) => s.isDirectory(), () => false);
    const name = isDir ? `${e.name}/` : e.name;
    out += `<a href="${linkFor(name)}">${html(name)}</a>\n`;
  }
  return `${out}</pre>\n`;
}

/** A single `bytes=a-b` range within `size`; 'all' for none or several; 'bad' when unsatisfiable. */
function parseRange(value: string | undefined, size: number): { start: number; end: number } | 'all' | 'bad' {
  if (!value?.startsWith('bytes=')) return 'all';
  const specs = value.slice(6).split(',').map((s) => s.trim()).filter((s) => s !== '');
  if (specs.length !== 1) return 'all';
  const m = /^(\d*)-(\d*)$/.exec(specs[0]!);
  if (!m || (m[1] === '' && m[2] === '')) return 'bad';
  if (m[1] === '') {
    const n = Math.min(Number(m[2]), size);
    return n === 0 ? 'bad' : { start: size - n, end: size - 1 };
  }
  const start = Number(m[1]);
  if (start >= size) return 'bad';
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  return end < start ? 'bad' : { start, end };
}

async function serveFile(res: ServerResponse, r: StaticRequest, file: string, s: Stats): Promise<void> {
  const lastModified = new Date(seconds(s) * 1000).toUTCString();
  if (notModified(r, s)) return sendReply(res, r.method, { status: 304, headers: [['Last-Modified', lastModified]], body: '' });
  const fh = await open(file, 'r');
  try {
    let type = typeByExtension(file);
    if (type === '') {
      const buf = Buffer.alloc(Math.min(512, s.size));
      const { bytesRead } = await fh.read(buf, 0, buf.length, 0);
      type = sniff(buf.subarray(0, bytesRead));
    }
    const range = parseRange(header(r, 'range'), s.size);
    if (range === 'bad') {
      const reply = goError(416, 'invalid range: failed to overlap');
      reply.headers.push(['Content-Range', `bytes */${s.size}`]);
      return sendReply(res, r.method, reply);
    }
    const [start, end, status] = range === 'all' ? [0, s.size - 1, 200] : [range.start, range.end, 206];
    const headers: HeaderList = [['Accept-Ranges', 'bytes'], ['Content-Length', String(end - start + 1)], ['Content-Type', type], ['Last-Modified', lastModified]];
    if (status === 206) headers.push(['Content-Range', `bytes ${start}-${end}/${s.size}`]);
    res.sendDate = false;
    res.writeHead(status, statusText(status), [...sortHeaders(headers), ['Date', new Date().toUTCString()]].flat());
    if (r.method === 'HEAD' || end < start) {
      res.end();
      return;
    }
    const stream = fh.createReadStream({ start, end, autoClose: false });
    await new Promise<void>((resolve) => {
      stream.once('error', () => {
        res.destroy();
        resolve();
      });
      res.once('close', resolve);
      stream.pipe(res);
    });
  } finally {
    await fh.close();
  }
}

/** Serves one request from `root`; never throws (failures become Go's error pages). */
export async function serveStatic(res: ServerResponse, r: StaticRequest, root: string): Promise<void> {
  try {
    if (r.path.endsWith('/index.html')) return sendReply(res, r.method, localRedirect('./', r.rawQuery));
    const name = goClean(r.path);
    let file = join(root, posix.normalize(`/${name}`));
    let s = await stat(file);
    if (s.isDirectory() && !r.path.endsWith('/')) return sendReply(res, r.method, localRedirect(`${posix.basename(r.path)}/`, r.rawQuery));
    if (!s.isDirectory() && r.path.endsWith('/')) return sendReply(res, r.method, localRedirect(`../${posix.basename(r.path)}`, r.rawQuery));
    if (s.isDirectory()) {
      const index = join(file, 'index.html');
      const is = await stat(index).catch(() => undefined);
      if (is && !is.isDirectory()) {
        file = index;
        s = is;
      } else {
        if (notModified(r, s)) return sendReply(res, r.method, { status: 304, headers: [['Last-Modified', new Date(seconds(s) * 1000).toUTCString()]], body: '' });
        const body = await listing(file);
        return sendReply(res, r.method, { status: 200, headers: [['Content-Type', 'text/html; charset=utf-8'], ['Last-Modified', new Date(seconds(s) * 1000).toUTCString()]], body });
      }
    }
    await serveFile(res, r, file, s);
  } catch (e) {
    if (!res.headersSent) sendReply(res, r.method, fsError(e));
    else res.destroy();
  }
}
