/**
 * Scrapes every node's kubelet Summary API (/stats/summary) once per resolution, as metrics-server
 * does, with the API server's kubelet-client certificate (the kubelets' serving certificates are
 * self-signed and not verified, as for logs and exec), and keeps the samples in MetricsStorage.
 * A node that cannot be reached is skipped with a warning, its samples dropped; requests for
 * metrics never wait on a scrape.
 */
import { Agent, request } from 'node:https';
import type { IncomingMessage } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Node } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import { kubeletAddress } from '../rest/node-proxy.js';
import type { MetricsPoint, MetricsStorage, NodeBatch } from './storage.js';
import { errorText } from '../../util/errors.js';

/** metrics-server's default --metric-resolution. */
export const DEFAULT_RESOLUTION_MS = 15_000;

/** A Summary larger than this is refused (a kubelet with thousands of pods stays far below it). */
const MAX_SUMMARY_BYTES = 32 * 1024 * 1024;

export interface ScraperOptions {
  storage: MetricsStorage;
  /** The nodes to scrape, from the watch cache. */
  nodes: () => Node[];
  /** The API server's client certificate for kubelets. */
  clientCert: { certPem: string; keyPem: string };
  resolutionMs: number;
  /** Per-kubelet request timeout (default 90% of the resolution, at most 10 s). */
  timeoutMs?: number;
  log: Logger;
  now?: () => number;
}

/** The parts of a kubelet Summary the scraper reads (see the kubelet's server/stats.ts). */
interface SummaryCpu { usageNanoCores?: number; usageCoreNanoSeconds?: number }
interface SummaryMemory { workingSetBytes?: number }
interface SummaryDoc {
  node?: { startTime?: string; cpu?: SummaryCpu; memory?: SummaryMemory };
  pods?: { podRef?: { name?: string; namespace?: string }; startTime?: string; containers?: { name?: string; startTime?: string; cpu?: SummaryCpu; memory?: SummaryMemory }[] }[];
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
const ms = (t: string | undefined): number => {
  const v = t ? Date.parse(t) : NaN;
  return Number.isNaN(v) ? 0 : v;
};

/** A sample from a Summary entry; undefined without a working set or any CPU figure (as metrics-server drops it). */
function point(start: string | undefined, cpu: SummaryCpu | undefined, memory: SummaryMemory | undefined, timestampMs: number): MetricsPoint | undefined {
  const memoryBytes = num(memory?.workingSetBytes);
  const cumulativeCpuNs = num(cpu?.usageCoreNanoSeconds);
  const usageNanoCores = num(cpu?.usageNanoCores);
  if (memoryBytes === undefined || (cumulativeCpuNs === undefined && usageNanoCores === undefined)) return undefined;
  return { startMs: ms(start), timestampMs, cumulativeCpuNs, usageNanoCores, memoryBytes };
}

/**
 * A kubelet Summary as samples taken at `timestampMs`. The scraper's clock, not the Summary's
 * times, stamps them: those are whole seconds, which over a 15 s window would be a 7% error.
 * A pod is kept only when every container it reports has a sample.
 */
export function decodeSummary(doc: SummaryDoc, timestampMs: number): NodeBatch {
  const batch: NodeBatch = { node: point(doc.node?.startTime, doc.node?.cpu, doc.node?.memory, timestampMs), pods: new Map() };
  for (const pod of doc.pods ?? []) {
    const name = pod.podRef?.name;
    const namespace = pod.podRef?.namespace;
    if (!name || !namespace) continue;
    const containers = new Map<string, MetricsPoint>();
    let complete = true;
    for (const c of pod.containers ?? []) {
      const p = c.name ? point(c.startTime ?? pod.startTime, c.cpu, c.memory, timestampMs) : undefined;
      if (!p || !c.name) {
        complete = false;
        break;
      }
      containers.set(c.name, p);
    }
    if (complete && containers.size > 0) batch.pods.set(`${namespace}/${name}`, containers);
  }
  return batch;
}

export class MetricsScraper {
  readonly #o: ScraperOptions;
  /** Keep-alive connections to the kubelets, reused scrape after scrape. */
  readonly #agent = new Agent({ keepAlive: true, maxSockets: 2 });
  /** Nodes whose last scrape failed (warned about once, until they answer again). */
  readonly #failing = new Set<string>();

  constructor(o: ScraperOptions) {
    this.#o = o;
  }

  /** Scrapes every node once, in parallel; resolves when all have answered or failed. */
  async scrapeOnce(signal?: AbortSignal): Promise<void> {
    const { storage, log } = this.#o;
    // A node that reports kubelet port 0 has no kubelet API (hollow nodes): dialing the default
    // port instead would hold a socket for the whole timeout, thousands of them per round at scale.
    const nodes = this.#o.nodes().filter((n) => n.status?.daemonEndpoints?.kubeletEndpoint?.Port !== 0);
    const names = new Set(nodes.map((n) => n.metadata?.name ?? ''));
    for (const gone of storage.nodes()) if (!names.has(gone)) storage.forget(gone);
    await Promise.all(
      nodes.map(async (node) => {
        const name = node.metadata?.name ?? '';
        if (!name) return;
        const started = (this.#o.now ?? Date.now)();
        try {
          const doc = await this.#fetch(node, signal);
          storage.store(name, decodeSummary(doc, started));
          if (this.#failing.delete(name)) log.info('metrics: kubelet answers again', { node: name });
        } catch (e) {
          storage.forget(name);
          if (signal?.aborted) return;
          if (!this.#failing.has(name)) log.warn('metrics: cannot scrape kubelet; skipping node', { node: name, error: errorText(e) });
          this.#failing.add(name);
        }
      }),
    );
  }

  /** Scrapes every resolution until `signal` aborts; resolves once the last scrape has ended. */
  async run(signal: AbortSignal): Promise<void> {
    try {
      while (!signal.aborted) {
        await this.scrapeOnce(signal).catch((e: unknown) => this.#o.log.warn('metrics: scrape failed', { error: errorText(e) }));
        await sleep(this.#o.resolutionMs, undefined, { signal }).catch(() => undefined);
      }
    } finally {
      this.#agent.destroy();
    }
  }

  #fetch(node: Node, signal?: AbortSignal): Promise<SummaryDoc> {
    const { host, port } = kubeletAddress(node);
    const timeout = this.#o.timeoutMs ?? Math.min(10_000, Math.floor(this.#o.resolutionMs * 0.9));
    const cert = this.#o.clientCert;
    return new Promise<SummaryDoc>((resolve, reject) => {
      const req = request({ host, port, path: '/stats/summary', method: 'GET', cert: cert.certPem, key: cert.keyPem, rejectUnauthorized: false, agent: this.#agent, signal, headers: { Accept: 'application/json' } });
      req.setTimeout(timeout, () => req.destroy(new Error(`Get "https://${host}:${port}/stats/summary": context deadline exceeded`)));
      req.on('error', reject);
      req.on('response', (res: IncomingMessage) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_SUMMARY_BYTES) res.destroy(new Error(`summary from ${host}:${port} exceeds ${MAX_SUMMARY_BYTES} bytes`));
          else chunks.push(c);
        });
        res.on('error', reject);
        res.on('end', () => {
          if (res.statusCode !== 200) return reject(new Error(`request failed, status: ${res.statusCode ?? 0} ${Buffer.concat(chunks).toString('utf8').slice(0, 200).trim()}`));
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')) as SummaryDoc);
          } catch (e) {
            reject(new Error(`malformed summary from ${host}:${port}: ${errorText(e)}`));
          }
        });
      });
      req.end();
    });
  }
}
