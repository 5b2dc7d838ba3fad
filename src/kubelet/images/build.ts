/**
 * Builds the example images from their recipes into the image cache. Each layer is keyed by its
 * inputs (recipe text, installed package versions, source contents) and built only when that key is
 * not cached; each image is keyed by its layer keys and config, so an unchanged machine rebuilds
 * nothing and answers from a few small reads.
 */
import { join } from 'node:path';
import type { Logger } from '../../util/log.js';
import { readDpkgDb, type DpkgDb } from './dpkg.js';
import { planLayer, toTarEntries } from './layers.js';
import { defaultRecipesDir, loadRecipes, type Recipe } from './recipe.js';
import { ANNOTATION, ImageStore, MEDIA, sha256Digest, type Descriptor, type LayerBlob, type OciManifest } from './store.js';

/** Bump when the builder changes what it produces for the same inputs. */
export const BUILDER_VERSION = 'k8ts-images/1';

/** Default cache: /var/cache/k8ts/images as root, else ~/.cache/k8ts/images; K8TS_IMAGE_CACHE wins. */
export function defaultCacheDir(): string {
  if (process.env.K8TS_IMAGE_CACHE) return process.env.K8TS_IMAGE_CACHE;
  if (process.getuid?.() === 0) return '/var/cache/k8ts/images';
  return join(process.env.XDG_CACHE_HOME ?? join(process.env.HOME ?? '/tmp', '.cache'), 'k8ts', 'images');
}

/** One image ready in the cache. */
export interface BuiltImage {
  /** Recipe name, e.g. "nginx". */
  name: string;
  /** Full references, e.g. ["docker.io/library/nginx:latest"]. */
  references: string[];
  /** Descriptor of the OCI manifest in the cache. */
  manifest: Descriptor;
  /** Input key of the whole image (also stored as a manifest annotation). */
  key: string;
  /** Compressed bytes of config + layers. */
  size: number;
  /** True when nothing had to be built. */
  cached: boolean;
  /** Build time in milliseconds (0 when cached). */
  ms: number;
}

export type BuildProgress =
  | { phase: 'layer'; image: string; layer: number; of: number; cached: boolean; bytes: number; ms: number }
  | { phase: 'image'; image: BuiltImage };

export interface BuildOptions {
  /** Image cache (an OCI layout); default {@link defaultCacheDir}. */
  cacheDir?: string;
  /** Recipe directory; default examples/images of this package. */
  recipesDir?: string;
  /** Build only these recipes (by name); default all. */
  only?: string[];
  log: Logger;
  onProgress?: (e: BuildProgress) => void;
  /**
   * Called for an image that cannot be built (e.g. a package is not installed); the image is then
   * left out of the result. Without it, the first failure rejects the whole build.
   */
  onError?: (image: string, err: Error) => void;
}

interface Plan {
  recipe: Recipe;
  layers: ReturnType<typeof planLayer>[];
  key: string;
  configBytes: (diffIds: string[]) => Buffer;
}

function plan(recipe: Recipe, db: DpkgDb): Plan {
  const layers = recipe.layers.map((l) => planLayer(l, recipe, db, BUILDER_VERSION));
  const key = sha256Digest(JSON.stringify({ BUILDER_VERSION, refs: recipe.references, config: recipe.config, layers: layers.map((l) => l.key) })).slice(7);
  const configBytes = (diffIds: string[]) =>
    Buffer.from(
      JSON.stringify({
        architecture: 'amd64',
        os: 'linux',
        config: recipe.config,
        rootfs: { type: 'layers', diff_ids: diffIds },
        history: recipe.layers.map((l, i) => ({ created_by: layers[i]?.describe ?? '', comment: l.comment ?? `k8ts ${BUILDER_VERSION}` })),
      }),
    );
  return { recipe, layers, key, configBytes };
}

/** Computes the input keys of the selected recipes without building anything. */
export function planImages(o: { recipesDir?: string; only?: string[] } = {}): ({ recipe: Recipe; key: string } | { recipe: Recipe; error: Error })[] {
  const db = readDpkgDb();
  return select(loadRecipes(o.recipesDir ?? defaultRecipesDir()), o.only).map((recipe) => {
    try {
      return { recipe, key: plan(recipe, db).key };
    } catch (e) {
      return { recipe, error: e instanceof Error ? e : new Error(String(e)) };
    }
  });
}

function select(recipes: Recipe[], only?: string[]): Recipe[] {
  if (!only) return recipes;
  const unknown = only.filter((n) => !recipes.some((r) => r.name === n));
  if (unknown.length) throw new Error(`no image recipe named ${unknown.join(', ')} (have: ${recipes.map((r) => r.name).join(', ')})`);
  return recipes.filter((r) => only.includes(r.name));
}

