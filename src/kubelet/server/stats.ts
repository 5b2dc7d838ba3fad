/**
 * The kubelet's Summary API (/stats/summary): node figures from /proc and statfs, per-pod and
 * per-container figures from CRI ListContainerStats. CPU rates (usageNanoCores) are the change in
 * cumulative usage between two samples at least a second apart; the collector keeps the previous
 * sample per container, and the server samples in the background so a first request has a rate.
 */
import { readFile, readdir, stat, statfs } from 'node:fs/promises';
import { join } from 'node:path';
import type { Pod } from '../../api/generated/core/v1.js';
import type * as cri from '../cri/types.js';
import type { KubeletApiProvider } from './types.js';

export interface CpuStats { time: string; usageNanoCores?: number; usageCoreNanoSeconds?: number }
export interface MemoryStats { time: string; availableBytes?: number; usageBytes?: number; workingSetBytes?: number; rssBytes?: number; pageFaults?: number; majorPageFaults?: number }
export interface FsStats { time: string; availableBytes?: number; capacityBytes?: number; usedBytes?: number; inodesFree?: number; inodes?: number; inodesUsed?: number }
export interface ContainerStatsSummary { name: string; startTime: string; cpu?: CpuStats; memory?: MemoryStats; rootfs?: FsStats; logs?: FsStats }
export interface PodStatsSummary {
  podRef: { name: string; namespace: string; uid: string };
  startTime: string;
  containers: ContainerStatsSummary[];
  cpu?: CpuStats;
  memory?: MemoryStats;
  'ephemeral-storage'?: FsStats;
}
export interface Summary {
  node: { nodeName: string; startTime: string; cpu: CpuStats; memory: MemoryStats; fs?: FsStats; runtime: { imageFs?: FsStats; containerFs?: FsStats } };
  pods: PodStatsSummary[];
}

export interface StatsCollectorOptions {
  provider: KubeletApiProvider;
  /** The kubelet's data directory: its filesystem is the node's `fs`. */
  rootDir: string;
  /** Where /proc is (tests point it at a fake). */
  procDir?: string;
  now?: () => number;
}

/** Samples closer than this keep the previous rate: a rate over milliseconds is noise. */
const MIN_WINDOW_NS = 1e9;
const USER_HZ_NS = 1e7; // /proc/stat counts in USER_HZ (100/s) ticks

/** usageNanoCores from successive cumulative samples, per key. */
export class CpuRates {
  #prev = new Map<string, { ts: number; usage: number; rate?: number }>();

  /** Records a sample (ts and usage in nanoseconds); returns the current rate, if one is known. */
  observe(key: string, ts: number, usage: number): number | undefined {
    const p = this.#prev.get(key);
    if (!p || usage < p.usage || ts < p.ts) {
      this.#prev.set(key, { ts, usage });
      return undefined;
    }
    if (ts - p.ts < MIN_WINDOW_NS) return p.rate;
    const rate = Math.round(((usage - p.usage) / (ts - p.ts)) * 1e9);
    this.#prev.set(key, { ts, usage, rate });
    return rate;
  }

  /** Forgets keys not in `live` (containers gone). */
  retain(live: Set<string>): void {
    for (const k of this.#prev.keys()) if (!live.has(k)) this.#prev.delete(k);
  }
}

const iso = (ns: number): string => new Date(Math.floor(ns / 1e6)).toISOString().replace(/\.\d{3}Z$/, 'Z');
/** A CRI timestamp (ns) as RFC 3339, or now when the runtime left it 0. */
const isoOr = (ns: number | undefined, now: number): string => iso(Number(ns) || now);
const val = (v: cri.UInt64Value | null | undefined): number | undefined => (v ? Number(v.value) : undefined);

/** Builds Summary API responses; one per kubelet, since it keeps the CPU samples. */
export class StatsCollector {
  readonly #o: StatsCollectorOptions;
  readonly #rates = new CpuRates();
  #bootTime: string | undefined;

  constructor(o: StatsCollectorOptions) {
    this.#o = o;
  }

