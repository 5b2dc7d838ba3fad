import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Node } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import { MetricsScraper } from './scraper.js';
import { MetricsStorage } from './storage.js';

const node = (name: string, port: number | undefined): Node => ({
  metadata: { name },
  status: { addresses: [{ type: 'InternalIP', address: `${name}.invalid` }], ...(port === undefined ? {} : { daemonEndpoints: { kubeletEndpoint: { Port: port } } }) },
});

// Port 0 (hollow nodes) means "no kubelet API": never dial it (a dial would fall back to 10250).
test('scrapeOnce: nodes reporting kubelet port 0 are not dialled; others are', async () => {
  const warned: string[] = [];
  const log: Logger = { info: () => {}, warn: (_m, f) => warned.push(String(f?.['node'])), error: () => {} };
  const scraper = new MetricsScraper({
    storage: new MetricsStorage(15_000),
    nodes: () => [node('hollow-0', 0), node('real', 10250)],
    clientCert: { certPem: '', keyPem: '' },
    resolutionMs: 15_000,
    timeoutMs: 5_000,
    log,
  });
  await scraper.scrapeOnce();
  assert.deepEqual(warned, ['real']);
});
