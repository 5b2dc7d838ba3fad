/** What the node reports about the machine it runs on: capacity, identity, OS. */
import { readFileSync, statfsSync } from 'node:fs';
import { arch, cpus, release, totalmem } from 'node:os';
import type { NodeSystemInfo } from '../../api/generated/core/v1.js';

const read = (path: string): string | undefined => {
  try {
    return readFileSync(path, 'utf8').trim();
  } catch {
    return undefined;
  }
};

/** The kubelet version reported in nodeInfo (the API level k8ts implements). */
export const KUBELET_VERSION = 'v1.32.0-k8ts';

/** Capacity as the kubelet reports it: cpu cores, memory in Ki, pods, ephemeral storage of the data dir. */
export function machineCapacity(dataDir: string, maxPods = 110): Record<string, string> {
  const memKi = Math.floor(totalmem() / 1024);
  let storage = 0;
  try {
    const s = statfsSync(dataDir);
    storage = s.blocks * s.bsize;
  } catch {
    /* no data dir yet: report 0 rather than guess */
  }
  return {
    cpu: String(cpus().length),
    memory: `${memKi}Ki`,
    pods: String(maxPods),
    'ephemeral-storage': `${Math.floor(storage / 1024)}Ki`,
    'hugepages-1Gi': '0',
    'hugepages-2Mi': '0',
  };
}

/**
 * Allocatable = capacity minus what the system keeps (eviction threshold memory.available 100Mi,
 * as the kubelet's default hard eviction; nothing reserved for system daemons by default).
 */
export function machineAllocatable(capacity: Record<string, string>): Record<string, string> {
  const memKi = Number((capacity['memory'] ?? '0Ki').replace(/Ki$/, ''));
  const storageKi = Number((capacity['ephemeral-storage'] ?? '0Ki').replace(/Ki$/, ''));
  return {
    ...capacity,
    memory: `${Math.max(0, memKi - 100 * 1024)}Ki`,
    // nodefs.available<10% is the default hard eviction threshold.
    'ephemeral-storage': String(Math.floor(storageKi * 1024 * 0.9)),
  };
}

function osImage(): string {
  const text = read('/etc/os-release') ?? '';
  const m = /^PRETTY_NAME="?([^"\n]*)"?$/m.exec(text);
  return m?.[1] ?? 'Linux';
}

/** The machine's architecture in Go's (and the Node labels') spelling. */
export const goArch = (): string => (arch() === 'x64' ? 'amd64' : arch());

/** nodeInfo with every field the v1 schema requires. */
export function machineInfo(runtimeVersion: string): NodeSystemInfo {
  const machineID = read('/etc/machine-id') ?? read('/var/lib/dbus/machine-id') ?? '';
  return {
    machineID,
    systemUUID: read('/sys/class/dmi/id/product_uuid') ?? machineID,
    bootID: read('/proc/sys/kernel/random/boot_id') ?? '',
    kernelVersion: release(),
    osImage: osImage(),
    containerRuntimeVersion: runtimeVersion,
    kubeletVersion: KUBELET_VERSION,
    kubeProxyVersion: KUBELET_VERSION,
    operatingSystem: 'linux',
    architecture: goArch(),
  };
}
