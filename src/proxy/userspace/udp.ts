/**
 * A UDP Service listener in userspace mode: each client address:port gets a session socket to
 * its endpoint; datagrams go out through it and replies come back from the Service address.
 * Sessions end after a period without traffic, or when their endpoint leaves the pool.
 */
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import type { Logger } from '../../util/log.js';
import { endpointKey } from './balancer.js';
import { admits, type Route } from './plan.js';
import { IdleTable } from './sessions.js';

export interface UdpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly route: Route;
  readonly logger: Logger;
  /** A session with no datagram either way for this long is closed. */
  readonly idleMs: number;
  /** Sessions per listener; datagrams from further clients are dropped until some expire. */
  readonly maxSessions: number;
  readonly now?: () => number;
}

interface Session {
  readonly socket: Socket;
  readonly ip: string;
  readonly port: number;
  /** `ip:port` of the endpoint, to drop the session when the endpoint goes. */
  readonly endpoint: string;
}

export class UdpListener {
  /** Replaced by the backend when the port's settings or endpoints change. */
  route: Route;
  private readonly socket: Socket;
  private readonly sessions: IdleTable<string, Session>;
  private sweeper: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly o: UdpListenerOptions) {
    this.route = o.route;
    this.sessions = new IdleTable(o.idleMs, o.now);
    // reuseAddr lets a UDP NodePort have its per-address sockets beside its 0.0.0.0 one; the
    // kernel delivers to the most specific.
    this.socket = createSocket({ type: 'udp4', reuseAddr: true });
    this.socket.on('message', (msg, from) => this.receive(msg, from));
  }

  /** Binds; rejects with the bind error. Starts the session sweeper. */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.socket.once('error', onError);
      this.socket.bind({ address: this.o.host, port: this.o.port }, () => {
        this.socket.off('error', onError);
        this.socket.on('error', (e) => this.o.logger.warn('userspace: UDP listener error', { listener: this.label, error: e.message }));
        // Swept a few times per idle period, so a session lives at most ~1.25 × idleMs.
        this.sweeper = setInterval(() => this.sweep(), Math.max(10, Math.floor(this.o.idleMs / 4)));
        this.sweeper.unref();
        resolve();
      });
    });
  }

  /** Closes the socket and every session. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.sweeper);
    for (const s of this.sessions.clear()) s.socket.close();
    try {
      this.socket.close();
    } catch {
      // never bound
    }
  }

  /** Ends the sessions whose endpoint is no longer in the route's pool (after an endpoint change). */
  retainEndpoints(): void {
    const keep = new Set(this.route.balancer.pool(this.route.kind).map(endpointKey));
    for (const s of this.sessions.evict((s) => keep.has(s.endpoint))) s.socket.close();
  }

  /** Closes sessions idle for longer than the period; called by the sweeper, or by tests. */
  sweep(): void {
    for (const s of this.sessions.expire()) s.socket.close();
  }

  get sessionCount(): number {
    return this.sessions.size;
  }

  get boundPort(): number {
    return this.socket.address().port;
  }

  private get label(): string {
    return `${this.o.host}:${this.o.port}`;
  }

  private receive(msg: Buffer, from: RemoteInfo): void {
    const route = this.route;
    if (!admits(route, from.address)) return;
    const key = `${from.address}:${from.port}`;
    let session = this.sessions.get(key);
    if (!session) {
      if (this.sessions.size >= this.o.maxSessions) return;
      const ep = route.balancer.pick(route.kind, from.address);
      // No endpoint: the sync closes UDP listeners with an empty pool (so the kernel answers port
      // unreachable), so this is only the moment between an endpoint change and that sync.
      if (!ep) return;
      session = this.open(key, from, ep);
    }
    const s = session;
    s.socket.send(msg, s.port, s.ip, (e) => {
      if (e) this.o.logger.warn('userspace: UDP send to endpoint failed', { service: route.id, endpoint: s.endpoint, error: e.message });
    });
  }

  private open(key: string, client: RemoteInfo, ep: { ip: string; port: number }): Session {
    // Unconnected (a connected dgram socket cannot send until its asynchronous connect is done),
    // so replies are checked against the endpoint by hand.
    const socket = createSocket('udp4');
    const endpoint = endpointKey(ep);
    const session: Session = { socket, ip: ep.ip, port: ep.port, endpoint };
    socket.on('message', (reply, src) => {
      if (this.closed || src.address !== ep.ip || src.port !== ep.port) return;
      this.sessions.touch(key);
      this.socket.send(reply, client.port, client.address);
    });
    socket.on('error', (e) => {
      this.o.logger.warn('userspace: UDP session error', { client: key, endpoint, error: e.message });
      if (this.sessions.delete(key) === session) socket.close();
    });
    this.sessions.set(key, session);
    return session;
  }
}
