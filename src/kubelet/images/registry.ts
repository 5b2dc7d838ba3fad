/**
 * The node's image source without the internet: Debian's docker-registry (distribution 2.8) on
 * loopback, filled with the example images built from this machine's packages. containerd mirrors
 * docker.io and registry.k8s.io to it, so `image: nginx` and the pause image pull from here.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { buildImages, defaultCacheDir, planImages, type BuildProgress } from './build.js';
import { getManifest, hasManifest, httpExchange, pushImage, type PushProgress } from './client.js';
import { layoutBlobs, resolveImage } from './layout.js';
import { parseReference } from './names.js';
import { ANNOTATION, ImageStore } from './store.js';

export interface RegistryOptions {
  /** host:port to serve on; default 127.0.0.1:5000. */
  address?: string;
  /** Where blobs and manifests live; default /var/lib/k8ts/registry. */
  storageDir?: string;
  /** The registry program; default /usr/bin/docker-registry. */
  binary?: string;
  log: Logger;
}

export interface RegistryHandle {
  /** e.g. http://127.0.0.1:5000 */
  url: string;
  /** False when an already running registry is reused (then stop() does nothing). */
  owned: boolean;
  stop(): Promise<void>;
}

const READY_TIMEOUT_MS = 30_000;
const POLL_MS = 25;

/** What answers GET /v2/ at url: a registry (it sends the distribution API header), something else, or nothing. */
export async function probeRegistry(url: string): Promise<'registry' | 'other' | 'none'> {
  try {
    const r = await httpExchange('GET', `${url}/v2/`, { timeoutMs: 2000 });
    return r.headers['docker-distribution-api-version'] === 'registry/2.0' ? 'registry' : 'other';
  } catch {
    return 'none';
  }
}

function configYaml(storageDir: string, address: string): string {
  // JSON is YAML: no quoting rules to get wrong.
  return JSON.stringify(
    {
      version: 0.1,
      log: { level: 'info', formatter: 'text', fields: { service: 'k8ts-registry' } },
      storage: { filesystem: { rootdirectory: join(storageDir, 'data') }, delete: { enabled: true }, cache: { blobdescriptor: 'inmemory' } },
      http: { addr: address, headers: { 'X-Content-Type-Options': ['nosniff'] } },
      health: { storagedriver: { enabled: false } },
    },
    null,
    2,
  );
}

function tail(file: string, lines = 15): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

/**
 * Makes sure a registry answers at `address`: reuses one that already does, else starts
 * docker-registry with a config we write under `storageDir` and waits (polling GET /v2/) until it
 * serves. Our child dies with us: with the kernel's parent-death signal where setpriv exists, and
 * on this process's exit otherwise. Aborting `signal` stops it too.
 */
export async function ensureRegistry(o: RegistryOptions, signal?: AbortSignal): Promise<RegistryHandle> {
  const address = o.address ?? '127.0.0.1:5000';
  const url = `http://${address}`;
  const reuse = (): RegistryHandle => {
    o.log.info('using the registry already running', { url });
    return { url, owned: false, stop: () => Promise.resolve() };
  };
  const found = await probeRegistry(url);
  if (found === 'registry') return reuse();
  if (found === 'other') throw new Error(`${address} is in use by something that is not a registry (GET /v2/ lacks Docker-Distribution-Api-Version)`);

  const storageDir = o.storageDir ?? '/var/lib/k8ts/registry';
  const binary = o.binary ?? '/usr/bin/docker-registry';
  if (!existsSync(binary)) throw new Error(`${binary} not found; apt-get install docker-registry`);
  mkdirSync(storageDir, { recursive: true });
  const config = join(storageDir, 'config.yml');
  writeFileSync(config, configYaml(storageDir, address));
  const logFile = join(storageDir, 'registry.log');
  if (existsSync(logFile)) renameSync(logFile, `${logFile}.1`);
  const out = openSync(logFile, 'a');
  const argv = existsSync('/usr/bin/setpriv') ? ['/usr/bin/setpriv', '--pdeathsig', 'KILL', '--', binary, 'serve', config] : [binary, 'serve', config];
  let child: ChildProcess;
  try {
    child = spawn(argv[0] as string, argv.slice(1), { stdio: ['ignore', out, out] });
  } finally {
    closeSync(out);
  }
  let exited = child.exitCode !== null;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', () => {
      exited = true;
      resolve();
    });
    child.once('error', () => {
      exited = true;
      resolve();
    });
  });
  const killOnExit = () => child.kill('SIGKILL');
  process.once('exit', killOnExit);
  const stop = async () => {
    signal?.removeEventListener('abort', onAbort);
    process.removeListener('exit', killOnExit);
    if (exited) return;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
    await exitedPromise;
    clearTimeout(timer);
  };
  const onAbort = () => void stop();
  signal?.addEventListener('abort', onAbort, { once: true });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (signal?.aborted) {
      await stop();
      throw new Error('registry start aborted');
    }
    if (exited) {
      await stop();
      // Another process may have started one on the same address a moment before us.
      if ((await probeRegistry(url)) === 'registry') return reuse();
      throw new Error(`docker-registry exited before serving ${url}; its log (${logFile}):\n${tail(logFile)}`);
    }
    if ((await probeRegistry(url)) === 'registry') break;
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`docker-registry did not serve ${url} within ${READY_TIMEOUT_MS / 1000}s; its log (${logFile}):\n${tail(logFile)}`);
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  o.log.info('registry serving', { url, pid: child.pid, storage: storageDir, log: logFile });
  return { url, owned: true, stop };
}

