/**
 * Forwarding names the cluster does not own to the node's upstream resolvers (CoreDNS's
 * `forward . /etc/resolv.conf`): the client's query bytes go out under an ID of ours, over UDP for
 * UDP clients and TCP for TCP ones, to each upstream in turn within one bounded time budget
 * (default 2 s). Each UDP query leaves from a fresh socket on a random port and takes only a reply
 * from that upstream with our ID and the same question (RFC 5452). Undefined comes back when none
 * answered, and the server says SERVFAIL, so a client never waits on a dead upstream longer than
 * that.
 */
import * as dgram from 'node:dgram';
import { randomInt } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { isIP, connect } from 'node:net';
import { withId } from './wire.js';

/** One upstream resolver. */
export interface Upstream {
  host: string;
  port: number;
}

/** Parses `IP`, `IP:PORT` or `[IPv6]:PORT`. */
export function parseUpstream(text: string): Upstream {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(text);
  if (v6?.[1] && isIP(v6[1]) === 6) return { host: v6[1], port: Number(v6[2] ?? 53) };
  if (isIP(text)) return { host: text, port: 53 };
  const m = /^([^:]+):(\d+)$/.exec(text);
  if (m?.[1] && isIP(m[1]) === 4 && Number(m[2]) > 0 && Number(m[2]) < 65536) return { host: m[1], port: Number(m[2]) };
  throw new Error(`not an upstream resolver address (IP, IP:PORT or [IPv6]:PORT): ${text}`);
}

/** The `nameserver` addresses of a resolv.conf text, in order, minus those `exclude` rejects (ourselves). */
export function upstreamsFromResolvConf(text: string, exclude: (u: Upstream) => boolean = () => false): Upstream[] {
  const out: Upstream[] = [];
  for (const line of text.split('\n')) {
    const [key, value] = line.trim().split(/\s+/);
    // A zone index (fe80::1%eth0) is not something a UDP socket can send to by name here: skip it.
    if (key !== 'nameserver' || !value || !isIP(value) || value.includes('%')) continue;
    const u = { host: value, port: 53 };
    if (!exclude(u)) out.push(u);
  }
  return out;
}

/** Reads the node's resolv.conf; [] when it is missing. */
export function readResolvConf(path = '/etc/resolv.conf', exclude?: (u: Upstream) => boolean): Upstream[] {
  try {
    return upstreamsFromResolvConf(readFileSync(path, 'utf8'), exclude);
  } catch {
    return [];
  }
}

/** Options of a {@link Forwarder}. */
export interface ForwarderOptions {
  upstreams: readonly Upstream[];
  /** Total time a query may take across every upstream (default 2000 ms). */
  timeoutMs?: number;
  /** Forwarded UDP queries in flight at most; beyond it queries fail at once (default 4096). */
  maxPending?: number;
}

/** One UDP query on the wire; done() closes its socket and settles it, once. */
interface Exchange {
  done(reply: Buffer | undefined): void;
}

/** Sends queries upstream; owns its sockets until close(). */
export class Forwarder {
  readonly upstreams: readonly Upstream[];
  readonly #timeoutMs: number;
  readonly #maxPending: number;
  readonly #inFlight = new Set<Exchange>();
  #openSockets = 0;
  #closed = false;

  constructor(o: ForwarderOptions) {
    this.upstreams = o.upstreams;
    this.#timeoutMs = o.timeoutMs ?? 2000;
    this.#maxPending = o.maxPending ?? 4096;
  }

  /** UDP sockets not yet closed (each forwarded UDP query has one while it waits): for tests and metrics. */
  get openSockets(): number {
    return this.#openSockets;
  }

