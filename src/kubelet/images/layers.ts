/**
 * Turns one layer of a recipe into (a) a cache key computed from its inputs only (the recipe text,
 * package versions, source file contents), cheap enough to check on every start, and (b) the file
 * tree the layer holds, gathered from this machine only when the key is not in the cache.
 */
import { createHash } from 'node:crypto';
import { execFile } from 'node:child_process';
import { lstatSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync, type Stats } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join, posix } from 'node:path';
import { promisify } from 'node:util';
import { dependsClosure, packageFiles, type DpkgDb } from './dpkg.js';
import type { LayerSpec, Recipe } from './recipe.js';
import type { TarEntry } from './tar.js';

const run = promisify(execFile);

/** mtime for everything we generate (2023-06-10, Debian 12's release), so layers are reproducible. */
export const FIXED_MTIME = 1686355200;

/** A file in the image tree, keyed by its absolute image path. */
export interface FsEntry {
  type: 'file' | 'dir' | 'symlink';
  mode: number;
  mtime: number;
  linkname?: string;
  size?: number;
  body?: () => Promise<Buffer> | Buffer;
  /** dev:ino on the host, so files dpkg installed as hard links stay hard links. */
  inode?: string;
}
export type FsTree = Map<string, FsEntry>;

export interface PlannedLayer {
  key: string;
  /** One line for the image history ("debian packages: nginx-light (12 packages)"). */
  describe: string;
  entries: () => Promise<FsTree>;
}

const sha256 = (s: string | Buffer) => createHash('sha256').update(s).digest('hex');

function hostEntry(hostPath: string, st: Stats = lstatSync(hostPath)): FsEntry {
  if (st.isDirectory()) return { type: 'dir', mode: st.mode & 0o7777, mtime: FIXED_MTIME };
  if (st.isSymbolicLink()) return { type: 'symlink', mode: 0o777, mtime: FIXED_MTIME, linkname: readlinkSync(hostPath) };
  if (!st.isFile()) throw new Error(`${hostPath}: not a regular file, directory or symlink`);
  // Package files keep dpkg's mtime (taken from the .deb, so stable per version): it keeps the
  // host's compiled .pyc files valid and costs reproducibility nothing.
  return {
    type: 'file',
    mode: st.mode & 0o7777,
    mtime: Math.floor(st.mtimeMs / 1000),
    size: st.size,
    body: () => readFile(hostPath),
    inode: st.nlink > 1 ? `${st.dev}:${st.ino}` : undefined,
  };
}

