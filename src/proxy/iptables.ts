/**
 * The iptables backend (iptables-nft from Debian): each sync is one `iptables-restore --noflush`
 * transaction, so the kernel switches from the old rules to the new ones at once and a restart
 * of the proxy rewrites its chains in place without a moment with no rules. Rules stay in the
 * kernel when the proxy exits; `cleanup()` removes them.
 */
import type { Logger } from '../util/log.js';
import { clearStaleUdp } from './conntrack.js';
import { baseJumps, buildRestore } from './iptables/rules.js';
import { ensureLink, LoadBalancerAddresses, removeLink } from './link.js';
import type { NodeNetwork, ProxyBackend, ProxySnapshot, SyncRequest } from './model.js';

type Chains = { nat: Set<string>; filter: Set<string> };

const JUMP_CHECK_PERIOD_MS = 60_000;

/** Kernel settings the rules rely on: forwarding, bridged traffic through iptables, NodePorts on 127.0.0.1. */
export const PROXY_SYSCTLS = ['net.ipv4.ip_forward=1', 'net.bridge.bridge-nf-call-iptables=1', 'net.ipv4.conf.all.route_localnet=1'] as const;

export async function applySysctls(net: NodeNetwork, logger: Logger): Promise<void> {
  for (const kv of PROXY_SYSCTLS) {
    const r = await net.exec('sysctl', ['-q', '-w', kv]);
    if (r.code !== 0) logger.warn('sysctl failed', { setting: kv, error: r.stderr.trim() });
  }
}

export class IptablesBackend implements ProxyBackend {
  readonly mode = 'iptables' as const;
  readonly #net: NodeNetwork;
  readonly #log: Logger;
  /** Our chains as the kernel has them after the last successful sync (undefined: read it). */
  #chains: Chains | undefined;
  #prepared = false;
  #last: ProxySnapshot | undefined;
  readonly #lbAddresses: LoadBalancerAddresses;
  /** When the built-in chains' jumps to ours were last checked (ms). */
  #jumpsCheckedAt = 0;
  /** Rules written by the last sync (for the bench and metrics). */
  lastRules = 0;

  constructor(o: { net: NodeNetwork; logger: Logger }) {
    this.#net = o.net;
    this.#log = o.logger;
    this.#lbAddresses = new LoadBalancerAddresses(o.net);
  }

  async #iptables(args: string[]) {
    return this.#net.exec('iptables', ['-w', '5', ...args]);
  }

  /** Our chains in the kernel now, by table. */
  async #readChains(): Promise<Chains> {
    const out: Chains = { nat: new Set(), filter: new Set() };
    for (const table of ['nat', 'filter'] as const) {
      const r = await this.#net.exec('iptables-save', ['-t', table]);
      if (r.code !== 0) throw new Error(`iptables-save -t ${table}: ${r.stderr.trim()}`);
      for (const m of r.stdout.matchAll(/^:(\S+) /gm)) if (m[1]?.startsWith(`${this.#net.prefix}-`)) out[table].add(m[1]);
    }
    return out;
  }

  /**
   * Puts back jumps from the built-in chains that a firewall reload flushed: on every full sync,
   * else at most once a minute (each `iptables -C` reads the whole ruleset, costly with many Services).
   */
  async #ensureJumps(full: boolean): Promise<void> {
    if (!full && Date.now() - this.#jumpsCheckedAt < JUMP_CHECK_PERIOD_MS) return;
    this.#jumpsCheckedAt = Date.now();
    for (const j of baseJumps(this.#net.prefix)) {
      if ((await this.#iptables(['-t', j.table, '-C', j.chain, ...j.args])).code === 0) continue;
      const r = await this.#iptables(['-t', j.table, '-I', j.chain, '1', ...j.args]);
      if (r.code !== 0) throw new Error(`iptables -t ${j.table} -I ${j.chain}: ${r.stderr.trim()}`);
    }
  }

  async sync(req: SyncRequest): Promise<void> {
    const full = req.changed === 'all' || this.#chains === undefined;
    // A full sync also repairs the link and its routes (another proxy's cleanup may have taken them).
    if (!this.#prepared || full) {
      await applySysctls(this.#net, this.#log);
      await ensureLink(this.#net);
      this.#prepared = true;
    }
    // Nothing changed: the kernel already has these rules (rewriting the dispatch chain costs ~1 s at
    // 10,000 Services).
    if (!full && req.changed.size === 0) return this.#ensureJumps(false);
    const existing = full ? await this.#readChains() : (this.#chains as Chains);
    const out = buildRestore({ prefix: this.#net.prefix, clusterCIDR: this.#net.clusterCIDR, snapshot: req.snapshot, changed: full ? 'all' : req.changed, existing });
    const r = await this.#net.exec('iptables-restore', ['--noflush', '-w', '5'], out.script);
    if (r.code !== 0) {
      this.#chains = undefined;
      throw new Error(`iptables-restore failed: ${r.stderr.trim().split('\n').slice(0, 3).join('; ')}`);
    }
    this.#chains = out.chains;
    this.lastRules = out.rules;
    await this.#ensureJumps(full);
    await this.#lbAddresses.sync(req.snapshot, full);
    await clearStaleUdp(this.#net, this.#last, req.snapshot, full ? 'all' : req.changed, this.#log);
    this.#last = req.snapshot;
  }

  close(): Promise<void> {
    return Promise.resolve();
  }

  async cleanup(options: { keepLink?: boolean } = {}): Promise<void> {
    // From the kernel's own listing: jumps into our chains from anywhere (whatever their comment,
    // e.g. written by an older build), then our chains, flushed and deleted in one transaction.
    const mine = `${this.#net.prefix}-`;
    const sections: string[] = [];
    for (const table of ['filter', 'nat'] as const) {
      const r = await this.#net.exec('iptables-save', ['-t', table]);
      if (r.code !== 0) throw new Error(`iptables-save -t ${table}: ${r.stderr.trim()}`);
      const chains = [...r.stdout.matchAll(/^:(\S+) /gm)].map((m) => m[1] ?? '').filter((c) => c.startsWith(mine));
      const jumps = r.stdout.split('\n').filter((l) => l.startsWith('-A ') && !l.startsWith(`-A ${mine}`) && l.includes(` -j ${mine}`));
      if (chains.length === 0 && jumps.length === 0) continue;
      sections.push(`*${table}`, ...jumps.map((l) => `-D ${l.slice(3)}`), ...chains.map((c) => `:${c} - [0:0]`), ...chains.map((c) => `-X ${c}`), 'COMMIT');
    }
    if (sections.length > 0) {
      const r = await this.#net.exec('iptables-restore', ['--noflush', '-w', '5'], sections.join('\n') + '\n');
      if (r.code !== 0) throw new Error(`removing ${this.#net.prefix} chains: ${r.stderr.trim()}`);
    }
    if (!options.keepLink) await removeLink(this.#net);
    this.#chains = undefined;
    this.#prepared = false;
    this.#last = undefined;
    this.#lbAddresses.forget();
    this.#jumpsCheckedAt = 0;
  }
}