  /** Forwards a query (bytes as the client sent them); resolves with the reply under the client's ID, or undefined. */
  async forward(query: Buffer, transport: 'udp' | 'tcp'): Promise<Buffer | undefined> {
    if (this.#closed || this.upstreams.length === 0 || query.length < 12) return undefined;
    const clientId = query.readUInt16BE(0);
    const perTry = Math.max(100, Math.floor(this.#timeoutMs / this.upstreams.length));
    for (const u of this.upstreams) {
      const reply = transport === 'udp' ? await this.#udp(query, u, perTry) : await tcpExchange(query, u, perTry);
      if (reply) return withId(reply, clientId);
      if (this.#closed) return undefined;
    }
    return undefined;
  }

  /** Fails what is in flight and closes its sockets. */
  close(): void {
    this.#closed = true;
    for (const x of [...this.#inFlight]) x.done(undefined);
  }

  /**
   * One try against one upstream, from a socket of its own. A fixed socket would let an off-path
   * attacker poison a forwarded answer by guessing the 16-bit ID alone; a fresh socket bound to
   * port 0 gets a kernel-randomised ephemeral port, so a forged reply must also hit that port
   * (RFC 5452 §9.2). The cap on queries in flight also caps the sockets a flood can open.
   */
  #udp(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
    if (this.#inFlight.size >= this.#maxPending) return Promise.resolve(undefined);
    const question = questionKey(query);
    if (question === undefined) return Promise.resolve(undefined);
    const id = randomInt(0x10000);
    const out = withId(Buffer.from(query), id);
    const socket = dgram.createSocket(isIP(upstream.host) === 6 ? 'udp6' : 'udp4');
    this.#openSockets++;
    socket.on('close', () => this.#openSockets--);
    return new Promise((resolve) => {
      const x: Exchange = {
        done: (reply) => {
          if (!this.#inFlight.delete(x)) return;
          clearTimeout(timer);
          socket.close();
          resolve(reply);
        },
      };
      const timer = setTimeout(() => x.done(undefined), timeoutMs);
      this.#inFlight.add(x);
      // Any socket error (bind failing when out of descriptors, ICMP port unreachable on the
      // connected socket) fails this upstream now; the caller moves on to the next one.
      socket.on('error', () => x.done(undefined));
      socket.on('message', (msg, rinfo) => {
        // The source check (against the peer as the kernel spells it: an IPv6 upstream may be
        // written another way) proves little alone, since an off-path spoofer forges the source
        // too; what makes forging hard is hitting the random port and the random ID together.
        // A reply to another question is never ours, whatever its ID.
        const peer = peerOf(socket);
        if (!peer || rinfo.address !== peer.address || rinfo.port !== peer.port) return;
        if (msg.length < 12 || msg.readUInt16BE(0) !== id || (msg.readUInt16BE(2) & 0x8000) === 0) return;
        if (questionKey(msg) !== question) return;
        x.done(msg);
      });
      socket.bind(0, () => {
        if (!this.#inFlight.has(x)) return;
        // Connected: the kernel drops datagrams from any other source, and reports ICMP errors.
        socket.connect(upstream.port, upstream.host, () => {
          if (!this.#inFlight.has(x)) return;
          // Node hands a failed connect to this callback too (its types say otherwise): no peer, no try.
          if (!peerOf(socket)) {
            x.done(undefined);
            return;
          }
          socket.send(out, (sendErr) => {
            if (sendErr) x.done(undefined);
          });
        });
      });
    });
  }
}

/** The connected peer of a UDP socket; undefined before connect() completes. */
function peerOf(socket: dgram.Socket): { address: string; port: number } | undefined {
  try {
    return socket.remoteAddress();
  } catch {
    return undefined;
  }
}

/**
 * The question section of a message as a comparable string (each name with ASCII lowercased, as
 * names compare case-insensitively, plus type and class); undefined when it cannot be read.
 * Read by hand because a reply's later sections need not parse for the question to be checked.
 */
export function questionKey(buf: Buffer): string | undefined {
  if (buf.length < 12) return undefined;
  let off = 12;
  const parts: string[] = [];
  for (let i = buf.readUInt16BE(4); i > 0; i--) {
    const name = readName(buf, off);
    if (!name || name.end + 4 > buf.length) return undefined;
    off = name.end + 4;
    parts.push(`${name.key}/${buf.readUInt16BE(name.end)}/${buf.readUInt16BE(name.end + 2)}`);
  }
  return parts.join(' ');
}

/** One wire name starting at `start`: its lowercased label bytes in hex, and where it ends. */
function readName(buf: Buffer, start: number): { key: string; end: number } | undefined {
  const labels: string[] = [];
  let off = start;
  let end: number | undefined;
  // Compression pointers must point backwards; the bound stops a pointer loop.
  for (let jumps = 0; jumps < 64; ) {
    const len = buf[off];
    if (len === undefined) return undefined;
    if (len === 0) return { key: labels.join('.'), end: end ?? off + 1 };
    if ((len & 0xc0) === 0xc0) {
      if (off + 1 >= buf.length) return undefined;
      const target = buf.readUInt16BE(off) & 0x3fff;
      if (target >= off) return undefined;
      end ??= off + 2;
      off = target;
      jumps++;
      continue;
    }
    if (len & 0xc0 || off + 1 + len > buf.length) return undefined;
    const label = Buffer.from(buf.subarray(off + 1, off + 1 + len));
    for (let i = 0; i < label.length; i++) if ((label[i] ?? 0) >= 0x41 && (label[i] ?? 0) <= 0x5a) label[i] = (label[i] ?? 0) + 0x20;
    labels.push(label.toString('hex'));
    off += 1 + len;
  }
  return undefined;
}

/** One query over a fresh TCP connection (2-byte length framing, RFC 1035 §4.2.2), bounded in time. */
export function tcpExchange(query: Buffer, upstream: Upstream, timeoutMs: number): Promise<Buffer | undefined> {
  return new Promise((resolve) => {
    const sock = connect({ host: upstream.host, port: upstream.port });
    let buf = Buffer.alloc(0);
    const finish = (reply: Buffer | undefined) => {
      clearTimeout(timer);
      sock.destroy();
      resolve(reply);
    };
    const timer = setTimeout(() => finish(undefined), timeoutMs);
    sock.on('connect', () => {
      const len = Buffer.alloc(2);
      len.writeUInt16BE(query.length);
      sock.write(Buffer.concat([len, query]));
    });
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      if (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) finish(Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0))));
    });
    sock.on('error', () => finish(undefined));
    sock.on('close', () => finish(undefined));
  });
}
