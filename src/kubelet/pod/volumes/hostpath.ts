// hostPath type checks (the hostPath plugin's checkType): create what `*OrCreate` asks for, verify
// the rest, with the kubelet's error wording.
import { promises as fs, type Stats } from 'node:fs';

const what: Record<string, string> = {
  Directory: 'a directory',
  File: 'a file',
  Socket: 'a socket file',
  CharDevice: 'a character device',
  BlockDevice: 'a block device',
};

const failed = (path: string, kind: string) => new Error(`hostPath type check failed: ${path} is not ${what[kind] ?? kind}`);

async function statOrUndefined(path: string): Promise<Stats | undefined> {
  try {
    return await fs.stat(path);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

function matches(st: Stats, kind: string): boolean {
  switch (kind) {
    case 'Directory':
      return st.isDirectory();
    case 'File':
      return st.isFile();
    case 'Socket':
      return st.isSocket();
    case 'CharDevice':
      return st.isCharacterDevice();
    case 'BlockDevice':
      return st.isBlockDevice();
    default:
      return false;
  }
}

/**
 * Checks `path` against a hostPath `type`: "" checks nothing; DirectoryOrCreate makes the directory
 * (0755, with parents) and FileOrCreate an empty file (0644, parent must exist) when absent;
 * Directory, File, Socket, CharDevice and BlockDevice must already exist as that kind.
 */
export async function checkHostPathType(path: string, type: string | undefined): Promise<void> {
  const t = type ?? '';
  if (t === '') return;
  const st = await statOrUndefined(path);
  switch (t) {
    case 'DirectoryOrCreate':
      if (!st) {
        await fs.mkdir(path, { recursive: true, mode: 0o755 });
        return;
      }
      if (!st.isDirectory()) throw failed(path, 'Directory');
      return;
    case 'FileOrCreate':
      if (!st) {
        const h = await fs.open(path, 'a', 0o644);
        await h.close();
        return;
      }
      if (!st.isFile()) throw failed(path, 'File');
      return;
    case 'Directory':
    case 'File':
    case 'Socket':
    case 'CharDevice':
    case 'BlockDevice':
      if (!st || !matches(st, t)) throw failed(path, t);
      return;
    default:
      throw new Error(`${t} is an invalid volume type`);
  }
}
