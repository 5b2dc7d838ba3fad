/**
 * The authoritative answer to one question, from the record index: service, endpoint, SRV and
 * PTR records, pod records computed from the name ("pods insecure", as kube-dns), ExternalName
 * CNAMEs, NXDOMAIN/NODATA with the zone's SOA in authority. Names the cluster does not own are
 * handed back as `forward` (the server sends them upstream). No I/O.
 */
import { isIP } from 'node:net';
import type { Answer, Question, SoaAnswer } from 'dns-packet';
import { inCidr4 as inCidr } from '../util/net.js';
import { addressOfReverse, canonical, inZone, isReverse, labelsAbove, undashed } from './names.js';
import type { RecordIndex } from './record-index.js';
import type { DnsRecord } from './records.js';

/** DNS response codes used here. */
export const Rcode = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;

/** An answer of ours; `chase` asks the server to resolve an ExternalName's outside target upstream and append it. */
export interface Authoritative {
  kind: 'answer';
  rcode: number;
  answers: Answer[];
  authorities: Answer[];
  additionals: Answer[];
  chase?: Question;
}

/** What to do with a question. */
export type Resolution = Authoritative | { kind: 'forward' };

/** Options of a {@link Resolver}. */
export interface ResolverOptions {
  index: RecordIndex;
  /** TTL of every record (default 5 s, as CoreDNS's kubernetes plugin). */
  ttl?: number;
  /** SOA serial (default: the time of construction, in seconds). */
  serial?: number;
  /** IPv4 CIDRs whose reverse names we own: unknown ones answer NXDOMAIN instead of going upstream. */
  reverseCidrs?: readonly string[];
}

const MAX_CHAIN = 8;

/** dns-packet's RecordType leaves out ANY (and decodes unknown types as UNKNOWN_n), so compare as strings. */
const typeMatches = (q: Question, type: string): boolean => {
  const asked: string = q.type;
  return asked === type || asked === 'ANY';
};

/** Answers questions from one index. */
export class Resolver {
  readonly #index: RecordIndex;
  readonly #zone: string;
  readonly #ttl: number;
  readonly #soa: SoaAnswer;
  readonly #reverseCidrs: readonly string[];

