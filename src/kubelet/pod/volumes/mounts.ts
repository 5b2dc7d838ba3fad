// tmpfs mounts for memory-backed volumes and the mount table reads that make tear-down safe.
import { execFile } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { resolve, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/** Decodes the octal escapes (`\040` for a space) the kernel writes into mountinfo paths. */
function unescapeMountPath(s: string): string {
  return s.replace(/\\([0-7]{3})/g, (_, oct: string) => String.fromCharCode(parseInt(oct, 8)));
}

/** Every mount point of this process's mount namespace, in mount order. */
export function mountPoints(): string[] {
  const text = readFileSync('/proc/self/mountinfo', 'utf8');
  const out: string[] = [];
  for (const line of text.split('\n')) {
    const fields = line.split(' ');
    if (fields.length > 4 && fields[4] !== undefined) out.push(unescapeMountPath(fields[4]));
  }
  return out;
}

/** Whether `dir` itself is a mount point. */
export function isMountPoint(dir: string): boolean {
  const p = existsSync(dir) ? realpathSync(dir) : resolve(dir);
  return mountPoints().includes(p);
}

/** Mount points at or below `dir`, deepest first (the order to unmount them in). */
export function mountPointsUnder(dir: string): string[] {
  // The kernel reports real paths; a symlink in `dir` must not hide a mount from tear-down.
  const root = existsSync(dir) ? realpathSync(dir) : resolve(dir);
  const found = mountPoints().filter((m) => m === root || m.startsWith(root + sep));
  return [...new Set(found)].sort((a, b) => b.length - a.length);
}

/** Mounts a fresh tmpfs on `dir` (size in bytes when given); a no-op when one is already there. */
export async function mountTmpfs(dir: string, sizeBytes?: number): Promise<boolean> {
  if (isMountPoint(dir)) return false;
  const opts = ['nosuid', 'nodev', ...(sizeBytes !== undefined && sizeBytes > 0 ? [`size=${sizeBytes}`] : [])];
  await run('mount', ['-t', 'tmpfs', '-o', opts.join(','), 'tmpfs', dir]);
  return true;
}

/** Unmounts `dir`; a lazy unmount when it is busy, so a pod's tear-down does not hang. */
export async function unmount(dir: string): Promise<void> {
  try {
    await run('umount', [dir]);
  } catch {
    await run('umount', ['-l', dir]);
  }
}