/** Progress of {@link ensureImages}: building, pushing, or finding an image already there. */
export type ImageProgress = BuildProgress | PushProgress | { phase: 'present'; image: string; reference: string; digest: string };

export interface EnsureImagesOptions {
  registryUrl: string;
  /** Image cache; default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Recipe directory; default examples/images of this package. */
  recipesDir?: string;
  /** Only these recipes (by name, e.g. ["busybox", "pause"]); default all. */
  only?: string[];
  log: Logger;
  onProgress?: (e: ImageProgress) => void;
}

/** The repository and tag containerd asks a mirror for: the reference's path without its host. */
function target(ref: string): { ref: string; repo: string; tag: string } {
  const r = parseReference(ref);
  return { ref, repo: r.repository, tag: r.tag ?? 'latest' };
}

/** Images a node cannot do without; the others are skipped with a warning when they cannot be built. */
const ESSENTIAL = new Set(['pause']);

/**
 * Makes every built-in image pullable from the registry: `library/busybox:latest`,
 * `library/nginx:latest`, `library/redis:latest`, `xiaopeng163/docker-flask-demo:1.0` and `:2.0`,
 * `pause:3.9`. An image whose inputs did not change and that the registry already holds costs one
 * HEAD (or one small GET when the cache was wiped); the rest are built (cached) and pushed.
 * An image that cannot be built (say python3-flask is not installed) is logged and skipped; only a
 * failure of the pause image, without which no pod starts, rejects.
 */
export async function ensureImages(o: EnsureImagesOptions): Promise<void> {
  const cacheDir = o.cacheDir ?? defaultCacheDir();
  const store = new ImageStore(cacheDir);
  const missing: string[] = [];
  const errors: string[] = [];
  const onError = (image: string, err: Error) => {
    o.log.warn('image not available', { image, error: err.message });
    if (ESSENTIAL.has(image)) errors.push(`${image}: ${err.message}`);
  };
  for (const planned of planImages({ recipesDir: o.recipesDir, only: o.only })) {
    if ('error' in planned) {
      onError(planned.recipe.name, planned.error);
      continue;
    }
    const { recipe, key } = planned;
    let present = true;
    for (const t of recipe.references.map(target)) {
      const cached = store.lookup(t.ref, key);
      let digest: string | undefined;
      if (cached) digest = (await hasManifest(o.registryUrl, t.repo, t.tag)) === cached.digest ? cached.digest : undefined;
      else {
        const m = await getManifest(o.registryUrl, t.repo, t.tag);
        const annotations = m ? (JSON.parse(m.bytes.toString('utf8')) as { annotations?: Record<string, string> }).annotations : undefined;
        digest = annotations?.[ANNOTATION.key] === key ? m?.digest : undefined;
      }
      if (!digest) present = false;
      else o.onProgress?.({ phase: 'present', image: recipe.name, reference: t.ref, digest });
    }
    if (!present) missing.push(recipe.name);
  }
  const built = missing.length ? await buildImages({ cacheDir, recipesDir: o.recipesDir, only: missing, log: o.log, onProgress: o.onProgress, onError }) : [];
  for (const img of built) {
    const pushable = resolveImage(layoutBlobs(cacheDir), img.manifest);
    for (const t of img.references.map(target)) {
      const digest = await pushImage(o.registryUrl, pushable, t.repo, [t.tag], o.onProgress);
      o.log.info('image pushed', { image: img.name, repo: t.repo, tag: t.tag, digest });
    }
  }
  if (errors.length) throw new Error(`essential images could not be built: ${errors.join('; ')}`);
}
