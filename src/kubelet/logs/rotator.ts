/**
 * Container log rotation, as the kubelet does it for CRI runtimes: when a running container's log
 * grows past a size, rename it to `<path>.<YYYYMMDD-HHMMSS>`, ask the runtime to reopen the path
 * (ReopenContainerLog: it creates a fresh file and writes there), gzip the older rotated files and
 * remove those beyond a count. Followers keep reading across the rename (see reader.ts).
 */
import { createReadStream, createWriteStream } from 'node:fs';
import { readdir, rename, stat, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import type { Logger } from '../../util/log.js';
import type { CriClientLike } from '../server/types.js';

export interface LogRotatorOptions {
  cri: Pick<CriClientLike, 'reopenContainerLog'>;
  /** Rotate once the current file is larger than this (10 MiB). */
  maxSizeBytes?: number;
  /** Files kept per container, the current one included (5; at least 2). */
  maxFiles?: number;
  /** Gzip rotated files other than the newest (true). */
  compress?: boolean;
  log: Logger;
  /** Clock for the rotated files' names (tests). */
  now?: () => Date;
}

/** A running container whose log the rotator looks after. */
export interface RotatedContainer {
  containerId: string;
  logPath: string;
}

const ROTATED = /\.(\d{8}-\d{6})(?:-(\d+))?(\.gz)?$/;

const errCode = (e: unknown): string | undefined => (e as NodeJS.ErrnoException | undefined)?.code;

/** Rotates container logs; call `check` periodically (the kubelet does every 10 s) with the running containers. */
export class LogRotator {
  readonly #cri: Pick<CriClientLike, 'reopenContainerLog'>;
  readonly #maxSize: number;
  readonly #maxFiles: number;
  readonly #compress: boolean;
  readonly #log: Logger;
  readonly #now: () => Date;

  constructor(o: LogRotatorOptions) {
    this.#cri = o.cri;
    this.#maxSize = o.maxSizeBytes ?? 10 * 1024 * 1024;
    this.#maxFiles = Math.max(2, o.maxFiles ?? 5);
    this.#compress = o.compress ?? true;
    this.#log = o.log;
    this.#now = o.now ?? (() => new Date());
  }

  /** Rotates and prunes each container's log; failures are logged per container, never thrown. */
  async check(containers: RotatedContainer[]): Promise<void> {
    for (const c of containers) {
      try {
        await this.#one(c);
      } catch (e) {
        this.#log.warn('container log rotation failed', { container: c.containerId, path: c.logPath, error: String(e) });
      }
    }
  }

  async #one(c: RotatedContainer): Promise<void> {
    const size = await stat(c.logPath).then(
      (s) => s.size,
      (e: unknown) => {
        if (errCode(e) === 'ENOENT') return undefined;
        throw e;
      },
    );
    if (size === undefined) {
      // Renamed earlier but the runtime never reopened it: ask again so the container has a log.
      await this.#cri.reopenContainerLog({ container_id: c.containerId });
    } else if (size > this.#maxSize) {
      await this.#rotate(c);
    }
    const rotated = await this.#rotatedFiles(c.logPath);
    const excess = rotated.length - (this.#maxFiles - 1);
    for (const f of rotated.slice(0, Math.max(0, excess))) await unlink(f).catch(() => undefined);
    if (!this.#compress) return;
    for (const f of rotated.slice(Math.max(0, excess), -1)) if (!f.endsWith('.gz')) await gzipFile(f);
  }

  async #rotate(c: RotatedContainer): Promise<void> {
    const target = await this.#freeName(c.logPath);
    await rename(c.logPath, target);
    try {
      await this.#cri.reopenContainerLog({ container_id: c.containerId });
    } catch (e) {
      // The runtime still writes to the renamed file: put it back so the path stays the live log.
      const back = await stat(c.logPath).then(
        () => false,
        () => true,
      );
      if (back) await rename(target, c.logPath);
      throw e;
    }
    this.#log.info('rotated container log', { container: c.containerId, path: c.logPath, to: basename(target) });
  }

  async #freeName(path: string): Promise<string> {
    const d = this.#now();
    const p2 = (n: number): string => String(n).padStart(2, '0');
    const ts = `${d.getUTCFullYear()}${p2(d.getUTCMonth() + 1)}${p2(d.getUTCDate())}-${p2(d.getUTCHours())}${p2(d.getUTCMinutes())}${p2(d.getUTCSeconds())}`;
    for (let n = 0; ; n++) {
      const name = n === 0 ? `${path}.${ts}` : `${path}.${ts}-${n}`;
      const taken = await Promise.all([stat(name), stat(`${name}.gz`)].map((p) => p.then(() => true, () => false)));
      if (!taken.includes(true)) return name;
    }
  }

  /** Rotated files of one log, oldest first. */
  async #rotatedFiles(path: string): Promise<string[]> {
    const base = basename(path);
    const names = await readdir(dirname(path)).catch(() => [] as string[]);
    const found: { file: string; ts: string; n: number }[] = [];
    for (const name of names) {
      if (!name.startsWith(`${base}.`)) continue;
      const m = ROTATED.exec(name.slice(base.length));
      if (!m || m.index !== 0) continue;
      found.push({ file: join(dirname(path), name), ts: m[1] ?? '', n: Number(m[2] ?? 0) });
    }
    found.sort((a, b) => (a.ts === b.ts ? a.n - b.n : a.ts < b.ts ? -1 : 1));
    return found.map((f) => f.file);
  }
}

/** Gzips `file` to `file.gz` (through a temporary name, so a crash leaves no half file) and removes it. */
async function gzipFile(file: string): Promise<void> {
  const tmp = `${file}.gz.tmp`;
  try {
    await pipeline(createReadStream(file), createGzip(), createWriteStream(tmp));
    await rename(tmp, `${file}.gz`);
    await unlink(file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw e;
  }
}
