// Writes a set of files into a volume so readers never see a mix of old and new content (the
// kubelet's AtomicWriter): the files go into a fresh timestamped directory, a `..data` symlink is
// swapped to it with one rename, and the names users see are symlinks through `..data`.
import { promises as fs } from 'node:fs';
import { dirname, join, posix } from 'node:path';

/** One file of a volume's content. */
export interface FileProjection {
  data: Buffer;
  /** Permission bits (e.g. 0o644). */
  mode: number;
}

/** Relative path in the volume -> content. */
export type Payload = Map<string, FileProjection>;

const DATA_LINK = '..data';
const DATA_TMP = '..data_tmp';
const TS_DIR = /^\.\.\d{4}_\d{2}_\d{2}_\d{2}_\d{2}_\d{2}\./;

/** Rejects absolute paths, `..` elements and names starting with `..` (reserved for the writer). */
export function validatePayloadPath(p: string): void {
  if (p === '') throw new Error('invalid path: must not be empty');
  if (posix.isAbsolute(p)) throw new Error(`invalid path: must be relative path: ${p}`);
  if (p.split('/').includes('..')) throw new Error(`invalid path: must not contain '..': ${p}`);
  if (p.startsWith('..')) throw new Error(`invalid path: must not start with '..': ${p}`);
}

/** `..2006_01_02_15_04_05.` in UTC, the prefix of the timestamped data directories. */
function tsPrefix(now = new Date()): string {
  const p = (n: number) => String(n).padStart(2, '0');
  return `..${now.getUTCFullYear()}_${p(now.getUTCMonth() + 1)}_${p(now.getUTCDate())}_${p(now.getUTCHours())}_${p(now.getUTCMinutes())}_${p(now.getUTCSeconds())}.`;
}

async function readLinkOrUndefined(p: string): Promise<string | undefined> {
  try {
    return await fs.readlink(p);
  } catch {
    return undefined;
  }
}

/** Whether the directory `dir` holds exactly `payload` (same files, bytes and modes). */
async function sameContent(dir: string, payload: Payload): Promise<boolean> {
  const existing: string[] = [];
  const walk = async (rel: string): Promise<void> => {
    for (const e of await fs.readdir(join(dir, rel), { withFileTypes: true })) {
      const r = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) await walk(r);
      else existing.push(r);
    }
  };
  try {
    await walk('');
  } catch {
    return false;
  }
  if (existing.length !== payload.size) return false;
  for (const rel of existing) {
    const want = payload.get(rel);
    if (!want) return false;
    const st = await fs.stat(join(dir, rel));
    if ((st.mode & 0o7777) !== want.mode) return false;
    if (!(await fs.readFile(join(dir, rel))).equals(want.data)) return false;
  }
  return true;
}

/** Options for {@link writeAtomic}. */
export interface AtomicWriteOptions {
  /** Group owner for the files and directories written (the pod's fsGroup). */
  gid?: number;
  /** Test hook: runs after the new data directory is complete and before `..data` is swapped. */
  beforeSwap?: () => Promise<void>;
}

/**
 * Makes `targetDir` show exactly `payload`. Returns false when the content was already current.
 * Readers that opened old files keep them; a path read through the user-visible names resolves
 * wholly to the old or wholly to the new directory, never a mix.
 */
export async function writeAtomic(targetDir: string, payload: Payload, o: AtomicWriteOptions = {}): Promise<boolean> {
  for (const p of payload.keys()) validatePayloadPath(p);
  await fs.mkdir(targetDir, { recursive: true });
  const oldTs = await readLinkOrUndefined(join(targetDir, DATA_LINK));
  const topLevel = new Set([...payload.keys()].map((p) => p.split('/')[0] as string));

  if (oldTs !== undefined && (await sameContent(join(targetDir, oldTs), payload))) {
    await linkUserVisible(targetDir, topLevel);
    return false;
  }

  const tsDir = await fs.mkdtemp(join(targetDir, tsPrefix()));
  await fs.chmod(tsDir, 0o755);
  for (const [rel, f] of payload) {
    const file = join(tsDir, rel);
    await fs.mkdir(dirname(file), { recursive: true, mode: 0o755 });
    await fs.writeFile(file, f.data);
    // chmod after writing: the process umask must not change the requested mode.
    await fs.chmod(file, f.mode);
  }
  if (o.gid !== undefined) await chownTree(tsDir, o.gid);
  await o.beforeSwap?.();

  const tsName = tsDir.slice(targetDir.replace(/\/+$/, '').length + 1);
  const tmpLink = join(targetDir, DATA_TMP);
  await fs.rm(tmpLink, { force: true });
  await fs.symlink(tsName, tmpLink);
  // The swap: rename(2) replaces ..data atomically, so every reader sees old or new, never neither.
  await fs.rename(tmpLink, join(targetDir, DATA_LINK));

  await linkUserVisible(targetDir, topLevel);
  // Names that left the payload lose their symlink; only the writer's own links are removed.
  for (const e of await fs.readdir(targetDir, { withFileTypes: true })) {
    if (e.name.startsWith('..') || topLevel.has(e.name) || !e.isSymbolicLink()) continue;
    const to = await readLinkOrUndefined(join(targetDir, e.name));
    if (to?.startsWith(`${DATA_LINK}/`)) await fs.rm(join(targetDir, e.name), { force: true });
  }
  // The previous data directory, and any left by an interrupted write, go last.
  for (const e of await fs.readdir(targetDir, { withFileTypes: true })) {
    if (e.isDirectory() && TS_DIR.test(e.name) && e.name !== tsName) await fs.rm(join(targetDir, e.name), { recursive: true, force: true });
  }
  return true;
}

/** Creates `<name> -> ..data/<name>` for every top-level name that lacks it. */
async function linkUserVisible(targetDir: string, names: Set<string>): Promise<void> {
  for (const name of names) {
    const p = join(targetDir, name);
    const want = `${DATA_LINK}/${name}`;
    const have = await readLinkOrUndefined(p);
    if (have === want) continue;
    await fs.rm(p, { recursive: true, force: true });
    await fs.symlink(want, p);
  }
}

async function chownTree(dir: string, gid: number): Promise<void> {
  await fs.chown(dir, -1, gid);
  await fs.chmod(dir, ((await fs.stat(dir)).mode & 0o7777) | 0o2000);
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const p = join(dir, e.name);
    if (e.isDirectory()) await chownTree(p, gid);
    else await fs.chown(p, -1, gid);
  }
}
