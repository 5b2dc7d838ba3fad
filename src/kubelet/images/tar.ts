/**
 * Minimal tar (POSIX ustar + pax) writer and reader for image layers and image archives.
 * The writer emits what the layer needs and nothing host-specific: uid/gid 0, no user names,
 * the modes and mtimes it is given. The reader only indexes an archive (name -> byte range) so
 * blobs can be streamed straight out of a `docker save` or OCI archive without unpacking it.
 */
import { open, type FileHandle } from 'node:fs/promises';

/** One member of a tar stream. `path` is relative (no leading slash); directories need no trailing slash. */
export interface TarEntry {
  path: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink';
  /** Permission bits including setuid/setgid/sticky (e.g. 0o4755). */
  mode: number;
  /** Seconds since the epoch. */
  mtime: number;
  /** For symlinks and hardlinks: the target (a hardlink's target is another member's path). */
  linkname?: string;
  /** For files: the size in bytes, and how to get the bytes. */
  size?: number;
  body?: () => Promise<Buffer> | Buffer;
}

const BLOCK = 512;
const TYPEFLAG = { file: '0', hardlink: '1', symlink: '2', dir: '5' } as const;

function octal(n: number, width: number): string {
  // width includes the terminating NUL
  return n.toString(8).padStart(width - 1, '0') + '\0';
}

function writeString(buf: Buffer, offset: number, width: number, s: string): void {
  buf.write(s, offset, Math.min(width, Buffer.byteLength(s)), 'utf8');
}

/** A pax record "<len> key=value\n" where len counts the whole record including its own digits. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body) + 1;
  while (String(len).length + Buffer.byteLength(body) !== len) len = String(len).length + Buffer.byteLength(body);
  return `${len}${body}`;
}

function header(o: { name: string; mode: number; size: number; mtime: number; type: string; linkname?: string }): Buffer {
  const h = Buffer.alloc(BLOCK);
  writeString(h, 0, 100, o.name);
  writeString(h, 100, 8, octal(o.mode & 0o7777, 8));
  writeString(h, 108, 8, octal(0, 8));
  writeString(h, 116, 8, octal(0, 8));
  writeString(h, 124, 12, octal(o.size, 12));
  writeString(h, 136, 12, octal(Math.max(0, Math.floor(o.mtime)), 12));
  h.fill(0x20, 148, 156); // checksum is computed with its own field as spaces
  writeString(h, 156, 1, o.type);
  writeString(h, 157, 100, o.linkname ?? '');
  writeString(h, 257, 6, 'ustar\0');
  writeString(h, 263, 2, '00');
  let sum = 0;
  for (const b of h) sum += b;
  writeString(h, 148, 8, sum.toString(8).padStart(6, '0') + '\0 ');
  return h;
}

const fits = (s: string) => Buffer.byteLength(s) <= 100 && /^[\x20-\x7e]*$/.test(s);
const padding = (n: number) => Buffer.alloc((BLOCK - (n % BLOCK)) % BLOCK);

/** Serializes entries, in the order given, as a tar stream (with the two zero blocks at the end). */
export async function* tarStream(entries: Iterable<TarEntry> | AsyncIterable<TarEntry>): AsyncGenerator<Buffer> {
  for await (const e of entries) {
    const name = e.type === 'dir' ? `${e.path.replace(/\/+$/, '')}/` : e.path;
    const linkname = e.linkname ?? '';
    if (!fits(name) || !fits(linkname)) {
      // Long or non-ASCII names go in a pax extended header, which every tar reader in use understands.
      let pax = '';
      if (!fits(name)) pax += paxRecord('path', name);
      if (!fits(linkname)) pax += paxRecord('linkpath', linkname);
      const body = Buffer.from(pax, 'utf8');
      yield header({ name: 'PaxHeader', mode: 0o644, size: body.length, mtime: e.mtime, type: 'x' });
      yield Buffer.concat([body, padding(body.length)]);
    }
    const body = e.type === 'file' ? await (e.body ?? (() => Buffer.alloc(0)))() : undefined;
    if (body && e.size !== undefined && body.length !== e.size) {
      throw new Error(`tar: ${e.path} changed size while being read (${e.size} -> ${body.length} bytes)`);
    }
    yield header({
      name: fits(name) ? name : name.slice(0, 99),
      mode: e.mode,
      size: body?.length ?? 0,
      mtime: e.mtime,
      type: TYPEFLAG[e.type],
      linkname: fits(linkname) ? linkname : linkname.slice(0, 99),
    });
    if (body && body.length > 0) {
      yield body;
      yield padding(body.length);
    }
  }
  yield Buffer.alloc(BLOCK * 2);
}

