/**
 * The wire side of one exchange, on dns-packet: reading a query (its one question, opcode and
 * EDNS payload size) and writing a response that fits the transport — UDP answers larger than
 * 512 bytes (or the client's EDNS size) first lose their additional records, then keep as many
 * whole answer records as fit, with TC set (RFC 1035 §4.2.1, RFC 6891; as CoreDNS does). A
 * partial answer rather than an empty one: musl before 1.2.4 and busybox never retry over TCP,
 * and with TC set a client that can retry still does.
 */
import * as packet from 'dns-packet';
import type { Answer, Question } from 'dns-packet';

/** A query as the handler needs it. */
export interface Query {
  id: number;
  opcode: number;
  /** Recursion desired (copied into the response). */
  rd: boolean;
  /** Present when the query had exactly one question. */
  question?: Question;
  /** The client's EDNS UDP payload size; undefined without EDNS. */
  ednsSize?: number;
}

/** What a response carries besides the query's header and question. */
export interface ResponseBody {
  rcode: number;
  authoritative?: boolean;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
  /** Set TC even when everything fits (an upstream answer we could only get truncated). */
  truncated?: boolean;
  /** RA; default true. False when refusing recursion to this client. */
  recursionAvailable?: boolean;
}

/** Our advertised EDNS payload size (the DNS Flag Day 2020 value: no fragmentation). */
const EDNS_SIZE = 1232;
const HEADER = 12;

/** Parses a query; undefined when the bytes are not one (too short, or a response: never answer those). */
export function parseQuery(buf: Buffer): Query | { malformed: true; id: number; opcode: number } | undefined {
  if (buf.length < HEADER) return undefined;
  const flags = buf.readUInt16BE(2);
  if (flags & 0x8000) return undefined;
  const id = buf.readUInt16BE(0);
  const opcode = (flags >> 11) & 0xf;
  let decoded: packet.DecodedPacket;
  try {
    decoded = packet.decode(buf);
  } catch {
    return { malformed: true, id, opcode };
  }
  const opt = decoded.additionals?.find((a) => a.type === 'OPT');
  const questions = decoded.questions ?? [];
  return {
    id,
    opcode,
    rd: decoded.flag_rd,
    question: questions.length === 1 ? questions[0] : undefined,
    ednsSize: opt && 'udpPayloadSize' in opt ? opt.udpPayloadSize : undefined,
  };
}

/** The largest UDP response a client takes: 512 bytes, or its EDNS size (bounded by ours). */
export function udpLimit(q: Pick<Query, 'ednsSize'>): number {
  return q.ednsSize === undefined ? 512 : Math.max(512, Math.min(q.ednsSize, EDNS_SIZE));
}

/** dns-packet's per-record codecs, which its type declarations leave out. */
const codec = packet as unknown as {
  answer: { encode(a: Answer): Buffer };
  question: { encode(q: Question, buf: Buffer, offset: number): void; encodingLength(q: Question): number };
  name: { encodingLength(n: string): number };
};

/** Pointer to the question's name, which starts right after the 12-byte header (RFC 1035 §4.1.4). */
const QNAME_POINTER = Buffer.from([0xc0, 0x0c]);

/**
 * One record's bytes. A record owned by the question's name points back to it instead of
 * repeating it: dns-packet does not compress, and without this a headless Service's A records
 * take almost three times the room, so UDP answers truncate much sooner.
 */
function encodeRecord(a: Answer, qname: string | undefined): Buffer {
  const bytes = codec.answer.encode(a);
  if (qname === undefined || a.type === 'OPT' || a.name.replace(/\.$/, '').toLowerCase() !== qname) return bytes;
  return Buffer.concat([QNAME_POINTER, bytes.subarray(codec.name.encodingLength(a.name))]);
}

/** Encodes the response to `q`; `limit` is the largest size allowed (UDP), undefined for TCP. */
export function encodeResponse(q: Pick<Query, 'id' | 'opcode' | 'rd' | 'question' | 'ednsSize'>, body: ResponseBody, limit?: number): Buffer {
  const opt: Answer[] = q.ednsSize === undefined ? [] : [{ name: '.', type: 'OPT', udpPayloadSize: EDNS_SIZE, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }];
  const flags = 0x8000 | (q.opcode << 11) | (body.authoritative ? packet.AUTHORITATIVE_ANSWER : 0) | (q.rd ? packet.RECURSION_DESIRED : 0) | (body.recursionAvailable === false ? 0 : packet.RECURSION_AVAILABLE) | (body.rcode & 0xf);
  const qname = q.question?.name.replace(/\.$/, '').toLowerCase();
  const question = Buffer.alloc(q.question ? codec.question.encodingLength(q.question) : 0);
  if (q.question) codec.question.encode(q.question, question, 0);
  const enc = (list: Answer[] | undefined) => (list ?? []).map((a) => encodeRecord(a, qname));
  const answers = enc(body.answers);
  const authorities = enc(body.authorities);
  const additionals = enc(body.additionals);
  const optBytes = enc(opt);
  const size = (...lists: Buffer[][]) => HEADER + question.length + lists.flat().reduce((n, b) => n + b.length, 0);
  const make = (an: Buffer[], ns: Buffer[], ar: Buffer[], tc: boolean): Buffer => {
    const header = Buffer.alloc(HEADER);
    header.writeUInt16BE(q.id, 0);
    header.writeUInt16BE(flags | (tc ? packet.TRUNCATED_RESPONSE : 0), 2);
    header.writeUInt16BE(q.question ? 1 : 0, 4);
    header.writeUInt16BE(an.length, 6);
    header.writeUInt16BE(ns.length, 8);
    header.writeUInt16BE(ar.length + optBytes.length, 10);
    return Buffer.concat([header, question, ...an, ...ns, ...ar, ...optBytes]);
  };
  const tc = body.truncated === true;
  if (limit === undefined || size(answers, authorities, additionals, optBytes) <= limit) return make(answers, authorities, additionals, tc);
  // Additional records are optional: dropping them needs no TC (RFC 2181 §9).
  if (size(answers, authorities, optBytes) <= limit) return make(answers, authorities, [], tc);
  // Whole records from the front of each section while they fit; the OPT record always stays.
  let room = limit - size(optBytes);
  const fit = (list: Buffer[]) => {
    let n = 0;
    while (n < list.length && (list[n]?.length ?? 0) <= room) room -= list[n++]?.length ?? 0;
    return list.slice(0, n);
  };
  const an = fit(answers);
  // A section is cut only after the one before it is whole, so the answer never skips a record.
  const ns = an.length === answers.length ? fit(authorities) : [];
  return make(an, ns, [], true);
}

/** Rewrites a message's ID in place and returns it (forwarded queries travel under our own IDs). */
export function withId(buf: Buffer, id: number): Buffer {
  buf.writeUInt16BE(id, 0);
  return buf;
}

/** A fresh recursive query for one question (used to resolve an ExternalName's outside target). */
export function encodeQuery(id: number, question: Question): Buffer {
  return packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [question] });
}

/** The rcode, TC bit and answers of a response; undefined when it cannot be read. */
export function readResponse(buf: Buffer): { rcode: number; truncated: boolean; answers: Answer[] } | undefined {
  try {
    const d = packet.decode(buf);
    return { rcode: buf.readUInt16BE(2) & 0xf, truncated: (buf.readUInt16BE(2) & packet.TRUNCATED_RESPONSE) !== 0, answers: d.answers ?? [] };
  } catch {
    return undefined;
  }
}