/** "/lib/x" -> "/usr/lib/x" on a merged-/usr host, so files land once, under /usr, as on the host. */
function usrMergeMap(): Map<string, string> {
  const m = new Map<string, string>();
  for (const top of ['bin', 'sbin', 'lib', 'lib32', 'lib64', 'libx32']) {
    try {
      if (readlinkSync(`/${top}`).replace(/^\//, '') === `usr/${top}`) m.set(`/${top}`, `/usr/${top}`);
    } catch {
      /* not a symlink or absent: nothing to map */
    }
  }
  return m;
}

function canonical(path: string, merged: Map<string, string>): string {
  const top = path.match(/^\/[^/]+/)?.[0] ?? '';
  const to = merged.get(top);
  return to ? to + path.slice(top.length) : path;
}

/** Glob over image paths: "*" within one segment, "**" across segments. */
export function globToRegExp(glob: string): RegExp {
  const re = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${re}$`);
}

function planDebian(spec: Extract<LayerSpec, { debian: unknown }>['debian'], db: DpkgDb): Omit<PlannedLayer, 'key'> & { inputs: string[] } {
  const closure = dependsClosure(db, spec.packages, spec.skip);
  const exclude = (spec.exclude ?? []).map(globToRegExp);
  const keep = (spec.keep ?? []).map(globToRegExp);
  return {
    inputs: closure.map((p) => `${p.name}=${p.version}`),
    describe: `debian packages: ${spec.packages.join(' ')} (${closure.length} packages: ${closure.map((p) => p.name).join(' ')})`,
    entries: () => {
      const merged = usrMergeMap();
      const tree: FsTree = new Map();
      const pycacheListing = new Map<string, string[]>();
      for (const pkg of closure) {
        for (const listed of packageFiles(db, pkg)) {
          const path = canonical(listed, merged);
          if (tree.has(path) || (exclude.some((r) => r.test(path)) && !keep.some((r) => r.test(path)))) continue;
          let st: Stats;
          try {
            st = lstatSync(path);
          } catch {
            continue; // listed but not on disk (dpkg path-exclude, or removed by hand): nothing to take
          }
          tree.set(path, hostEntry(path, st));
          if (spec.pycache && path.endsWith('.py') && st.isFile()) {
            const cacheDir = join(dirname(path), '__pycache__');
            if (!pycacheListing.has(cacheDir)) pycacheListing.set(cacheDir, safeReaddir(cacheDir));
            const stem = basename(path, '.py') + '.';
            for (const pyc of pycacheListing.get(cacheDir) ?? []) {
              if (pyc.startsWith(stem) && pyc.endsWith('.pyc') && pyc.slice(stem.length).split('.').length === 2) {
                tree.set(join(cacheDir, pyc), hostEntry(join(cacheDir, pyc)));
              }
            }
          }
        }
      }
      return Promise.resolve(tree);
    },
  };
}

function safeReaddir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

/** Every file under dir, relative, sorted, with its mode: the inputs of a `copy` layer. */
function walk(dir: string, rel = ''): { rel: string; mode: number; kind: 'dir' | 'file' | 'symlink' }[] {
  const out: { rel: string; mode: number; kind: 'dir' | 'file' | 'symlink' }[] = [];
  for (const name of readdirSync(join(dir, rel)).sort()) {
    const r = posix.join(rel, name);
    const st = lstatSync(join(dir, r));
    out.push({ rel: r, mode: st.mode & 0o7777, kind: st.isDirectory() ? 'dir' : st.isSymbolicLink() ? 'symlink' : 'file' });
    if (st.isDirectory()) out.push(...walk(dir, r));
  }
  return out;
}

/** What a copied file contributes to the key: its content, a link's target, nothing for a directory. */
function fingerprint(path: string, kind: 'dir' | 'file' | 'symlink'): string {
  return kind === 'dir' ? 'dir' : kind === 'symlink' ? `-> ${readlinkSync(path)}` : sha256(readFileSync(path));
}

/** Plans one layer of a recipe. */
export function planLayer(spec: LayerSpec, recipe: Recipe, db: DpkgDb, builderVersion: string): PlannedLayer {
  const keyed = (inputs: string[], rest: Omit<PlannedLayer, 'key'>): PlannedLayer => ({
    key: sha256(JSON.stringify({ builderVersion, spec: { ...spec, comment: undefined }, inputs })),
    ...rest,
  });
  if ('tree' in spec) {
    const { dirs = {}, symlinks = {} } = spec.tree;
    return keyed([], {
      describe: `tree: ${Object.keys(dirs).length} directories, ${Object.keys(symlinks).length} symlinks`,
      entries: () => {
        const tree: FsTree = new Map();
        for (const [p, mode] of Object.entries(dirs)) tree.set(p, { type: 'dir', mode: parseInt(mode, 8), mtime: FIXED_MTIME });
        for (const [p, target] of Object.entries(symlinks)) tree.set(p, { type: 'symlink', mode: 0o777, mtime: FIXED_MTIME, linkname: target });
        return Promise.resolve(tree);
      },
    });
  }
  if ('copy' in spec) {
    const root = join(recipe.dir, spec.copy);
    const files = walk(root);
    // Only the executable bit of a checked-out file counts: git keeps nothing else.
    const modeOf = (f: (typeof files)[number]) => (f.kind === 'symlink' ? 0o777 : f.kind === 'dir' || f.mode & 0o111 ? 0o755 : 0o644);
    const inputs = files.map((f) => `${f.rel} ${modeOf(f).toString(8)} ${fingerprint(join(root, f.rel), f.kind)}`);
    return keyed(inputs, {
      describe: `copy ${spec.copy} /`,
      entries: () => {
        const tree: FsTree = new Map();
        for (const f of files) {
          const e = hostEntry(join(root, f.rel));
          // Checkout times vary from clone to clone; the content is what counts.
          tree.set(`/${f.rel}`, { ...e, mtime: FIXED_MTIME, inode: undefined, mode: modeOf(f) });
        }
        return Promise.resolve(tree);
      },
    });
  }
  if ('debian' in spec) {
    const { inputs, ...rest } = planDebian(spec.debian, db);
    return keyed(inputs, rest);
  }
  if ('busybox' in spec) {
    const { binary, dir } = spec.busybox;
    const inputs = dependsClosure(db, [spec.busybox.package]).map((p) => `${p.name}=${p.version}`);
    return keyed(inputs, {
      describe: `busybox: ${binary} as ${dir}/busybox with its applets linked beside it`,
      entries: async () => {
        const { stdout } = await run(binary, ['--list']);
        const tree: FsTree = new Map([[`${dir}/busybox`, { ...hostEntry(binary), mtime: FIXED_MTIME, inode: undefined }]]);
        for (const applet of stdout.split('\n').filter((a) => a && a !== 'busybox' && !a.includes('/'))) {
          tree.set(`${dir}/${applet}`, { type: 'symlink', mode: 0o777, mtime: FIXED_MTIME, linkname: 'busybox' });
        }
        return tree;
      },
    });
  }
  const { source, output, cflags, toolchain } = spec.compile;
  const inputs = [sha256(readFileSync(join(recipe.dir, source))), ...dependsClosure(db, toolchain).map((p) => `${p.name}=${p.version}`)];
  return keyed(inputs, {
    describe: `compile: cc ${cflags.join(' ')} ${source} -o ${output}`,
    entries: async () => {
      const work = mkdtempSync(join(tmpdir(), 'k8ts-cc-'));
      try {
        // Compile in a scratch dir under a fixed name so no temporary path ends up in the binary.
        writeFileSync(join(work, basename(source)), readFileSync(join(recipe.dir, source)));
        await run('gcc', [...cflags, '-o', 'out', basename(source)], { cwd: work });
        const bin = readFileSync(join(work, 'out'));
        return new Map([[output, { type: 'file', mode: 0o755, mtime: FIXED_MTIME, size: bin.length, body: () => bin }]]);
      } finally {
        rmSync(work, { recursive: true, force: true });
      }
    },
  });
}

/**
 * Orders a tree for a tar: parents first (each missing parent added as a 0755 directory), paths
 * sorted bytewise, hard links pointing at the first path of their inode.
 */
export function toTarEntries(tree: FsTree): TarEntry[] {
  const all = new Map(tree);
  for (const p of tree.keys()) {
    for (let d = posix.dirname(p); d !== '/' && d !== '.'; d = posix.dirname(d)) {
      if (!all.has(d)) all.set(d, { type: 'dir', mode: 0o755, mtime: FIXED_MTIME });
    }
  }
  all.delete('/');
  const paths = [...all.keys()].sort((a, b) => Buffer.compare(Buffer.from(a), Buffer.from(b)));
  const firstOfInode = new Map<string, string>();
  return paths.map((p): TarEntry => {
    const e = all.get(p) as FsEntry;
    const rel = p.replace(/^\/+/, '');
    if (e.inode) {
      const first = firstOfInode.get(e.inode);
      if (first) return { path: rel, type: 'hardlink', mode: e.mode, mtime: e.mtime, linkname: first };
      firstOfInode.set(e.inode, rel);
    }
    return { path: rel, type: e.type, mode: e.mode, mtime: e.mtime, linkname: e.linkname, size: e.size, body: e.body };
  });
}
