/** `k8ts images`: build the example images, push them or an archive into the local registry, list it. */
import { join } from 'node:path';
import { buildImages, defaultCacheDir, type BuildProgress } from '../kubelet/images/build.js';
import { catalog, tags, type PushProgress } from '../kubelet/images/client.js';
import { importArchive } from '../kubelet/images/import.js';
import { ensureImages, ensureRegistry, type ImageProgress, type RegistryHandle } from '../kubelet/images/registry.js';
import { createLogger, type Logger } from '../util/log.js';
import { defaultDataDir, parse, shutdownSignal, UsageError } from './flags.js';

export const usage = `Usage: k8ts images <build|push|import|list> [flags]

Images without the internet: the example images (busybox, nginx, redis, the flask demo 1.0/2.0,
pause) are built from this machine's Debian packages and served by a local registry that
containerd mirrors docker.io and registry.k8s.io to.

  build                     build the example images into the cache
  push                      start (or reuse) the registry and push every example image to it
  import FILE.tar           push an OCI archive or a 'docker save' archive into the registry
  list                      list repository:tag pairs in the registry

Flags:
  --cache-dir DIR           image cache (default ${defaultCacheDir()}; env K8TS_IMAGE_CACHE)
  --only NAME[,NAME...]     build/push only these recipes (busybox, nginx, redis, flask-demo-1.0, ...)
  --registry URL            use this registry instead of starting one (e.g. http://127.0.0.1:5000)
  --registry-address HOST:PORT  where to start the registry (default 127.0.0.1:5000)
  --data-dir DIR            the registry stores under DIR/registry (default ${defaultDataDir()})
  --name NAME               import: the name to give the image (e.g. myapp:1.0)
  -v, --verbose             also print the builder's log lines`;

const mb = (n: number) => (n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : n >= 1e3 ? `${(n / 1e3).toFixed(1)} kB` : `${n} B`);
const short = (d: string) => d.slice(0, 19);

function printProgress(e: ImageProgress | BuildProgress | PushProgress): void {
  switch (e.phase) {
    case 'layer':
      console.log(`  ${e.image} layer ${e.layer}/${e.of}: ${e.cached ? 'cached' : 'built'} ${mb(e.bytes)}${e.cached ? '' : ` in ${e.ms} ms`}`);
      break;
    case 'image':
      console.log(`${e.image.name.padEnd(15)} ${e.image.cached ? 'cached' : 'built '} ${mb(e.image.size).padStart(8)} ${String(e.image.ms).padStart(6)} ms  ${e.image.manifest.digest}`);
      break;
    case 'push':
      console.log(`  ${e.repo} ${e.kind} ${short(e.digest)} ${e.skipped ? `exists (${mb(e.total)})` : `pushed ${e.bytes} bytes`}`);
      break;
    case 'present':
      console.log(`${e.image.padEnd(15)} up to date in the registry as ${e.reference} (${short(e.digest)})`);
      break;
  }
}

async function withRegistry<T>(values: { registry?: string; 'registry-address'?: string; 'data-dir'?: string }, log: Logger, fn: (url: string) => Promise<T>): Promise<T> {
  if (values.registry) return fn(values.registry.replace(/\/+$/, ''));
  const reg: RegistryHandle = await ensureRegistry(
    { address: values['registry-address'], storageDir: join(values['data-dir'] ?? defaultDataDir(), 'registry'), log },
    shutdownSignal(),
  );
  try {
    return await fn(reg.url);
  } finally {
    await reg.stop();
  }
}

/** Entry point: flags to function calls, nothing more. */
export async function main(args: string[]): Promise<void> {
  const { values, positionals } = parse(args, {
    'cache-dir': { type: 'string' },
    only: { type: 'string' },
    registry: { type: 'string' },
    'registry-address': { type: 'string' },
    'data-dir': { type: 'string' },
    name: { type: 'string' },
    verbose: { type: 'boolean', short: 'v' },
    help: { type: 'boolean', short: 'h' },
  });
  const [verb, ...rest] = positionals;
  if (values.help || !verb) {
    console.log(usage);
    if (!verb && !values.help) throw new UsageError('missing subcommand');
    return;
  }
  const full = createLogger('images');
  const log: Logger = values.verbose ? full : { info: () => undefined, warn: (m, f) => full.warn(m, f), error: (m, f) => full.error(m, f) };
  const cacheDir = values['cache-dir'];
  const only = values.only?.split(',').filter(Boolean);
  const started = Date.now();
  switch (verb) {
    case 'build': {
      const imgs = await buildImages({ cacheDir, only, log, onProgress: printProgress });
      console.log(`${imgs.length} images in ${cacheDir ?? defaultCacheDir()} (${Date.now() - started} ms)`);
      return;
    }
    case 'push':
      await withRegistry(values, log, (url) => ensureImages({ registryUrl: url, cacheDir, only, log, onProgress: printProgress }));
      console.log(`done in ${Date.now() - started} ms`);
      return;
    case 'import': {
      const [file] = rest;
      if (!file || rest.length > 1) throw new UsageError('import takes one archive file');
      const done = await withRegistry(values, log, (url) => importArchive(file, { registryUrl: url, name: values.name, onProgress: printProgress }));
      for (const i of done) console.log(`imported ${i.reference} as ${i.repo}:${i.tag} (${i.digest})`);
      return;
    }
    case 'list':
      await withRegistry(values, log, async (url) => {
        for (const repo of await catalog(url)) for (const t of (await tags(url, repo)).sort()) console.log(`${repo}:${t}`);
      });
      return;
    default:
      throw new UsageError(`unknown subcommand "${verb}"`);
  }
}
