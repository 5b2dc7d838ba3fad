/**
 * The nftables backend: one table, `ip <prefix>`, owned entirely by this proxy and laid out as
 * kube-proxy's nftables mode lays out its own (see nftables/render.ts). Each sync is one
 * `nft -f -` transaction: the whole table on the first sync or after a failure, afterwards only
 * the chains, sets and map elements of the service ports that changed. Rules stay in the kernel
 * when the proxy exits; `cleanup()` deletes the table.
 */
import type { Logger } from '../util/log.js';
import { clearStaleUdp } from './conntrack.js';
import { applySysctls } from './iptables.js';
import { ensureLink, LoadBalancerAddresses, removeLink } from './link.js';
import type { NodeNetwork, ProxyBackend, ProxySnapshot, SyncRequest } from './model.js';
import { renderPort, type PortRules, type RenderContext } from './nftables/render.js';
import { deltaScript, fullScript } from './nftables/script.js';

export class NftablesBackend implements ProxyBackend {
  readonly mode = 'nftables' as const;
  readonly #net: NodeNetwork;
  readonly #log: Logger;
  readonly #table: string;
  readonly #ctx: RenderContext;
  #prepared = false;
  /** Each service port's objects as the kernel has them (undefined: unknown, write the whole table). */
  #programmed: Map<string, PortRules> | undefined;
  /** Which port holds each map element key (`map key`), so two never claim one key. */
  #owners = new Map<string, string>();
  #last: ProxySnapshot | undefined;
  readonly #lbAddresses: LoadBalancerAddresses;
  /** Lines of the last transaction, and whether it wrote the whole table (for the bench and metrics). */
  lastSync = { full: false, lines: 0 };

  constructor(o: { net: NodeNetwork; logger: Logger }) {
    this.#net = o.net;
    this.#log = o.logger;
    this.#table = o.net.prefix.toLowerCase();
    this.#lbAddresses = new LoadBalancerAddresses(o.net);
    this.#ctx = { clusterCIDR: o.net.clusterCIDR, nodeIPs: o.net.nodeIPs };
  }

  /** The table's name (`ip <name>`). */
  get table(): string {
    return this.#table;
  }

  /**
   * Drops the elements whose key another port holds (two Services claiming one external
   * IP:port): the kernel would refuse the whole transaction over one such element.
   */
  #claim(id: string, pr: PortRules, owners: Map<string, string>): PortRules {
    const elements = pr.elements.filter((e) => {
      const key = `${e.map} ${e.key}`;
      const owner = owners.get(key);
      if (owner !== undefined && owner !== id) {
        this.#log.warn('service port address already served by another service port', { port: id, owner, key });
        return false;
      }
      owners.set(key, id);
      return true;
    });
    return elements.length === pr.elements.length ? pr : { ...pr, elements };
  }

  async #nft(script: string): Promise<void> {
    const r = await this.#net.exec('nft', ['-f', '-'], script);
    if (r.code !== 0) throw new Error(`nft -f (table ip ${this.#table}) failed: ${r.stderr.trim().split('\n').slice(0, 4).join('; ')}`);
  }

  async sync(req: SyncRequest): Promise<void> {
    // A full sync also repairs the link and its routes (another proxy's cleanup may have taken them).
    if (!this.#prepared || req.changed === 'all') {
      await applySysctls(this.#net, this.#log);
      await ensureLink(this.#net);
      this.#prepared = true;
    }
    const { snapshot } = req;
    const programmed = this.#programmed;
    const full = req.changed === 'all' || programmed === undefined;
    const next = new Map<string, PortRules>();
    const owners = new Map<string, string>();
    let script: string;
    if (req.changed === 'all' || programmed === undefined) {
      const ids = [...snapshot.services.keys()].sort();
      for (const id of ids) {
        const sp = snapshot.services.get(id);
        if (sp) next.set(id, this.#claim(id, renderPort(sp, snapshot.endpoints.get(id), this.#ctx), owners));
      }
      script = fullScript(this.#table, next.values());
    } else {
      for (const [id, pr] of programmed) next.set(id, pr);
      for (const [key, id] of this.#owners) owners.set(key, id);
      const ids = [...req.changed].sort();
      // Release first: a key may move from one changed port to another in this very sync.
      for (const id of ids) for (const e of programmed.get(id)?.elements ?? []) if (owners.get(`${e.map} ${e.key}`) === id) owners.delete(`${e.map} ${e.key}`);
      const changes: { before: PortRules | undefined; after: PortRules | undefined }[] = [];
      for (const id of ids) {
        const sp = snapshot.services.get(id);
        const after = sp ? this.#claim(id, renderPort(sp, snapshot.endpoints.get(id), this.#ctx), owners) : undefined;
        if (after) next.set(id, after);
        else next.delete(id);
        changes.push({ before: programmed.get(id), after });
      }
      script = deltaScript(this.#table, changes);
    }
    if (script !== '') {
      try {
        await this.#nft(script);
      } catch (e) {
        this.#programmed = undefined; // the next sync writes the whole table
        throw e;
      }
    }
    this.#programmed = next;
    this.#owners = owners;
    this.lastSync = { full, lines: script === '' ? 0 : script.split('\n').length - 1 };

    await this.#lbAddresses.sync(snapshot, full);
    await clearStaleUdp(this.#net, this.#last, snapshot, full ? 'all' : req.changed, this.#log);
    this.#last = snapshot;
  }

  close(): Promise<void> {
    return Promise.resolve(); // nothing runs in user space; the table keeps serving
  }

  async cleanup(options: { keepLink?: boolean } = {}): Promise<void> {
    // `add` first makes the delete succeed whether or not the table exists.
    await this.#nft(`add table ip ${this.#table}\ndelete table ip ${this.#table}\n`);
    if (!options.keepLink) await removeLink(this.#net);
    this.#programmed = undefined;
    this.#owners = new Map();
    this.#prepared = false;
    this.#last = undefined;
    this.#lbAddresses.forget();
  }
}
