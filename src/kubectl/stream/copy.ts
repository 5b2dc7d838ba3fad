/**
 * The two directions of `kubectl cp`, through `tar` in the container as kubectl does it:
 * uploads pack the local file or tree (a glob is expanded) and run `tar -xmf - [-C dir]` with the
 * archive on stdin, after `test -d` decided whether the destination is a directory; downloads
 * run `tar cf - <path>` (its stderr, e.g. "tar: removing leading '/' from member names", goes to
 * our stdout, as kubectl sends it there) and unpack members under the prefix, skipping symlinks
 * and anything that would land outside the destination.
 */
import { once } from 'node:events';
import { createReadStream, lstatSync, mkdirSync, readdirSync, readlinkSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';
import * as path from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import { CliError } from '../errors.js';
import type { Factory } from '../types.js';
import { cleanLocal, cleanRemote, fsErrorText, glob, isInside, joinLocal, stripLeadingSlash, stripPathShortcuts, stripTrailingSlash } from './cp-paths.js';
import { execByPodName } from './exec.js';
import { encodeHeader, endOfArchive, header, padding, readTar, TarError, type TarEvent, type TarHeader } from './tar.js';

/** Where a copy goes and how. */
export interface CopyOptions {
  namespace: string;
  pod: string;
  /** `-c`; empty: the default container. */
  container: string;
  stdout: Writable;
  stderr: Writable;
}

const discard = () => new Writable({ write: (_c, _e, cb) => cb() });

// ---- upload ----

/** Writes to `out`, waiting while it is full; gives up when `signal` aborts. */
async function put(out: PassThrough, b: Buffer, signal: AbortSignal): Promise<void> {
  if (b.length === 0 || out.destroyed) return;
  if (!out.write(b)) await once(out, 'drain', { signal });
}

function entryHeader(st: Stats, name: string, type: TarHeader['type'], linkname = ''): TarHeader {
  return header({ name, type, mode: st.mode & 0o7777, uid: st.uid, gid: st.gid, size: type === '0' ? st.size : 0, mtime: Math.floor(st.mtimeMs / 1000), linkname });
}

/** kubectl's recursiveTar: member names are the destination's, the source may be a glob. */
async function addTree(srcDir: string, srcFile: string, destFile: string, out: PassThrough, signal: AbortSignal): Promise<void> {
  const exists = (p: string) => {
    try {
      lstatSync(p);
      return true;
    } catch {
      return false;
    }
  };
  for (const fpath of glob(path.join(srcDir, srcFile), exists)) {
    const st = lstatSync(fpath);
    if (st.isDirectory()) {
      const names = readdirSync(fpath).sort();
      if (names.length === 0) await put(out, encodeHeader(entryHeader(st, destFile, '5')), signal);
      for (const n of names) await addTree(srcDir, path.join(srcFile, n), path.posix.join(destFile, n), out, signal);
      // As kubectl: a directory ends the walk of the matches.
      return;
    }
    if (st.isSymbolicLink()) {
      await put(out, encodeHeader(entryHeader(st, destFile, '2', readlinkSync(fpath))), signal);
      continue;
    }
    if (st.isSocket()) throw new CliError('archive/tar: sockets not supported');
    if (!st.isFile()) {
      await put(out, encodeHeader(entryHeader(st, destFile, st.isFIFO() ? '6' : st.isCharacterDevice() ? '3' : '4')), signal);
      continue;
    }
    await put(out, encodeHeader(entryHeader(st, destFile, '0')), signal);
    let left = st.size;
    for await (const chunk of createReadStream(fpath)) {
      const c = chunk as Buffer;
      const part = c.subarray(0, left);
      left -= part.length;
      await put(out, part, signal);
      if (left === 0) break;
    }
    if (left > 0) throw new CliError(`archive/tar: missed writing ${left} bytes`);
    await put(out, padding(st.size), signal);
  }
}

/** Copies a local file or tree into the pod. */
export async function copyToPod(f: Factory, src: string, dest: string, o: CopyOptions & { noPreserve: boolean }): Promise<void> {
  try {
    lstatSync(src);
  } catch {
    throw new CliError(`${src} doesn't exist in local filesystem`);
  }
  let destFile = dest;
  // Is the destination a directory? Then the source goes inside it. Any failure means "no".
  const probe = new AbortController();
  const timer = setTimeout(() => probe.abort(), 10_000);
  const isDir = await execByPodName(f, { namespace: o.namespace, pod: o.pod, container: o.container, command: ['test', '-d', dest], stdout: discard(), stderr: discard(), signal: probe.signal }).then(
    () => true,
    () => (probe.signal.aborted ? 'timeout' : false),
  );
  clearTimeout(timer);
  if (isDir === 'timeout') throw new CliError('context deadline exceeded');
  if (isDir) destFile = path.posix.join(dest, path.basename(src));

  const tarStream = new PassThrough();
  const stop = new AbortController();
  const cancelExec = new AbortController();
  const srcPath = cleanLocal(src);
  const destPath = cleanRemote(destFile);
  const packing = (async () => {
    await addTree(path.dirname(srcPath), path.basename(srcPath), path.posix.basename(destPath), tarStream, stop.signal);
    await put(tarStream, endOfArchive(), stop.signal);
    tarStream.end();
  })().catch((e: unknown) => {
    // The container stopped reading (it failed or finished): its outcome tells what happened.
    if (stop.signal.aborted) return;
    // We cannot finish the archive: the command must not wait for the rest of it.
    cancelExec.abort();
    throw e;
  });
  const command = o.noPreserve ? ['tar', '--no-same-permissions', '--no-same-owner', '-xmf', '-'] : ['tar', '-xmf', '-'];
  const destDir = path.posix.dirname(destPath);
  if (destDir) command.push('-C', destDir);
  const running = execByPodName(f, { namespace: o.namespace, pod: o.pod, container: o.container, command, stdin: tarStream, stdout: o.stdout, stderr: o.stderr, warn: o.stderr, signal: cancelExec.signal }).finally(() => stop.abort());
  const [packed, ran] = await Promise.allSettled([packing, running]);
  if (packed.status === 'rejected') throw packed.reason;
  if (ran.status === 'rejected') throw ran.reason;
}

// ---- download ----

/** One `tar cf -` in the pod (with `--retries`, resumed where it broke off) as a byte source. */
class RemoteTar {
  private pipe = new PassThrough();
  private running: Promise<unknown> = Promise.resolve();
  private read = 0;
  private tries = 0;
  private readonly abort = new AbortController();

  constructor(private readonly f: Factory, private readonly src: string, private readonly o: CopyOptions & { maxTries: number }) {}

  private start(from: number): void {
    this.pipe = new PassThrough();
    const pipe = this.pipe;
    const command = this.o.maxTries !== 0 ? ['sh', '-c', `tar cf - ${this.src} | tail -c+${from}`] : ['tar', 'cf', '-', this.src];
    // The command's stderr and the "Defaulted container" notice go to our stdout, as in kubectl.
    this.running = execByPodName(this.f, { namespace: this.o.namespace, pod: this.o.pod, container: this.o.container, command, stdout: pipe, stderr: this.o.stdout, warn: this.o.stdout, signal: this.abort.signal }).finally(() => pipe.end());
    // Its outcome may never be asked for (the archive ended first): that is not an unhandled failure.
    this.running.catch(() => undefined);
  }

  async *chunks(): AsyncGenerator<Buffer> {
    this.start(0);
    for (;;) {
      for await (const c of this.pipe.iterator({ destroyOnReturn: false })) {
        const b = c as Buffer;
        this.read += b.length;
        yield b;
      }
      // The stream ended early. Without retries (or once they are used up) the archive is cut short.
      await this.running;
      if (this.o.maxTries < 0 || this.tries < this.o.maxTries) {
        this.tries++;
        this.o.stdout.write(`Resuming copy at ${this.read} bytes, retry ${this.tries}/${this.o.maxTries}\n`);
        this.start(this.read + 1);
        continue;
      }
      if (this.o.maxTries !== 0) this.o.stdout.write(`Dropping out copy after ${this.tries} retries\n`);
      return;
    }
  }

  /** Lets the command finish (the rest of its output is discarded); its error, if any. */
  async settle(): Promise<Error | undefined> {
    this.pipe.resume();
    try {
      await this.running;
      return undefined;
    } catch (e) {
      return e instanceof Error ? e : new Error(String(e));
    }
  }

  cancel(): void {
    this.abort.abort();
  }
}

/** Unpacks members under `prefix` into `dest` (kubectl's untarAll). */
async function untar(events: AsyncIterable<TarEvent>, prefix: string, dest: string, o: { stderr: Writable; namespace: string; pod: string; src: string }): Promise<void> {
  let file: { handle: FileHandle; name: string } | undefined;
  let symlinkWarned = false;
  const closeFile = async () => {
    await file?.handle.close();
    file = undefined;
  };
  const mkdirs = (dir: string) => {
    try {
      mkdirSync(dir, { recursive: true, mode: 0o755 });
    } catch (e) {
      throw new CliError(fsErrorText('mkdir', dir, e));
    }
  };
  try {
    for await (const ev of events) {
      if (ev.kind === 'data') {
        if (file) await file.handle.write(ev.chunk);
        continue;
      }
      await closeFile();
      const h = ev.header;
      if (!h.name.startsWith(prefix)) throw new CliError('tar contents corrupted');
      const rel = stripTrailingSlash(h.name.slice(prefix.length)).replace(/\\/g, '/');
      const target = joinLocal(dest, rel);
      if (!isInside(dest, target)) {
        o.stderr.write(`warning: file ${JSON.stringify(target)} is outside target destination, skipping\n`);
        continue;
      }
      mkdirs(path.dirname(target));
      if (h.type === '5') {
        mkdirs(target);
        continue;
      }
      if (h.type === '2') {
        if (!symlinkWarned) {
          symlinkWarned = true;
          o.stderr.write(`warning: skipping symlink: ${JSON.stringify(target)} -> ${JSON.stringify(h.linkname)} (consider using "kubectl exec -n ${JSON.stringify(o.namespace)} ${JSON.stringify(o.pod)} -- tar cf - ${JSON.stringify(o.src)} | tar xf -")\n`);
        } else o.stderr.write(`warning: skipping symlink: ${JSON.stringify(target)} -> ${JSON.stringify(h.linkname)}\n`);
        continue;
      }
      try {
        file = { handle: await open(target, 'w'), name: target };
      } catch (e) {
        throw new CliError(fsErrorText('open', target, e));
      }
    }
  } finally {
    await closeFile();
  }
}

/** Copies a file or tree out of the pod into `dest`. */
export async function copyFromPod(f: Factory, src: string, dest: string, o: CopyOptions & { maxTries: number; specNamespace: string }): Promise<void> {
  const remote = new RemoteTar(f, src, o);
  const prefix = stripPathShortcuts(cleanRemote(stripLeadingSlash(src)));
  try {
    // The hint names the namespace as the file spec gave it (possibly ""), as kubectl's does.
    await untar(readTar(remote.chunks()), prefix, dest, { stderr: o.stderr, namespace: o.specNamespace, pod: o.pod, src });
  } catch (e) {
    // A cut-short archive is explained by the command's failure, when it failed.
    if (e instanceof TarError && e.message === 'unexpected EOF') {
      const failed = await remote.settle();
      throw failed ?? new CliError(e.message);
    }
    remote.cancel();
    if (e instanceof TarError) throw new CliError(e.message);
    throw e;
  }
  // Like kubectl, done once the archive has been read: the command's exit status (tar exits 1 for a
  // missing path after writing an empty archive) is not waited for.
  remote.cancel();
}