async function buildLayer(store: ImageStore, p: Plan, i: number, o: BuildOptions): Promise<LayerBlob> {
  const layer = p.layers[i];
  if (!layer) throw new Error(`layer ${i} missing`);
  const started = Date.now();
  const hit = store.layerByKey(layer.key);
  if (hit) {
    o.onProgress?.({ phase: 'layer', image: p.recipe.name, layer: i + 1, of: p.layers.length, cached: true, bytes: hit.size, ms: 0 });
    return hit;
  }
  const blob = await store.writeLayer(toTarEntries(await layer.entries()));
  const { tarSize: _tarSize, ...stored } = blob;
  store.rememberLayer(layer.key, stored);
  const ms = Date.now() - started;
  o.onProgress?.({ phase: 'layer', image: p.recipe.name, layer: i + 1, of: p.layers.length, cached: false, bytes: blob.size, ms });
  o.log.info('built layer', { image: p.recipe.name, layer: i + 1, digest: blob.digest, bytes: blob.size, tarBytes: blob.tarSize, ms });
  return stored;
}

async function buildOne(store: ImageStore, p: Plan, o: BuildOptions, inflight: Map<string, Promise<LayerBlob>>): Promise<BuiltImage> {
  const started = Date.now();
  const { recipe, key } = p;
  const hit = store.lookup(recipe.references[0] ?? '', key);
  if (hit) {
    const m = JSON.parse(store.read(hit.digest).toString('utf8')) as OciManifest;
    const size = [m.config, ...m.layers].reduce((s, d) => s + d.size, 0);
    return { name: recipe.name, references: recipe.references, manifest: { mediaType: MEDIA.manifest, digest: hit.digest, size: hit.size }, key, size, cached: true, ms: 0 };
  }
  const blobs: LayerBlob[] = [];
  for (let i = 0; i < p.layers.length; i++) {
    const k = p.layers[i]?.key ?? '';
    let pending = inflight.get(k);
    if (!pending) {
      pending = buildLayer(store, p, i, o);
      inflight.set(k, pending);
    }
    blobs.push(await pending);
  }
  const config = store.put(p.configBytes(blobs.map((b) => b.diffId)), MEDIA.config);
  const manifest: OciManifest = {
    schemaVersion: 2,
    mediaType: MEDIA.manifest,
    config,
    layers: blobs.map((b) => ({ mediaType: MEDIA.layerGzip, digest: b.digest, size: b.size })),
    annotations: { [ANNOTATION.key]: key, [ANNOTATION.recipe]: recipe.name },
  };
  const desc = store.put(Buffer.from(JSON.stringify(manifest)), MEDIA.manifest);
  store.tag(desc, recipe.references, key);
  const size = config.size + blobs.reduce((s, b) => s + b.size, 0);
  return { name: recipe.name, references: recipe.references, manifest: desc, key, size, cached: false, ms: Date.now() - started };
}

/**
 * Builds every selected recipe that is not already in the cache and returns all of them.
 * Two images build at a time (gzip runs on libuv's thread pool, so this keeps two cores busy);
 * a layer that two images share (the Debian base, the flask demos' packages) is built once.
 */
export async function buildImages(o: BuildOptions): Promise<BuiltImage[]> {
  const recipes = select(loadRecipes(o.recipesDir ?? defaultRecipesDir()), o.only);
  const store = new ImageStore(o.cacheDir ?? defaultCacheDir());
  const db = readDpkgDb();
  const failed = (name: string, e: unknown) => {
    const err = e instanceof Error ? e : new Error(String(e));
    if (!o.onError) throw new Error(`image ${name}: ${err.message}`, { cause: err });
    o.onError(name, err);
  };
  const plans: Plan[] = [];
  for (const r of recipes) {
    try {
      plans.push(plan(r, db));
    } catch (e) {
      failed(r.name, e);
    }
  }
  const inflight = new Map<string, Promise<LayerBlob>>();
  const results: (BuiltImage | undefined)[] = [];
  let next = 0;
  const worker = async () => {
    for (let i = next++; i < plans.length; i = next++) {
      const p = plans[i] as Plan;
      try {
        const img = await buildOne(store, p, o, inflight);
        results[i] = img;
        o.onProgress?.({ phase: 'image', image: img });
        if (!img.cached) o.log.info('built image', { image: p.recipe.name, digest: img.manifest.digest, bytes: img.size, ms: img.ms });
      } catch (e) {
        failed(p.recipe.name, e);
      }
    }
  };
  await Promise.all([worker(), worker()]);
  return results.filter((r): r is BuiltImage => r !== undefined);
}
