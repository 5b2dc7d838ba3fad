/**
 * A small tar (ustar) writer and streaming reader for `kubectl cp`, which moves files through
 * `tar` in the container. The writer emits ustar headers (a long name is split into prefix and name,
 * or carried in a PAX `path` record as Go's archive/tar does); the reader accepts ustar, GNU
 * (`L`/`K` long names, base-256 numbers) and PAX (`x`/`g`) archives, as GNU tar and busybox write them.
 */

const BLOCK = 512;

/** Entry types cp cares about; others ('1' hard link, '3' char device, '6' FIFO, …) pass through. */
export type TarType = '0' | '1' | '2' | '3' | '4' | '5' | '6' | '7';

/** One archive member. */
export interface TarHeader {
  name: string;
  type: TarType;
  /** Permission and set-id bits (`0o7777`). */
  mode: number;
  uid: number;
  gid: number;
  size: number;
  /** Modification time, seconds since the epoch. */
  mtime: number;
  linkname: string;
  uname: string;
  gname: string;
}

/** A header with the defaults of a regular file filled in. */
export function header(h: Partial<TarHeader> & { name: string }): TarHeader {
  return { type: '0', mode: 0o644, uid: 0, gid: 0, size: 0, mtime: 0, linkname: '', uname: '', gname: '', ...h };
}

// ---- writing ----

function putString(b: Buffer, off: number, len: number, s: string): boolean {
  const bytes = Buffer.from(s, 'utf8');
  if (bytes.length > len) return false;
  bytes.copy(b, off);
  return true;
}

/** Octal, zero-padded, NUL-terminated in a field of `len` bytes (Go's formatOctal). */
function putOctal(b: Buffer, off: number, len: number, n: number): boolean {
  const digits = Math.max(0, Math.floor(n)).toString(8);
  if (digits.length > len - 1) return false;
  b.write(digits.padStart(len - 1, '0'), off, 'ascii');
  b[off + len - 1] = 0;
  return true;
}

/** ustar's split of a long name at a '/' into prefix (≤155 bytes) and name (≤100 bytes). */
function splitUstarName(name: string): { prefix: string; name: string } | undefined {
  if (Buffer.byteLength(name) <= 100) return { prefix: '', name };
  for (let i = name.length - 1; i > 0; i--) {
    if (name[i] !== '/') continue;
    const prefix = name.slice(0, i);
    const rest = name.slice(i + 1);
    if (rest !== '' && Buffer.byteLength(prefix) <= 155 && Buffer.byteLength(rest) <= 100) return { prefix, name: rest };
  }
  return undefined;
}

function rawHeader(h: TarHeader, name: { prefix: string; name: string }, type: string, size: number): Buffer {
  const b = Buffer.alloc(BLOCK);
  putString(b, 0, 100, name.name);
  putOctal(b, 100, 8, h.mode & 0o7777);
  putOctal(b, 108, 8, h.uid);
  putOctal(b, 116, 8, h.gid);
  putOctal(b, 124, 12, size);
  putOctal(b, 136, 12, h.mtime);
  b.write(type, 156, 'ascii');
  putString(b, 157, 100, h.linkname);
  b.write('ustar\x0000', 257, 'binary');
  putString(b, 265, 32, h.uname);
  putString(b, 297, 32, h.gname);
  putOctal(b, 329, 8, 0);
  putOctal(b, 337, 8, 0);
  putString(b, 345, 155, name.prefix);
  b.fill(0x20, 148, 156);
  let sum = 0;
  for (const x of b) sum += x;
  putOctal(b, 148, 7, sum);
  b[155] = 0x20;
  return b;
}

/** One PAX record: `<length> <key>=<value>\n`, where the length counts itself. */
function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  let len = Buffer.byteLength(body);
  let total = len + String(len).length;
  while (String(total).length + len !== total) total = len + String(total).length;
  len = total;
  return `${len}${body}`;
}

/** Zero bytes that round `size` up to a whole block. */
export function padding(size: number): Buffer {
  const rest = size % BLOCK;
  return Buffer.alloc(rest === 0 ? 0 : BLOCK - rest);
}

/**
 * The header block(s) of a member: one ustar block, preceded by a PAX extended header when the
 * name, link name or size do not fit ustar. The member's data follows, then {@link padding}.
 */
