/**
 * The resource metrics pipeline inside the API server (what metrics-server adds to a cluster):
 * registers metrics.k8s.io/v1beta1, scrapes the kubelets in the background and serves the API
 * from the samples. The scrape loop belongs to the caller's signal.
 */
import type { Node } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import type { CacheSet } from '../cache/cache-set.js';
import type { StoredObject } from '../object.js';
import type { Registry, Resource } from '../registry.js';
import { cacheView, MetricsApi } from './api.js';
import { METRICS_RESOURCES } from './resources.js';
import { DEFAULT_RESOLUTION_MS, MetricsScraper } from './scraper.js';
import { MetricsStorage } from './storage.js';

export interface MetricsPipelineOptions {
  registry: Registry;
  caches: CacheSet;
  /** The API server's kubelet-client certificate; without it nothing is scraped (the API serves no items). */
  clientCert?: { certPem: string; keyPem: string };
  /** How often kubelets are scraped (metrics-server's --metric-resolution, default 15 s). */
  resolutionMs?: number;
  log: Logger;
}

export interface MetricsPipeline {
  api: MetricsApi;
  /** Resolves once the scrape loop has ended (after the signal aborts). */
  done: Promise<void>;
}

/** Registers the group, starts scraping and returns the API's handler. */
export function startMetricsPipeline(o: MetricsPipelineOptions, signal: AbortSignal): MetricsPipeline {
  for (const d of METRICS_RESOURCES) if (!o.registry.lookup(d.group, d.version, d.plural)) o.registry.add(d);
  const core = (plural: string): Resource => {
    const r = o.registry.lookup('', 'v1', plural);
    if (!r) throw new Error(`the metrics API needs core ${plural}`);
    return r;
  };
  const view = cacheView({
    nodesResource: core('nodes'),
    podsResource: core('pods'),
    list: (res, prefix) => [...(o.caches.get(res.prefix)?.list(prefix) ?? [])].map(([, obj]): StoredObject => obj),
    get: (res, key) => o.caches.get(res.prefix)?.get(key),
  });
  const resolutionMs = o.resolutionMs ?? DEFAULT_RESOLUTION_MS;
  const storage = new MetricsStorage(resolutionMs);
  const api = new MetricsApi({ view, storage });
  if (!o.clientCert) return { api, done: Promise.resolve() };
  const scraper = new MetricsScraper({ storage, nodes: () => view.nodes() as unknown as Node[], clientCert: o.clientCert, resolutionMs, log: o.log });
  return { api, done: scraper.run(signal) };
}
