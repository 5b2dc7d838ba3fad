/**
 * The DNS sockets: UDP and TCP on one address and port (port 0 picks one free for both). TCP
 * connections carry length-prefixed messages (RFC 1035 §4.2.2), several per connection, answered
 * as they complete (RFC 7766 allows out of order), and close after an idle period.
 */
import * as dgram from 'node:dgram';
import { createServer, isIPv6, type Server, type Socket } from 'node:net';
import type { Logger } from '../util/log.js';
import { clientAddress } from './recursion.js';
import { errorText } from '../util/errors.js';

/** Options of {@link listenDns}. */
export interface ListenOptions {
  address: string;
  port: number;
  /** Answers one message; `client` is the sender's IP (IPv4-mapped IPv6 given as plain IPv4). */
  handle(msg: Buffer, transport: 'udp' | 'tcp', client: string | undefined): Promise<Buffer | undefined>;
  /** A TCP connection idle this long is closed (default 10 000 ms). */
  idleMs?: number;
  logger: Logger;
}

/** Bound sockets. */
export interface DnsListener {
  readonly port: number;
  close(): Promise<void>;
}


function bindUdp(address: string, port: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({ type: isIPv6(address) ? 'udp6' : 'udp4' });
    s.once('error', reject);
    s.bind(port, address, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

function listenTcp(server: Server, address: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, address, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

function serveTcp(o: ListenOptions, conns: Set<Socket>): Server {
  return createServer((sock) => {
    conns.add(sock);
    const client = clientAddress(sock.remoteAddress);
    sock.setTimeout(o.idleMs ?? 10_000, () => sock.destroy());
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => undefined);
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (chunk: Buffer) => {
      buf = buf.length ? Buffer.concat([buf, chunk]) : chunk;
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const msg = Buffer.from(buf.subarray(2, 2 + buf.readUInt16BE(0)));
        buf = buf.subarray(2 + msg.length);
        o.handle(msg, 'tcp', client).then(
          (reply) => {
            if (!reply || sock.destroyed) return;
            const len = Buffer.alloc(2);
            len.writeUInt16BE(reply.length);
            sock.write(Buffer.concat([len, reply]));
          },
          (e: unknown) => o.logger.error('dns query failed', { transport: 'tcp', error: errorText(e) }),
        );
      }
    });
  });
}

/** Binds UDP and TCP; with port 0, retries until both get the same free port. */
export async function listenDns(o: ListenOptions): Promise<DnsListener> {
  for (let attempt = 0; ; attempt++) {
    const udp = await bindUdp(o.address, o.port);
    const port = udp.address().port;
    const conns = new Set<Socket>();
    const tcp = serveTcp(o, conns);
    try {
      await listenTcp(tcp, o.address, port);
    } catch (e) {
      udp.close();
      if (o.port !== 0 || attempt >= 10) throw e;
      continue;
    }
    let closed = false;
    udp.on('message', (msg, rinfo) => {
      o.handle(msg, 'udp', clientAddress(rinfo.address)).then(
        (reply) => {
          // A forwarded answer may arrive after close(): sending then would throw.
          if (reply && !closed) udp.send(reply, rinfo.port, rinfo.address);
        },
        (e: unknown) => o.logger.error('dns query failed', { transport: 'udp', error: errorText(e) }),
      );
    });
    udp.on('error', (e) => o.logger.warn('dns udp socket error', { error: e.message }));
    return {
      port,
      close: async () => {
        closed = true;
        for (const c of conns) c.destroy();
        await Promise.all([new Promise<void>((r) => udp.close(() => r())), new Promise<void>((r) => tcp.close(() => r()))]);
      },
    };
  }
}
