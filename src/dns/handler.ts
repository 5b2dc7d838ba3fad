/**
 * One query in, one response out: parse, answer from the resolver or forward upstream, encode to
 * fit the transport. Every path ends in a response (FORMERR, NOTIMP, REFUSED, SERVFAIL for
 * failures), except bytes that are not a query at all, which are dropped. Recursion (forwarding,
 * chasing an ExternalName outside) is only for clients the recursion policy allows; the
 * cluster zone answers everyone.
 */
import type { Answer } from 'dns-packet';
import { randomInt } from 'node:crypto';
import type { Forwarder } from './forward.js';
import type { RecursionPolicy } from './recursion.js';
import { Rcode, type Authoritative, type Resolver } from './resolve.js';
import { encodeQuery, encodeResponse, parseQuery, readResponse, udpLimit } from './wire.js';

/** Options of a {@link DnsHandler}. */
export interface DnsHandlerOptions {
  resolver: Resolver;
  forwarder: Forwarder;
  /** Who may recurse; absent: everyone. */
  recursion?: RecursionPolicy;
}

/** An answer of ours, possibly completed from upstream, and whether that completion came truncated. */
type Completed = Authoritative & { truncated?: boolean };

/** Answers raw queries. */
export class DnsHandler {
  readonly #resolver: Resolver;
  readonly #forwarder: Forwarder;
  readonly #recursion: RecursionPolicy | undefined;

  constructor(o: DnsHandlerOptions) {
    this.#resolver = o.resolver;
    this.#forwarder = o.forwarder;
    this.#recursion = o.recursion;
  }

  /** The response to `msg` received over `transport` from `client` (its IP); undefined to stay silent. */
  async handle(msg: Buffer, transport: 'udp' | 'tcp', client?: string): Promise<Buffer | undefined> {
    const q = parseQuery(msg);
    if (!q) return undefined;
    if ('malformed' in q) return encodeResponse({ id: q.id, opcode: q.opcode, rd: false }, { rcode: Rcode.FORMERR });
    if (q.opcode !== 0) return encodeResponse(q, { rcode: Rcode.NOTIMP });
    if (!q.question) return encodeResponse(q, { rcode: Rcode.FORMERR });
    const limit = transport === 'udp' ? udpLimit(q) : undefined;
    const mayRecurse = () => this.#recursion?.allows(client) ?? true;
    const res = this.#resolver.resolve(q.question);
    if (res.kind === 'forward') {
      // RA clear too: this client gets no recursion here (what BIND says under allow-recursion).
      if (!mayRecurse()) return encodeResponse(q, { rcode: Rcode.REFUSED, recursionAvailable: false });
      const reply = await this.#forwarder.forward(msg, transport);
      return reply ?? encodeResponse(q, { rcode: Rcode.SERVFAIL });
    }
    if ((q.question.class ?? 'IN') !== 'IN') return encodeResponse(q, { rcode: Rcode.REFUSED });
    // A client that may not recurse still gets the ExternalName's CNAME (cluster data), unchased,
    // as from an authoritative-only server; its own query for the target is then refused.
    const answer: Completed = res.chase && mayRecurse() ? await this.#chase(res, transport) : res;
    return encodeResponse(q, { ...answer, authoritative: true }, limit);
  }

  /**
   * An ExternalName pointing outside the cluster: append the target's records from upstream, as
   * CoreDNS does, because stub resolvers (glibc) do not chase a lone CNAME themselves. A truncated
   * upstream answer is asked again over TCP; if that fails too, our answer carries TC on, rather
   * than presenting part of the target's records as the whole.
   */
  async #chase(res: Authoritative, transport: 'udp' | 'tcp'): Promise<Completed> {
    if (!res.chase) return res;
    const query = encodeQuery(randomInt(0x10000), res.chase);
    let reply = await this.#forwarder.forward(query, transport);
    let r = reply ? readResponse(reply) : undefined;
    if (r?.truncated && transport === 'udp') {
      reply = await this.#forwarder.forward(query, 'tcp');
      r = reply ? readResponse(reply) : r;
    }
    if (!r) return res;
    if (r.truncated) return { ...res, truncated: true };
    const extra: Answer[] = r.answers.filter((a) => a.type !== 'OPT');
    return { ...res, rcode: r.rcode, answers: [...res.answers, ...extra], authorities: extra.length ? [] : res.authorities };
  }
}
