/**
 * SPDY/3 header blocks: the name/value block format, and the zlib contexts that compress them.
 * Each direction of a session has ONE zlib stream (seeded with the SPDY/3 dictionary) shared by all
 * header blocks, each ended by a sync flush, so a block can only be (de)compressed after the ones
 * before it; `HeaderCodec` serializes the calls.
 */
import { constants, createDeflate, createInflate, type Deflate, type Inflate } from 'node:zlib';
import { SPDY3_DICTIONARY } from './dictionary.js';
import { SpdyProtocolError } from './frames.js';
import { errorText } from '../errors.js';

/** Headers as sent: names are lowercased on the wire (Go's framer rejects others); arrays become NUL-joined values. */
export type SpdyHeadersInit = Record<string, string | number | readonly string[]>;
/** Headers as received: lowercase names, each with its values (a NUL-separated value splits into several). */
export type SpdyHeaders = Record<string, string[]>;

/** Serializes a header block (before compression): count, then (name, value) pairs with 32-bit lengths. */
export function encodeHeaderBlock(headers: SpdyHeadersInit): Buffer {
  const merged = new Map<string, string[]>();
  for (const [name, value] of Object.entries(headers)) {
    const key = name.toLowerCase();
    const values = typeof value === 'object' ? [...value] : [String(value)];
    merged.set(key, [...(merged.get(key) ?? []), ...values]);
  }
  const parts: Buffer[] = [u32(merged.size)];
  for (const [name, values] of merged) {
    const n = Buffer.from(name, 'utf8');
    const v = Buffer.from(values.join('\0'), 'utf8');
    parts.push(u32(n.length), n, u32(v.length), v);
  }
  return Buffer.concat(parts);
}

/** Parses a decompressed header block. */
export function decodeHeaderBlock(block: Buffer): SpdyHeaders {
  let off = 0;
  const read32 = (): number => {
    if (off + 4 > block.length) throw new SpdyProtocolError('truncated SPDY header block');
    const v = block.readUInt32BE(off);
    off += 4;
    return v;
  };
  const readStr = (): string => {
    const len = read32();
    if (off + len > block.length) throw new SpdyProtocolError('truncated SPDY header block');
    const s = block.toString('utf8', off, off + len);
    off += len;
    return s;
  };
  const count = read32();
  const out: SpdyHeaders = {};
  for (let i = 0; i < count; i++) {
    const name = readStr().toLowerCase();
    const values = readStr().split('\0');
    out[name] = [...(out[name] ?? []), ...values];
  }
  return out;
}

/** The first value of a header, by case-insensitive name. */
export function headerValue(headers: SpdyHeaders, name: string): string | undefined {
  return headers[name.toLowerCase()]?.[0];
}

function u32(v: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(v >>> 0);
  return b;
}

/**
 * One persistent zlib context used strictly in order. Node has no public synchronous API for a
 * long-lived zlib stream, so each call writes its input, asks for a sync flush and collects the
 * output produced before the flush callback (the same pattern `ws` uses for permessage-deflate).
 */
class SerialZlib {
  private tail: Promise<unknown> = Promise.resolve();
  private chunks: Buffer[] = [];
  private failed: Error | undefined;
  private rejectCurrent: ((e: Error) => void) | undefined;

  constructor(private readonly z: Deflate | Inflate) {
    z.on('data', (c: Buffer) => this.chunks.push(c));
    z.on('error', (e: Error) => {
      this.failed = e;
      this.rejectCurrent?.(e);
    });
  }

  run(input: Buffer): Promise<Buffer> {
    const job = this.tail.then(
      () =>
        new Promise<Buffer>((resolve, reject) => {
          if (this.failed) return reject(this.failed);
          this.chunks = [];
          this.rejectCurrent = reject;
          this.z.write(input);
          this.z.flush(constants.Z_SYNC_FLUSH, () => {
            this.rejectCurrent = undefined;
            if (this.failed) reject(this.failed);
            else resolve(Buffer.concat(this.chunks));
          });
        }),
    );
    this.tail = job.catch(() => undefined);
    return job;
  }

  close(): void {
    this.z.close();
  }
}

/** A session's header compression: one deflate context for what we send, one inflate context for what we receive. */
export class HeaderCodec {
  private readonly deflate = new SerialZlib(createDeflate({ dictionary: SPDY3_DICTIONARY }));
  private readonly inflate = new SerialZlib(createInflate({ dictionary: SPDY3_DICTIONARY }));

  /** Compresses a header block; blocks must be sent in the order this is called. */
  compress(headers: SpdyHeadersInit): Promise<Buffer> {
    return this.deflate.run(encodeHeaderBlock(headers));
  }

  /** Decompresses a received header block; call in arrival order. */
  async decompress(block: Buffer): Promise<SpdyHeaders> {
    let raw: Buffer;
    try {
      raw = await this.inflate.run(block);
    } catch (e) {
      throw new SpdyProtocolError(`SPDY header block does not decompress: ${errorText(e)}`);
    }
    return decodeHeaderBlock(raw);
  }

  close(): void {
    this.deflate.close();
    this.inflate.close();
  }
}
