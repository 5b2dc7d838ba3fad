/** Helpers for the userspace unit tests: loopback endpoint servers, a route, a silent logger. */
import { createServer, connect, type Server } from 'node:net';
import { createSocket, type Socket } from 'node:dgram';
import type { Logger } from '../../util/log.js';
import type { ServiceEndpoint } from '../model.js';
import { endpoint as serviceEndpoint } from '../testing/fixtures.js';
import { Balancer, type PoolKind } from './balancer.js';
import { sourceFilter, type Route } from './plan.js';

export const quiet: Logger = { info: () => {}, warn: () => {}, error: () => {} };

/** A ready local endpoint at ip:port (a loopback server of these tests). */
export const endpoint = (ip: string, port: number): ServiceEndpoint => serviceEndpoint(ip, { port });

export function route(eps: readonly ServiceEndpoint[], o: { kind?: PoolKind; ranges?: string[]; affinitySeconds?: number; now?: () => number } = {}): Route {
  const balancer = new Balancer(o.now);
  balancer.setEndpoints(eps, eps);
  balancer.setAffinity(o.affinitySeconds);
  return { id: 'default/web:', balancer, kind: o.kind ?? 'cluster', allowed: sourceFilter(o.ranges ?? []) };
}

/** A TCP server on 127.0.0.1 that writes `name` on connect, then echoes and ends when the client ends. */
export async function tcpEndpoint(name: string): Promise<{ server: Server; ep: ServiceEndpoint }> {
  const server = createServer({ allowHalfOpen: true }, (s) => {
    s.on('error', () => {});
    s.write(`${name}\n`);
    s.pipe(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const a = server.address();
  if (!a || typeof a !== 'object') throw new Error('no address');
  return { server, ep: endpoint('127.0.0.1', a.port) };
}

/** A port on 127.0.0.1 with nothing listening (bound then closed). */
export async function deadPort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const a = s.address();
  await new Promise((r) => s.close(r));
  return typeof a === 'object' && a ? a.port : 1;
}

export interface Exchange {
  /** All bytes received until the proxy closed the connection. */
  data: string;
  /** The error code the connection ended with, if any (ECONNRESET for a reset). */
  error?: string;
}

/**
 * Connects to port, sends `send` then a FIN, and collects the reply until the connection closes
 * (error `timeout` if it is still open after 5 s: a lost FIN must fail the test, not hang it).
 */
export function exchange(port: number, send: string | Buffer, host = '127.0.0.1'): Promise<Exchange> {
  return new Promise((resolve) => {
    const s = connect({ host, port, allowHalfOpen: true });
    const chunks: Buffer[] = [];
    let error: string | undefined;
    s.setTimeout(5000, () => s.destroy(Object.assign(new Error('timeout'), { code: 'timeout' })));
    s.on('connect', () => s.end(send));
    s.on('data', (d: Buffer) => chunks.push(d));
    s.on('error', (e: NodeJS.ErrnoException) => (error = e.code ?? e.message));
    s.on('close', () => resolve({ data: Buffer.concat(chunks).toString(), ...(error !== undefined && { error }) }));
  });
}

/** A UDP server on 127.0.0.1 answering `name:<payload>` to each datagram. */
export async function udpEndpoint(name: string): Promise<{ socket: Socket; ep: ServiceEndpoint }> {
  const socket = createSocket('udp4');
  socket.on('message', (m, r) => socket.send(`${name}:${m.toString()}`, r.port, r.address));
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', r));
  return { socket, ep: endpoint('127.0.0.1', socket.address().port) };
}

/** A UDP client socket on 127.0.0.1; ask() sends one datagram and resolves with the reply or undefined. */
export async function udpClient(): Promise<{ ask(port: number, msg: string, timeoutMs?: number): Promise<string | undefined>; close(): void }> {
  const s = createSocket('udp4');
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', r));
  return {
    ask: (port, msg, timeoutMs = 1000) =>
      new Promise((resolve) => {
        const timer = setTimeout(() => done(undefined), timeoutMs);
        const onMsg = (m: Buffer) => done(m.toString());
        const done = (v: string | undefined) => {
          clearTimeout(timer);
          s.off('message', onMsg);
          resolve(v);
        };
        s.on('message', onMsg);
        s.send(msg, port, '127.0.0.1');
      }),
    close: () => s.close(),
  };
}