/** Where a member's bytes are inside an archive file. */
export interface TarMember {
  name: string;
  type: 'file' | 'dir' | 'symlink' | 'hardlink' | 'other';
  offset: number;
  size: number;
  linkname: string;
}

function cstring(buf: Buffer, start: number, len: number): string {
  const end = buf.indexOf(0, start);
  return buf.toString('utf8', start, end === -1 || end > start + len ? start + len : end);
}

function parseOctal(buf: Buffer, start: number, len: number): number {
  if ((buf[start] ?? 0) & 0x80) {
    // GNU base-256 for large values
    let n = 0;
    for (let i = start + 1; i < start + len; i++) n = n * 256 + (buf[i] ?? 0);
    return n;
  }
  const s = cstring(buf, start, len).trim();
  return s ? parseInt(s, 8) : 0;
}

function parsePax(body: Buffer): Record<string, string> {
  const out: Record<string, string> = {};
  let i = 0;
  while (i < body.length) {
    const sp = body.indexOf(0x20, i);
    const len = Number(body.toString('latin1', i, sp));
    if (sp === -1 || !(len > 0)) break;
    const kv = body.toString('utf8', sp + 1, i + len - 1);
    const eq = kv.indexOf('=');
    out[kv.slice(0, eq)] = kv.slice(eq + 1);
    i += len;
  }
  return out;
}

/** Normalizes member names so "./a/b", "a/b" and "a/b/" all look the same. */
export const memberName = (n: string) => n.replace(/^(\.\/)+/, '').replace(/^\/+/, '').replace(/\/+$/, '');

async function readAt(fh: FileHandle, offset: number, len: number): Promise<Buffer> {
  const buf = Buffer.alloc(len);
  const { bytesRead } = await fh.read(buf, 0, len, offset);
  return buf.subarray(0, bytesRead);
}

/** Indexes an uncompressed tar archive without reading member bodies. */
export async function indexTar(file: string): Promise<Map<string, TarMember>> {
  const fh = await open(file, 'r');
  const members = new Map<string, TarMember>();
  try {
    let offset = 0;
    let pax: Record<string, string> = {};
    let longName: string | undefined;
    let longLink: string | undefined;
    for (;;) {
      const h = await readAt(fh, offset, BLOCK);
      if (h.length < BLOCK || h.every((b) => b === 0)) break;
      let size = parseOctal(h, 124, 12);
      const type = String.fromCharCode(h[156] ?? 0x30);
      const bodyAt = offset + BLOCK;
      if (pax.size !== undefined) size = Number(pax.size);
      // A size that is not a whole non-negative number would move backwards or nowhere: refuse it.
      if (!Number.isSafeInteger(size) || size < 0) throw new Error(`${file}: bad tar member size at offset ${offset}`);
      offset = bodyAt + Math.ceil(size / BLOCK) * BLOCK;
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
        if (size > 1024 * 1024) throw new Error(`${file}: tar extended header of ${size} bytes at offset ${bodyAt - BLOCK}`);
        const body = await readAt(fh, bodyAt, size);
        if (type === 'x') pax = { ...pax, ...parsePax(body) };
        if (type === 'L') longName = body.toString('utf8').replace(/\0+$/, '');
        if (type === 'K') longLink = body.toString('utf8').replace(/\0+$/, '');
        continue;
      }
      const prefix = cstring(h, 345, 155);
      const raw = pax.path ?? longName ?? (prefix ? `${prefix}/${cstring(h, 0, 100)}` : cstring(h, 0, 100));
      const linkname = pax.linkpath ?? longLink ?? cstring(h, 157, 100);
      const kind = type === '0' || type === '\0' || type === '7' ? 'file' : type === '5' ? 'dir' : type === '2' ? 'symlink' : type === '1' ? 'hardlink' : 'other';
      members.set(memberName(raw), { name: memberName(raw), type: kind, offset: bodyAt, size, linkname });
      pax = {};
      longName = longLink = undefined;
    }
  } finally {
    await fh.close();
  }
  return members;
}

/** Follows symlinks and hardlinks inside an archive to the member holding the bytes. */
export function resolveMember(members: Map<string, TarMember>, name: string): TarMember | undefined {
  let m = members.get(memberName(name));
  for (let hops = 0; m && (m.type === 'symlink' || m.type === 'hardlink') && hops < 16; hops++) {
    const target = m.type === 'symlink' && !m.linkname.startsWith('/') ? joinMember(m.name, m.linkname) : m.linkname;
    m = members.get(memberName(target));
  }
  return m?.type === 'file' ? m : undefined;
}

function joinMember(from: string, rel: string): string {
  const parts = from.split('/').slice(0, -1);
  for (const p of rel.split('/')) {
    if (p === '..') parts.pop();
    else if (p !== '.' && p !== '') parts.push(p);
  }
  return parts.join('/');
}