export function encodeHeader(h: TarHeader): Buffer {
  const size = h.type === '0' || h.type === '7' ? h.size : 0;
  const split = splitUstarName(h.name);
  const records: string[] = [];
  if (!split) records.push(paxRecord('path', h.name));
  if (Buffer.byteLength(h.linkname) > 100) records.push(paxRecord('linkpath', h.linkname));
  if (size > 0o77777777777) records.push(paxRecord('size', String(size)));
  const fixed: TarHeader = { ...h, linkname: Buffer.byteLength(h.linkname) > 100 ? '' : h.linkname };
  const main = rawHeader(fixed, split ?? { prefix: '', name: truncateUtf8(h.name, 100) }, h.type, size > 0o77777777777 ? 0 : size);
  if (records.length === 0) return main;
  const body = Buffer.from(records.join(''), 'utf8');
  const slash = h.name.replace(/\/$/, '').lastIndexOf('/');
  const paxName = slash < 0 ? `PaxHeaders.0/${h.name}` : `${h.name.slice(0, slash)}/PaxHeaders.0/${h.name.slice(slash + 1)}`;
  const pax = rawHeader(header({ name: '', mtime: h.mtime }), { prefix: '', name: truncateUtf8(paxName, 100) }, 'x', body.length);
  return Buffer.concat([pax, body, padding(body.length), main]);
}

function truncateUtf8(s: string, max: number): string {
  const b = Buffer.from(s, 'utf8');
  return b.length <= max ? s : b.subarray(0, max).toString('utf8').replace(/\uFFFD$/, '');
}

/** The end of an archive: two zero blocks. */
export function endOfArchive(): Buffer {
  return Buffer.alloc(2 * BLOCK);
}

// ---- reading ----

/** What a malformed archive reads as (Go's archive/tar wording). */
export class TarError extends Error {
  override readonly name = 'TarError';
}

function cString(b: Buffer): string {
  const nul = b.indexOf(0);
  return b.subarray(0, nul < 0 ? b.length : nul).toString('utf8');
}

/** A numeric field: octal text, or GNU base-256 when the high bit of the first byte is set. */
function parseNumeric(b: Buffer): number {
  if (b.length > 0 && (b[0]! & 0x80) !== 0) {
    let n = b[0]! & 0x7f;
    for (let i = 1; i < b.length; i++) n = n * 256 + b[i]!;
    return n;
  }
  const text = b.toString('ascii').replace(/[\0 ]+$/, '').replace(/^[\0 ]+/, '');
  if (text === '') return 0;
  if (!/^[0-7]+$/.test(text)) throw new TarError('archive/tar: invalid tar header');
  return parseInt(text, 8);
}

function checksumOk(b: Buffer): boolean {
  const want = parseNumeric(b.subarray(148, 156));
  let unsigned = 0;
  let signed = 0;
  for (let i = 0; i < BLOCK; i++) {
    const x = i >= 148 && i < 156 ? 0x20 : b[i]!;
    unsigned += x;
    signed += x > 127 ? x - 256 : x;
  }
  return want === unsigned || want === signed;
}

function parsePax(text: string): Map<string, string> {
  const out = new Map<string, string>();
  let rest = Buffer.from(text, 'utf8');
  while (rest.length > 0) {
    const sp = rest.indexOf(0x20);
    const len = Number(rest.subarray(0, sp).toString('ascii'));
    if (sp < 0 || !Number.isInteger(len) || len <= sp || len > rest.length) throw new TarError('archive/tar: invalid tar header');
    const rec = rest.subarray(sp + 1, len - 1).toString('utf8');
    const eq = rec.indexOf('=');
    if (eq < 0) throw new TarError('archive/tar: invalid tar header');
    out.set(rec.slice(0, eq), rec.slice(eq + 1));
    rest = rest.subarray(len);
  }
  return out;
}

/** Events of {@link readTar}: a member's header, then its data in pieces. */
export type TarEvent = { kind: 'header'; header: TarHeader } | { kind: 'data'; chunk: Buffer };