  constructor(o: ResolverOptions) {
    this.#index = o.index;
    this.#zone = o.index.zone;
    this.#ttl = o.ttl ?? 5;
    this.#reverseCidrs = o.reverseCidrs ?? [];
    const z = this.#zone;
    const data = { mname: `ns.dns.${z}`, rname: `hostmaster.${z}`, serial: o.serial ?? Math.floor(Date.now() / 1000), refresh: 7200, retry: 1800, expire: 86400, minimum: this.#ttl };
    this.#soa = { name: z, type: 'SOA', ttl: this.#ttl, class: 'IN', data };
  }

  /** Resolves one question (class IN assumed by the caller). */
  resolve(q: Question): Resolution {
    const name = canonical(q.name);
    if (inZone(name, this.#zone)) return this.#inZone(q, name);
    if (isReverse(name)) return this.#reverse(q, name);
    return { kind: 'forward' };
  }

  #rr(owner: string, r: DnsRecord): Answer {
    return r.type === 'SRV' ? { name: owner, type: 'SRV', ttl: this.#ttl, class: 'IN', data: r.data } : { name: owner, type: r.type, ttl: this.#ttl, class: 'IN', data: r.data };
  }

  #reply(rcode: number, answers: Answer[] = [], additionals: Answer[] = []): Authoritative {
    return { kind: 'answer', rcode, answers, authorities: answers.length ? [] : [this.#soa], additionals };
  }

  #inZone(q: Question, name: string): Authoritative {
    const owner = q.name.replace(/\.$/, '');
    const labels = labelsAbove(name, this.#zone);
    const wants = (t: string) => typeMatches(q, t);
    if (labels.length === 0) {
      const out: Answer[] = [];
      if (wants('SOA')) out.push({ ...this.#soa, name: owner });
      if (wants('NS')) out.push({ name: owner, type: 'NS', ttl: this.#ttl, class: 'IN', data: `ns.dns.${this.#zone}` });
      return this.#reply(Rcode.NOERROR, out);
    }
    if (labels[labels.length - 1] === 'pod') return this.#pod(q, owner, labels);
    if (name === `dns-version.${this.#zone}`) return this.#reply(Rcode.NOERROR, wants('TXT') ? [{ name: owner, type: 'TXT', ttl: this.#ttl, class: 'IN', data: '1.1.0' }] : []);
    if (labels.length === 1 && labels[0] === 'svc') return this.#reply(Rcode.NOERROR);
    return this.#lookup(q, name, owner);
  }

  /** `<a-b-c-d>.<ns>.pod.<zone>` → the address in the first label, with no check that such a pod exists. */
  #pod(q: Question, owner: string, labels: string[]): Authoritative {
    if (labels.length < 3) return this.#reply(Rcode.NOERROR);
    const ip = labels.length === 3 && labels[0] ? undashed(labels[0]) : undefined;
    if (!ip) return this.#reply(Rcode.NXDOMAIN);
    const type = isIP(ip) === 6 ? 'AAAA' : 'A';
    return this.#reply(Rcode.NOERROR, typeMatches(q, type) ? [{ name: owner, type, ttl: this.#ttl, class: 'IN', data: ip }] : []);
  }

  #lookup(q: Question, name: string, owner: string): Authoritative {
    const answers: Answer[] = [];
    let current = name;
    let currentOwner = owner;
    for (let hop = 0; hop < MAX_CHAIN; hop++) {
      const records = this.#index.get(current);
      const cname = records.find((r): r is DnsRecord & { type: 'CNAME' } => r.type === 'CNAME');
      if (cname && q.type !== 'CNAME') {
        answers.push(this.#rr(currentOwner, cname));
        // Follow inside the zone from the index; an outside target is resolved upstream by the server.
        if (!inZone(cname.data, this.#zone)) return { ...this.#reply(Rcode.NOERROR, answers), chase: { name: cname.data, type: q.type } };
        current = currentOwner = cname.data;
        continue;
      }
      const matching = records.filter((r) => typeMatches(q, r.type));
      if (matching.length) {
        answers.push(...matching.map((r) => this.#rr(currentOwner, r)));
        return this.#reply(Rcode.NOERROR, answers, this.#additionals(matching));
      }
      const exists = records.length > 0 || this.#index.exists(current);
      const rcode = exists ? Rcode.NOERROR : Rcode.NXDOMAIN;
      return { kind: 'answer', rcode, answers, authorities: [this.#soa], additionals: [] };
    }
    return this.#reply(Rcode.SERVFAIL, answers);
  }

  /** The addresses of SRV targets, so clients need no second query. */
  #additionals(records: DnsRecord[]): Answer[] {
    const out: Answer[] = [];
    const seen = new Set<string>();
    for (const r of records) {
      if (r.type !== 'SRV' || seen.has(r.data.target)) continue;
      seen.add(r.data.target);
      for (const a of this.#index.get(r.data.target)) if (a.type === 'A' || a.type === 'AAAA') out.push(this.#rr(a.name, a));
    }
    return out;
  }

  #reverse(q: Question, name: string): Resolution {
    const records = this.#index.get(name);
    const owner = q.name.replace(/\.$/, '');
    const soa: SoaAnswer = { ...this.#soa, name: name.endsWith('ip6.arpa') ? 'ip6.arpa' : 'in-addr.arpa' };
    if (records.length) {
      const matching = records.filter((r) => typeMatches(q, r.type)).map((r) => this.#rr(owner, r));
      return { kind: 'answer', rcode: Rcode.NOERROR, answers: matching, authorities: matching.length ? [] : [soa], additionals: [] };
    }
    const ip = addressOfReverse(name);
    if (ip && this.#reverseCidrs.some((c) => inCidr(ip, c))) return { kind: 'answer', rcode: Rcode.NXDOMAIN, answers: [], authorities: [soa], additionals: [] };
    return { kind: 'forward' };
  }
}
