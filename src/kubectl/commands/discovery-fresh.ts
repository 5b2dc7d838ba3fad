/**
 * Discovery read fresh from the server, for the verbs kubectl runs with an invalidated cache
 * (api-resources without --cached, api-versions): the cache file is rewritten with what was read.
 */
import { DiscoveryMapper, discoveryCachePath } from '../discovery.js';
import type { Factory, RestMapper } from '../types.js';

/** The factory's mapper when `cached`, else a mapper built from a new discovery round trip. */
export async function freshMapper(factory: Factory, cached = false): Promise<RestMapper> {
  if (cached) return factory.mapper();
  // The lead's factory exposes its cache directory; without it, nothing is cached.
  const cacheDir = (factory as Factory & { cacheDir?: () => string }).cacheDir?.();
  const path = cacheDir ? discoveryCachePath(cacheDir, factory.clientConfig().server) : undefined;
  return DiscoveryMapper.load(factory.client(), path, { noCache: true });
}
