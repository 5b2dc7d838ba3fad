/**
 * Reads a container's CRI log file the way `kubectl logs` expects: the last N lines, lines since a
 * time, optional timestamps, a byte limit, and follow, which keeps reading as the runtime appends,
 * survives the log being rotated (renamed, a new file created at the same path) and ends when the
 * container stops and everything it wrote has been sent, or when the reader is aborted.
 */
import { watch, type FSWatcher } from 'node:fs';
import { open, stat, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { Writable } from 'node:stream';
import { formatTimestamp, parseRecord, type CriLogRecord } from './cri-log.js';

/** What to send (the kubelet's view of PodLogOptions; sinceSeconds is turned into sinceTime by the caller). */
export interface LogReadOptions {
  /** Only the last N lines (a line is one or more P records ended by an F record). */
  tailLines?: number;
  /** Only lines whose first record is at or after this time (epoch ms). */
  sinceTime?: number;
  /** Prefix every line with its RFC 3339 time (nine fraction digits) and a space. */
  timestamps?: boolean;
  /** Stop after this many bytes of output. */
  limitBytes?: number;
  follow?: boolean;
}

export interface ReadContainerLogOptions {
  path: string;
  options: LogReadOptions;
  out: Writable;
  /** Asked while following: once false, the stream ends when the file has been read to its end. */
  isRunning?: () => boolean | Promise<boolean>;
  signal?: AbortSignal;
  /** How often a follower looks again without a file event, and re-checks isRunning (500 ms). */
  pollMs?: number;
}

const CHUNK = 64 * 1024;
const NL = 0x0a;

/**
 * Streams the log at `path` to `out` per `options`; resolves when done (not following, the
 * container stopped, the byte limit reached, `out` closed, or `signal` aborted). Rejects only when
 * the file cannot be opened at the start.
 */
export async function readContainerLog(o: ReadContainerLogOptions): Promise<void> {
  const { options, out, signal } = o;
  let fh = await open(o.path, 'r');
  const waker = options.follow ? new Waker(dirname(o.path)) : undefined;
  try {
    let ino = (await fh.stat()).ino;
    const sink = new Sink(out, options, signal);
    const src = { fh, offset: 0, pending: Buffer.alloc(0) };
    if (options.tailLines !== undefined) src.offset = await tailOffset(fh, (await fh.stat()).size, Math.max(0, options.tailLines));
    for (;;) {
      const running = options.follow ? await (o.isRunning?.() ?? false) : false;
      const r = await drain(src, sink);
      if (r === 'stop' || !options.follow || sink.stopped()) return;
      const now = await stat(o.path).catch(() => undefined);
      if (now && now.ino !== ino) {
        // Rotated: finish what the old file still holds, then continue with the new one from its start.
        if ((await drain(src, sink)) === 'stop') return;
        await flushPending(src, sink);
        const next = await open(o.path, 'r').catch(() => undefined);
        if (next) {
          await fh.close();
          fh = next;
          ino = (await fh.stat()).ino;
          Object.assign(src, { fh, offset: 0, pending: Buffer.alloc(0) });
          continue;
        }
      } else if (now && now.size < src.offset) {
        // Truncated in place: start over from the beginning of what is there now.
        Object.assign(src, { offset: 0, pending: Buffer.alloc(0) });
        continue;
      }
      if (!running) return;
      if (r === 'eof') await waker?.wait(o.pollMs ?? 500, signal);
    }
  } finally {
    waker?.close();
    await fh.close();
  }
}

interface Source {
  fh: FileHandle;
  offset: number;
  /** Bytes of a record whose newline has not been written yet. */
  pending: Buffer;
}

/** Reads from `src.offset` to the end of the file, feeding complete records to the sink. */
async function drain(src: Source, sink: Sink): Promise<'eof' | 'data' | 'stop'> {
  let got = false;
  for (;;) {
    const buf = Buffer.allocUnsafe(CHUNK);
    const { bytesRead } = await src.fh.read(buf, 0, CHUNK, src.offset);
    if (bytesRead === 0) return got ? 'data' : 'eof';
    got = true;
    src.offset += bytesRead;
    const data = src.pending.length > 0 ? Buffer.concat([src.pending, buf.subarray(0, bytesRead)]) : buf.subarray(0, bytesRead);
    const last = data.lastIndexOf(NL);
    src.pending = last < 0 ? Buffer.from(data) : Buffer.from(data.subarray(last + 1));
    if (last >= 0 && !(await sink.lines(data.subarray(0, last + 1)))) return 'stop';
  }
}

/** A file that ended without a newline (a writer killed mid-record) still gets its last record sent. */
async function flushPending(src: Source, sink: Sink): Promise<void> {
  if (src.pending.length === 0) return;
  const line = Buffer.concat([src.pending, Buffer.from('\n')]);
  src.pending = Buffer.alloc(0);
  await sink.lines(line);
}

/**
 * The offset where the last `n` lines begin: walks back from the end over whole records, counting
 * F records; the (n+1)th F from the end closes the line before them. A partial line still being
 * written at the end is not counted and is included.
 */
export async function tailOffset(fh: FileHandle, size: number, n: number): Promise<number> {
  let pos = size; // buf holds the file's bytes [pos, pos + buf.length)
  let buf = Buffer.alloc(0);
  let hi: number | undefined; // file offset of the newline ending the record being looked at
  let count = 0;
  for (;;) {
    if (pos > 0) {
      const len = Math.min(CHUNK, pos);
      const chunk = Buffer.allocUnsafe(len);
      const { bytesRead } = await fh.read(chunk, 0, len, pos - len);
      buf = Buffer.concat([chunk.subarray(0, bytesRead), buf]);
      pos -= len;
    }
    for (;;) {
      if (hi === undefined) {
        const i = buf.lastIndexOf(NL);
        if (i < 0) break;
        hi = pos + i;
      }
      const from = hi - pos - 1;
      const j = from < 0 ? -1 : buf.lastIndexOf(NL, from);
      if (j < 0 && pos > 0) break; // the record's start is in bytes not read yet
      const rec = parseRecord(buf.subarray(j + 1, hi - pos));
      if (rec && !rec.partial && ++count === n + 1) return hi + 1;
      if (j < 0) return 0;
      hi = pos + j;
      buf = buf.subarray(0, j + 1);
    }
    if (pos === 0) return 0;
  }
}

/** Turns records into output: since filter, timestamps, byte limit, backpressure. */
class Sink {
  #written = 0;
  /** Inside a line (the last record was partial); the line's fate was decided at its first record. */
  #inLine = false;
  #skipping = false;
  #done = false;

  constructor(
    readonly out: Writable,
    readonly o: LogReadOptions,
    readonly signal: AbortSignal | undefined,
  ) {}

  stopped(): boolean {
    return this.#done || this.out.destroyed || this.out.writableEnded || this.signal?.aborted === true;
  }

  /** Handles complete lines (each ending in a newline); false once nothing more should be sent. */
  async lines(data: Buffer): Promise<boolean> {
    const parts: Buffer[] = [];
    let size = 0;
    let start = 0;
    while (start < data.length && !this.#done) {
      const end = data.indexOf(NL, start);
      const rec = parseRecord(data.subarray(start, end));
      start = end + 1;
      if (!rec) continue;
      for (const b of this.#render(rec)) {
        const room = this.o.limitBytes === undefined ? Infinity : this.o.limitBytes - this.#written - size;
        const piece = b.length > room ? b.subarray(0, room) : b;
        parts.push(piece);
        size += piece.length;
        if (piece.length < b.length || room - piece.length === 0) this.#done = true;
        if (this.#done) break;
      }
    }
    if (size > 0) await this.#write(Buffer.concat(parts, size));
    return !this.stopped();
  }

  #render(rec: CriLogRecord): Buffer[] {
    const first = !this.#inLine;
    this.#inLine = rec.partial;
    if (first) this.#skipping = this.o.sinceTime !== undefined && rec.ms < this.o.sinceTime;
    if (this.#skipping) return [];
    const out: Buffer[] = [];
    if (first && this.o.timestamps) out.push(Buffer.from(`${formatTimestamp(rec.time)} `));
    out.push(rec.content);
    if (!rec.partial) out.push(Buffer.from('\n'));
    return out;
  }

  async #write(b: Buffer): Promise<void> {
    if (this.out.destroyed || this.out.writableEnded || this.signal?.aborted) return;
    this.#written += b.length;
    if (this.out.write(b)) return;
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.out.off('drain', done);
        this.out.off('close', done);
        this.signal?.removeEventListener('abort', done);
        resolve();
      };
      this.out.on('drain', done);
      this.out.on('close', done);
      this.signal?.addEventListener('abort', done, { once: true });
    });
  }
}

/** Wakes a follower when something in the log's directory changes, or after a poll interval. */
class Waker {
  #watcher: FSWatcher | undefined;
  #dirty = false;
  #wake: (() => void) | undefined;

  constructor(dir: string) {
    try {
      this.#watcher = watch(dir, { persistent: false }, () => this.#kick());
      // Without inotify (limits reached, odd filesystems) the poll alone carries on.
      this.#watcher.on('error', () => this.close());
    } catch {
      this.#watcher = undefined;
    }
  }

  #kick(): void {
    this.#dirty = true;
    this.#wake?.();
  }

  wait(ms: number, signal?: AbortSignal): Promise<void> {
    if (this.#dirty || signal?.aborted) {
      this.#dirty = false;
      return Promise.resolve();
    }
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        signal?.removeEventListener('abort', done);
        this.#wake = undefined;
        this.#dirty = false;
        resolve();
      };
      const timer = setTimeout(done, ms);
      signal?.addEventListener('abort', done, { once: true });
      this.#wake = done;
    });
  }

  close(): void {
    this.#watcher?.close();
    this.#watcher = undefined;
  }
}
