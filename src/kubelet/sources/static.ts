/**
 * Static pods: manifests in a folder (`--pod-manifest-path`) that the kubelet runs without an API
 * server, as the kubelet's file source does. Each file holds one Pod (YAML or JSON). The pod is
 * named `<name>-<node>`, bound to this node, and its uid is a hash of the manifest and node, so
 * the same file keeps the same pod across kubelet restarts and a changed file is a new pod.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { defaultObject } from '../../api/defaults.js';
import type { Pod } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import { errorText } from '../../util/errors.js';

export const CONFIG_SOURCE = 'kubernetes.io/config.source';
export const CONFIG_HASH = 'kubernetes.io/config.hash';
export const CONFIG_MIRROR = 'kubernetes.io/config.mirror';
export const CONFIG_SEEN = 'kubernetes.io/config.seen';

/** Parses and completes one manifest; throws with the file's name on anything that is not a Pod. */
export function staticPodFrom(text: string, file: string, nodeName: string): Pod {
  let obj: unknown;
  try {
    obj = parseYaml(text, { maxAliasCount: 100 });
  } catch (e) {
    throw new Error(`${file}: ${errorText(e)}`);
  }
  const pod = obj as Pod;
  if (!pod || typeof pod !== 'object' || pod.kind !== 'Pod' || pod.apiVersion !== 'v1') throw new Error(`${file}: not a v1 Pod`);
  if (!pod.metadata?.name) throw new Error(`${file}: metadata.name is required`);
  if (!pod.spec?.containers?.length) throw new Error(`${file}: spec.containers is required`);
  const copy = defaultObject(structuredClone(pod));
  const namespace = copy.metadata?.namespace || 'default';
  const hash = createHash('md5').update(JSON.stringify(pod)).update(nodeName).update(file).digest('hex');
  copy.metadata = {
    ...copy.metadata,
    name: `${pod.metadata.name}-${nodeName}`,
    namespace,
    uid: hash,
    annotations: { ...(copy.metadata?.annotations ?? {}), [CONFIG_SOURCE]: 'file', [CONFIG_HASH]: hash, [CONFIG_SEEN]: new Date().toISOString() },
  };
  copy.spec = {
    ...copy.spec!,
    nodeName,
    // Static pods tolerate every NoExecute taint: the node's own problems must not evict them.
    tolerations: [...(copy.spec?.tolerations ?? []), { operator: 'Exists', effect: 'NoExecute' }],
  };
  copy.status = { phase: 'Pending' };
  return copy;
}

/** Reads the folder; bad files are logged and skipped (as the kubelet does), never fatal. */
export function readStaticPods(dir: string, nodeName: string, log: Logger): Pod[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const pods: Pod[] = [];
  for (const name of names.sort()) {
    if (name.startsWith('.')) continue;
    const file = join(dir, name);
    try {
      if (!statSync(file).isFile()) continue;
      pods.push(staticPodFrom(readFileSync(file, 'utf8'), file, nodeName));
    } catch (e) {
      log.warn('skipping static pod manifest', { file, error: errorText(e) });
    }
  }
  return pods;
}

/** Watches the folder (and polls every 20 s, as the kubelet's file source) and reports the full set on change. */
export function watchStaticPods(o: { dir: string; nodeName: string; log: Logger; onChange: (pods: Pod[]) => void }, signal: AbortSignal): void {
  let last = '';
  const scan = () => {
    const pods = readStaticPods(o.dir, o.nodeName, o.log);
    const key = pods.map((p) => p.metadata!.uid).join(',');
    if (key === last) return;
    last = key;
    o.onChange(pods);
  };
  scan();
  let watcher: FSWatcher | undefined;
  try {
    watcher = watch(o.dir, () => scan());
  } catch {
    /* the folder may appear later: polling finds it */
  }
  const timer = setInterval(scan, 20_000);
  signal.addEventListener('abort', () => {
    clearInterval(timer);
    watcher?.close();
  }, { once: true });
}
