/**
 * Tiny OCI image archives for runtime tests, built from this machine's files without a registry:
 * a busybox image (busybox-static plus applet symlinks) and a pause image (a static C program that
 * sleeps forever and reaps orphans, as a pod sandbox's first process must). The archives are OCI
 * layouts in a tar, named through the `io.containerd.image.name` annotation, for `ctr images import`.
 */
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runOk } from './proc.js';

const PAUSE_C = `#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>
static void quit(int s) { (void)s; _exit(0); }
static void reap(int s) { (void)s; while (waitpid(-1, 0, WNOHANG) > 0) {} }
int main(void) {
  struct sigaction a = {0};
  a.sa_handler = quit;
  sigaction(SIGINT, &a, 0);
  sigaction(SIGTERM, &a, 0);
  a.sa_handler = reap;
  a.sa_flags = SA_NOCLDSTOP | SA_RESTART;
  sigaction(SIGCHLD, &a, 0);
  for (;;) pause();
}
`;

/** Applets linked into the busybox image's /bin. */
const APPLETS = ['sh', 'ls', 'cat', 'echo', 'sleep', 'nc', 'httpd', 'ping', 'ip', 'wget', 'hostname', 'true', 'false', 'id', 'ps', 'env', 'mkdir', 'kill', 'grep', 'head', 'tail', 'test'];

const sha256 = (b: Buffer): string => createHash('sha256').update(b).digest('hex');

/**
 * Writes an OCI archive of a one-layer image whose root filesystem is `rootfs` and returns its path.
 * `name` is the full reference, e.g. `k8ts.test/busybox:1`.
 */
export async function writeOciArchive(o: { rootfs: string; name: string; out: string; entrypoint?: string[]; cmd?: string[]; env?: string[] }): Promise<string> {
  const work = mkdtempSync(join(o.out, 'oci-'));
  try {
    const blobs = join(work, 'layout', 'blobs', 'sha256');
    mkdirSync(blobs, { recursive: true });
    const put = (b: Buffer): { digest: string; size: number } => {
      const hex = sha256(b);
      writeFileSync(join(blobs, hex), b);
      return { digest: `sha256:${hex}`, size: b.length };
    };
    // Fixed owner and mtime keep the layer's digest the same from run to run.
    const layerTar = join(work, 'layer.tar');
    await runOk('tar', ['--numeric-owner', '--owner=0', '--group=0', '--mtime=@0', '--sort=name', '-cf', layerTar, '-C', o.rootfs, '.']);
    const layer = put(readFileSync(layerTar));
    const config = put(
      Buffer.from(
        JSON.stringify({
          architecture: 'amd64',
          os: 'linux',
          config: { Env: o.env ?? ['PATH=/bin'], Entrypoint: o.entrypoint, Cmd: o.cmd },
          rootfs: { type: 'layers', diff_ids: [layer.digest] },
        }),
      ),
    );
    const manifest = put(
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: 'application/vnd.oci.image.config.v1+json', ...config },
          layers: [{ mediaType: 'application/vnd.oci.image.layer.v1.tar', ...layer }],
        }),
      ),
    );
    const index = {
      schemaVersion: 2,
      manifests: [
        {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          ...manifest,
          platform: { architecture: 'amd64', os: 'linux' },
          annotations: { 'io.containerd.image.name': o.name, 'org.opencontainers.image.ref.name': o.name.slice(o.name.lastIndexOf(':') + 1) },
        },
      ],
    };
    writeFileSync(join(work, 'layout', 'index.json'), JSON.stringify(index));
    writeFileSync(join(work, 'layout', 'oci-layout'), JSON.stringify({ imageLayoutVersion: '1.0.0' }));
    const archive = join(o.out, `${o.name.replace(/[^A-Za-z0-9.-]+/g, '_')}.oci.tar`);
    await runOk('tar', ['--numeric-owner', '--owner=0', '--group=0', '-cf', archive, '-C', join(work, 'layout'), '.']);
    return archive;
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

/** A busybox image (Cmd sh) from /bin/busybox (busybox-static). */
export async function buildBusyboxImage(out: string, name: string): Promise<string> {
  const rootfs = mkdtempSync(join(out, 'busybox-rootfs-'));
  try {
    mkdirSync(join(rootfs, 'bin'));
    mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 });
    copyFileSync('/bin/busybox', join(rootfs, 'bin', 'busybox'));
    chmodSync(join(rootfs, 'bin', 'busybox'), 0o755);
    for (const a of APPLETS) symlinkSync('busybox', join(rootfs, 'bin', a));
    return await writeOciArchive({ rootfs, name, out, cmd: ['sh'] });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}

/** A pause image: /pause compiled here with gcc -static. */
export async function buildPauseImage(out: string, name: string): Promise<string> {
  const rootfs = mkdtempSync(join(out, 'pause-rootfs-'));
  try {
    writeFileSync(join(out, 'pause.c'), PAUSE_C);
    await runOk('gcc', ['-static', '-Os', '-o', join(rootfs, 'pause'), join(out, 'pause.c')]);
    return await writeOciArchive({ rootfs, name, out, entrypoint: ['/pause'] });
  } finally {
    rmSync(rootfs, { recursive: true, force: true });
  }
}