  /** Takes a CPU sample of the node and every container, so the next summary has rates. */
  async sample(): Promise<void> {
    await Promise.all([this.#nodeCpu(), this.#containerStats()]);
  }

  async summary(): Promise<Summary> {
    const [cpu, memory, fs, imageFs, stats] = await Promise.all([this.#nodeCpu(), this.#nodeMemory(), fsOf(this.#o.rootDir, this.#nowNs()), this.#imageFs(), this.#containerStats()]);
    const node = { nodeName: this.#o.provider.nodeName, startTime: await this.#boot(), cpu, memory, fs, runtime: { imageFs, containerFs: imageFs } };
    const pods: PodStatsSummary[] = [];
    for (const pod of this.#o.provider.pods()) {
      const uid = pod.metadata?.uid;
      if (!uid) continue;
      pods.push(await this.#pod(pod, stats.get(uid) ?? new Map<string, cri.ContainerStats>(), imageFs, fs));
    }
    return { node, pods };
  }

  #nowNs(): number {
    return (this.#o.now ?? Date.now)() * 1e6;
  }

  async #boot(): Promise<string> {
    if (this.#bootTime === undefined) {
      const text = await readFile(join(this.#o.procDir ?? '/proc', 'stat'), 'utf8').catch(() => '');
      const btime = Number(/^btime (\d+)$/m.exec(text)?.[1] ?? 0);
      this.#bootTime = iso(btime * 1e9);
    }
    return this.#bootTime;
  }

  async #nodeCpu(): Promise<CpuStats> {
    const ts = this.#nowNs();
    const text = await readFile(join(this.#o.procDir ?? '/proc', 'stat'), 'utf8').catch(() => '');
    const f = (/^cpu\s+(.*)$/m.exec(text)?.[1] ?? '').trim().split(/\s+/).map(Number);
    // user nice system idle iowait irq softirq steal: busy time is all but idle and iowait.
    const busy = [0, 1, 2, 5, 6, 7].reduce((s, i) => s + (Number.isFinite(f[i]) ? (f[i] ?? 0) : 0), 0);
    const usage = busy * USER_HZ_NS;
    return { time: iso(ts), usageNanoCores: this.#rates.observe('', ts, usage), usageCoreNanoSeconds: usage };
  }

  async #nodeMemory(): Promise<MemoryStats> {
    const text = await readFile(join(this.#o.procDir ?? '/proc', 'meminfo'), 'utf8').catch(() => '');
    const kb = (k: string): number => Number(new RegExp(`^${k.replace(/[()]/g, '\\$&')}:\\s+(\\d+)`, 'm').exec(text)?.[1] ?? 0) * 1024;
    const total = kb('MemTotal');
    const usage = total - kb('MemFree');
    // As the kubelet defines it: usage less inactive page cache; available = capacity - working set.
    const workingSet = Math.max(0, usage - kb('Inactive(file)'));
    return { time: iso(this.#nowNs()), availableBytes: Math.max(0, total - workingSet), usageBytes: usage, workingSetBytes: workingSet, rssBytes: kb('AnonPages') };
  }

  async #imageFs(): Promise<FsStats | undefined> {
    const r = await this.#o.provider.cri.imageFsInfo({}).catch(() => undefined);
    const u = r?.image_filesystems[0];
    if (!u) return undefined;
    const ts = Number(u.timestamp) || this.#nowNs();
    const disk = u.fs_id?.mountpoint ? await fsOf(u.fs_id.mountpoint, ts) : undefined;
    return { ...(disk ?? { time: iso(ts) }), usedBytes: val(u.used_bytes), inodesUsed: val(u.inodes_used) };
  }

  /** The newest container per (pod uid, name), with CPU rates updated. */
  async #containerStats(): Promise<Map<string, Map<string, cri.ContainerStats>>> {
    const r = await this.#o.provider.cri.listContainerStats({}).catch(() => ({ stats: [] as cri.ContainerStats[] }));
    const byPod = new Map<string, Map<string, cri.ContainerStats>>();
    const live = new Set<string>(['']);
    for (const s of r.stats) {
      const a = s.attributes;
      const uid = a?.labels['io.kubernetes.pod.uid'];
      const name = a?.labels['io.kubernetes.container.name'] ?? a?.metadata?.name;
      if (!a || !uid || !name) continue;
      live.add(a.id);
      const cpu = s.cpu;
      const usage = val(cpu?.usage_core_nano_seconds);
      if (cpu && usage !== undefined) {
        const rate = this.#rates.observe(a.id, Number(cpu.timestamp), usage);
        if (rate !== undefined) cpu.usage_nano_cores = { value: rate };
      }
      const m = byPod.get(uid) ?? new Map<string, cri.ContainerStats>();
      const prev = m.get(name);
      if (!prev || (prev.attributes?.metadata?.attempt ?? 0) <= (a.metadata?.attempt ?? 0)) m.set(name, s);
      byPod.set(uid, m);
    }
    this.#rates.retain(live);
    return byPod;
  }

  async #pod(pod: Pod, stats: Map<string, cri.ContainerStats>, imageFs: FsStats | undefined, nodeFs: FsStats | undefined): Promise<PodStatsSummary> {
    const ns = pod.metadata?.namespace ?? 'default';
    const name = pod.metadata?.name ?? '';
    const podStart = pod.status?.startTime ?? pod.metadata?.creationTimestamp ?? iso(this.#nowNs());
    const containers: ContainerStatsSummary[] = [];
    for (const [cname, s] of stats) {
      const st = pod.status?.containerStatuses?.find((c) => c.name === cname);
      const c: ContainerStatsSummary = { name: cname, startTime: st?.state?.running?.startedAt ?? podStart };
      if (s.cpu) c.cpu = { time: isoOr(s.cpu.timestamp, this.#nowNs()), usageNanoCores: val(s.cpu.usage_nano_cores), usageCoreNanoSeconds: val(s.cpu.usage_core_nano_seconds) };
      if (s.memory) {
        const m = s.memory;
        const avail = val(m.available_bytes);
        c.memory = { time: isoOr(m.timestamp, this.#nowNs()), availableBytes: avail || undefined, usageBytes: val(m.usage_bytes), workingSetBytes: val(m.working_set_bytes), rssBytes: val(m.rss_bytes), pageFaults: val(m.page_faults), majorPageFaults: val(m.major_page_faults) };
      }
      if (s.writable_layer) {
        const w = s.writable_layer;
        c.rootfs = { ...(imageFs ?? {}), time: isoOr(w.timestamp, this.#nowNs()), usedBytes: val(w.used_bytes), inodesUsed: val(w.inodes_used) };
      }
      const ref = this.#o.provider.container(ns, name, cname);
      if (!('error' in ref)) c.logs = { ...(nodeFs ?? { time: iso(this.#nowNs()) }), usedBytes: await dirBytes(ref.logDir) };
      containers.push(c);
    }
    containers.sort((a, b) => a.name.localeCompare(b.name));
    const out: PodStatsSummary = { podRef: { name, namespace: ns, uid: pod.metadata?.uid ?? '' }, startTime: podStart, containers };
    if (containers.some((c) => c.cpu)) out.cpu = sum(containers.map((c) => c.cpu), ['usageNanoCores', 'usageCoreNanoSeconds']);
    if (containers.some((c) => c.memory)) out.memory = sum(containers.map((c) => c.memory), ['usageBytes', 'workingSetBytes', 'rssBytes', 'pageFaults', 'majorPageFaults']);
    if (containers.length > 0) {
      const used = containers.reduce((n, c) => n + (c.rootfs?.usedBytes ?? 0) + (c.logs?.usedBytes ?? 0), 0);
      out['ephemeral-storage'] = { ...(nodeFs ?? { time: iso(this.#nowNs()) }), usedBytes: used };
    }
    return out;
  }
}

/** Sums the named fields over the present entries; time is the latest. */
function sum<T extends { time: string }>(items: (T | undefined)[], keys: (keyof T)[]): T {
  const present = items.filter((i): i is T => i !== undefined);
  const out = { time: present.map((i) => i.time).sort().at(-1) ?? '' } as T;
  for (const k of keys) {
    const vals = present.map((i) => i[k]).filter((v): v is T[keyof T] & number => typeof v === 'number');
    if (vals.length > 0) (out as Record<keyof T, unknown>)[k] = vals.reduce((a, b) => a + b, 0);
  }
  return out;
}

/** Capacity, free and used space and inodes of the filesystem holding `path`. */
async function fsOf(path: string, ns: number): Promise<FsStats | undefined> {
  try {
    const s = await statfs(path);
    return {
      time: iso(ns),
      availableBytes: s.bavail * s.bsize,
      capacityBytes: s.blocks * s.bsize,
      usedBytes: (s.blocks - s.bfree) * s.bsize,
      inodesFree: s.ffree,
      inodes: s.files,
      inodesUsed: s.files - s.ffree,
    };
  } catch {
    return undefined;
  }
}

/** Bytes in the files directly inside `dir` (a container's log directory). */
async function dirBytes(dir: string): Promise<number> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const sizes = await Promise.all(names.map((n) => stat(join(dir, n)).then((s) => (s.isFile() ? s.size : 0), () => 0)));
  return sizes.reduce((a, b) => a + b, 0);
}
