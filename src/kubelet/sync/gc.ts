/**
 * Garbage collection of what pods leave behind (the kubelet's container, sandbox and image GC):
 * dead containers beyond the newest one per pod and container name (kept for `lastState` and
 * `logs --previous`), dead sandboxes that are not a pod's newest, log files of removed
 * containers older than the previous run, volumes of pods no longer here, and unused images
 * when the image filesystem passes 85 % (down to 80 %), least recently created first.
 */
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Pod } from '../../api/generated/core/v1.js';
import type { CriClient } from '../cri/client.js';
import type { VolumeManager } from '../pod/volumes.js';
import type { Logger } from '../../util/log.js';
import type { RuntimeCache } from './runtime.js';

export interface GcOptions {
  cri: CriClient;
  runtime: RuntimeCache;
  logRoot: string;
  volumes: Pick<VolumeManager, 'podUidsOnDisk' | 'tearDown'>;
  desired: () => Pod[];
  log: Logger;
  highPercent?: number;
  lowPercent?: number;
}

export async function collectGarbage(o: GcOptions): Promise<void> {
  await o.runtime.relist();
  const desired = new Set(o.desired().map((p) => p.metadata!.uid!));
  for (const rp of o.runtime.pods()) {
    if (!desired.has(rp.uid)) continue; // removal of whole pods is the pod workers' job
    const seen = new Set<string>();
    for (const c of rp.containers) {
      // One dead container per (pod, container) is kept, for lastState and `logs --previous`.
      if (c.state !== 'exited') continue;
      const key = `${c.init}/${c.name}`;
      if (!seen.has(key)) {
        seen.add(key);
        continue;
      }
      await o.cri.removeContainer({ container_id: c.id }).catch(() => undefined);
    }
    for (const sb of rp.sandboxes.slice(1)) {
      if (sb.ready || rp.containers.some((c) => c.sandboxId === sb.id)) continue;
      await o.cri.removePodSandbox({ pod_sandbox_id: sb.id }).catch(() => undefined);
    }
  }
  // Log files: keep the current and the previous run of every container; drop directories of pods gone.
  for (const dir of safeList(o.logRoot)) {
    const uid = dir.split('_').pop() ?? '';
    if (!desired.has(uid) && !o.runtime.pod(uid)) {
      rmSync(join(o.logRoot, dir), { recursive: true, force: true });
      continue;
    }
    for (const cname of safeList(join(o.logRoot, dir))) {
      const files = safeList(join(o.logRoot, dir, cname))
        .map((f) => ({ f, n: Number(/^(\d+)\.log/.exec(f)?.[1] ?? NaN) }))
        .filter((x) => Number.isFinite(x.n));
      const max = Math.max(...files.map((x) => x.n));
      for (const x of files) if (x.n < max - 1) rmSync(join(o.logRoot, dir, cname, x.f), { force: true });
    }
  }
  for (const uid of o.volumes.podUidsOnDisk()) if (!desired.has(uid) && !o.runtime.pod(uid)) await o.volumes.tearDown(uid);
  await imageGc(o);
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

async function imageGc(o: GcOptions): Promise<void> {
  const high = o.highPercent ?? 85;
  const low = o.lowPercent ?? 80;
  const { image_filesystems: fss } = await o.cri.imageFsInfo({});
  const fs = fss[0];
  if (!fs?.used_bytes) return;
  const { statfsSync } = await import('node:fs');
  let total = 0;
  try {
    const st = statfsSync(fs.fs_id?.mountpoint ?? '/');
    total = st.blocks * st.bsize;
    const usedPct = ((st.blocks - st.bavail) / st.blocks) * 100;
    if (usedPct < high) return;
    let toFree = ((usedPct - low) / 100) * total;
    const inUse = new Set(o.runtime.pods().flatMap((p) => p.containers.map((c) => c.imageRef)));
    const { images } = await o.cri.listImages({});
    for (const img of images) {
      if (toFree <= 0) break;
      if (img.pinned || inUse.has(img.id) || img.repo_digests.some((d) => inUse.has(d))) continue;
      await o.cri.removeImage({ image: { image: img.id } }).catch(() => undefined);
      toFree -= Number(img.size);
      o.log.info('image garbage collected', { image: img.repo_tags[0] ?? img.id, bytes: Number(img.size) });
    }
  } catch {
    /* no statfs for the image filesystem: nothing to judge by */
  }
}