/** Accumulates the source's bytes so blocks can be taken in any size. */
class ByteQueue {
  private chunks: Buffer[] = [];
  length = 0;
  push(b: Buffer): void {
    if (b.length === 0) return;
    this.chunks.push(b);
    this.length += b.length;
  }
  /** Takes up to `n` bytes (as few copies as possible). */
  take(n: number): Buffer {
    const parts: Buffer[] = [];
    let need = Math.min(n, this.length);
    while (need > 0) {
      const head = this.chunks[0]!;
      if (head.length <= need) {
        parts.push(head);
        this.chunks.shift();
        need -= head.length;
        this.length -= head.length;
      } else {
        parts.push(head.subarray(0, need));
        this.chunks[0] = head.subarray(need);
        this.length -= need;
        need = 0;
      }
    }
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }
}

/**
 * Reads an archive as it streams in. Ends at the end-of-archive zero block (or a clean end of
 * input); a truncated archive throws `unexpected EOF`, a bad header `archive/tar: invalid tar header`.
 */
export async function* readTar(source: AsyncIterable<Buffer | string>): AsyncGenerator<TarEvent> {
  const q = new ByteQueue();
  const it = source[Symbol.asyncIterator]();
  let ended = false;
  /** Waits until `n` bytes are buffered; false on a clean end of input before any of them. */
  const fill = async (n: number): Promise<boolean> => {
    while (q.length < n && !ended) {
      const r = await it.next();
      if (r.done) ended = true;
      else q.push(typeof r.value === 'string' ? Buffer.from(r.value) : r.value);
    }
    return q.length >= n;
  };
  let pax = new Map<string, string>();
  const globalPax = new Map<string, string>();
  let longName: string | undefined;
  let longLink: string | undefined;
  try {
    for (;;) {
      if (!(await fill(BLOCK))) {
        if (q.length === 0) return;
        throw new TarError('unexpected EOF');
      }
      const block = q.take(BLOCK);
      if (block.every((x) => x === 0)) return;
      if (!checksumOk(block)) throw new TarError('archive/tar: invalid tar header');
      const type = String.fromCharCode(block[156]!);
      const size = parseNumeric(block.subarray(124, 136));
      if (type === 'x' || type === 'g' || type === 'L' || type === 'K') {
        const padded = size + padding(size).length;
        if (!(await fill(padded))) throw new TarError('unexpected EOF');
        const body = q.take(padded).subarray(0, size);
        if (type === 'L') longName = cString(body);
        else if (type === 'K') longLink = cString(body);
        else {
          const records = parsePax(body.toString('utf8'));
          if (type === 'g') for (const [k, v] of records) globalPax.set(k, v);
          else pax = records;
        }
        continue;
      }
      const ustar = block.subarray(257, 263).toString('binary') === 'ustar\0';
      const prefix = ustar ? cString(block.subarray(345, 500)) : '';
      const baseName = cString(block.subarray(0, 100));
      const attrs = new Map([...globalPax, ...pax]);
      const h: TarHeader = {
        name: attrs.get('path') ?? longName ?? (prefix ? `${prefix}/${baseName}` : baseName),
        type: (type === '\0' ? '0' : type) as TarType,
        mode: parseNumeric(block.subarray(100, 108)) & 0o7777,
        uid: Number(attrs.get('uid') ?? parseNumeric(block.subarray(108, 116))),
        gid: Number(attrs.get('gid') ?? parseNumeric(block.subarray(116, 124))),
        size: Number(attrs.get('size') ?? size),
        mtime: Math.floor(Number(attrs.get('mtime') ?? parseNumeric(block.subarray(136, 148)))),
        linkname: attrs.get('linkpath') ?? longLink ?? cString(block.subarray(157, 257)),
        uname: attrs.get('uname') ?? cString(block.subarray(265, 297)),
        gname: attrs.get('gname') ?? cString(block.subarray(297, 329)),
      };
      pax = new Map();
      longName = undefined;
      longLink = undefined;
      // Links, devices, directories and FIFOs are header-only: their size field means nothing.
      const dataSize = '123456'.includes(h.type) ? 0 : h.size;
      h.size = dataSize;
      yield { kind: 'header', header: h };
      let left = dataSize;
      while (left > 0) {
        if (q.length === 0 && !(await fill(1))) throw new TarError('unexpected EOF');
        const chunk = q.take(left);
        left -= chunk.length;
        yield { kind: 'data', chunk };
      }
      const pad = padding(dataSize).length;
      if (pad > 0) {
        if (!(await fill(pad))) throw new TarError('unexpected EOF');
        q.take(pad);
      }
    }
  } finally {
    await it.return?.();
  }
}
