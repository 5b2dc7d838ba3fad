/**
 * One query in, one response out: parse, answer from the resolver or forward upstream, encode to
 * fit the transport. Every path ends in a response (FORMERR, NOTIMP, REFUSED, SERVFAIL for
 * failures), except bytes that are not a query at all, which are dropped.
 */
import type { Answer } from 'dns-packet';
import { randomInt } from 'node:crypto';
import type { Forwarder } from './forward.js';
import { Rcode, type Authoritative, type Resolver } from './resolve.js';
import { encodeQuery, encodeResponse, errorResponse, parseQuery, readResponse, udpLimit } from './wire.js';

/** Answers raw queries. */
export class DnsHandler {
  readonly #resolver: Resolver;
  readonly #forwarder: Forwarder;

  constructor(o: { resolver: Resolver; forwarder: Forwarder }) {
    this.#resolver = o.resolver;
    this.#forwarder = o.forwarder;
  }

  /** The response to `msg` as received over `transport`; undefined to stay silent. */
  async handle(msg: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    const q = parseQuery(msg);
    if (!q) return undefined;
    if ('malformed' in q) return errorResponse({ id: q.id, opcode: q.opcode, rd: false }, Rcode.FORMERR);
    if (q.opcode !== 0) return errorResponse(q, Rcode.NOTIMP);
    if (!q.question) return errorResponse(q, Rcode.FORMERR);
    const limit = transport === 'udp' ? udpLimit(q) : undefined;
    const res = this.#resolver.resolve(q.question);
    if (res.kind === 'forward') {
      const reply = await this.#forwarder.forward(msg, transport);
      if (!reply) return errorResponse(q, Rcode.SERVFAIL);
      return reply;
    }
    if ((q.question.class ?? 'IN') !== 'IN') return errorResponse(q, Rcode.REFUSED);
    const answer = res.chase ? await this.#chase(res) : res;
    return encodeResponse(q, { ...answer, authoritative: true }, limit);
  }

  /**
   * An ExternalName pointing outside the cluster: append the target's records from upstream, as
   * CoreDNS does, because stub resolvers (glibc) do not chase a lone CNAME themselves.
   */
  async #chase(res: Authoritative): Promise<Authoritative> {
    if (!res.chase) return res;
    const reply = await this.#forwarder.forward(encodeQuery(randomInt(0x10000), res.chase), 'udp');
    const r = reply ? readResponse(reply) : undefined;
    if (!r) return res;
    const extra: Answer[] = r.answers.filter((a) => a.type !== 'OPT');
    return { ...res, rcode: r.rcode, answers: [...res.answers, ...extra], authorities: extra.length ? [] : res.authorities };
  }
}
