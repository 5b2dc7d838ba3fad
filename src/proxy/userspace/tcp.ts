/**
 * A TCP Service listener in userspace mode: accepts on a Service address and splices each
 * connection to an endpoint, trying the next endpoint when one does not connect.
 */
import { createServer, connect, type Server, type Socket } from 'node:net';
import type { Logger } from '../../util/log.js';
import { endpointKey } from './balancer.js';
import { admits, type Route } from './plan.js';

export interface TcpListenerOptions {
  readonly host: string;
  readonly port: number;
  readonly route: Route;
  readonly logger: Logger;
  /** How long one endpoint may take to accept before the next is tried. */
  readonly connectTimeoutMs: number;
  /** Endpoints tried per connection (at most the pool's size). */
  readonly maxTries: number;
  /** Every open socket, client and upstream, so the backend can end them all on close(). */
  readonly sockets: Set<Socket>;
}

/** Sends a RST to a socket that is still open: how "no endpoint" and upstream failures reach the client. */
function reset(s: Socket): void {
  if (s.destroyed) return;
  try {
    s.resetAndDestroy();
  } catch {
    s.destroy();
  }
}

/**
 * Pipes both ways: `pipe` carries backpressure and passes each half-close on as a FIN (both
 * sockets allow half-open); an error or reset on either side resets the other.
 */
function splice(a: Socket, b: Socket): void {
  a.pipe(b);
  b.pipe(a);
  a.on('close', (hadError) => hadError && reset(b));
  b.on('close', (hadError) => hadError && reset(a));
}

export class TcpListener {
  /** Replaced by the backend when the port's settings change; read once per accepted connection. */
  route: Route;
  private readonly server: Server;

  constructor(private readonly o: TcpListenerOptions) {
    this.route = o.route;
    this.server = createServer({ allowHalfOpen: true, pauseOnConnect: true }, (c) => this.accept(c));
  }

  /** Binds; rejects with the bind error (EADDRINUSE, EADDRNOTAVAIL). */
  listen(): Promise<void> {
    return new Promise((resolve, reject) => {
      const onError = (e: Error) => reject(e);
      this.server.once('error', onError);
      this.server.listen({ host: this.o.host, port: this.o.port, backlog: 1024 }, () => {
        this.server.off('error', onError);
        this.server.on('error', (e) => this.o.logger.warn('userspace: TCP listener error', { listener: this.label, error: e.message }));
        resolve();
      });
    });
  }

  /** Stops accepting and frees the port at once; connections already spliced carry on. */
  close(): void {
    if (this.server.listening) this.server.close();
  }

  /** The port actually bound (tests listen on port 0). */
  get boundPort(): number {
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : this.o.port;
  }

  private get label(): string {
    return `${this.o.host}:${this.o.port}`;
  }

  private track(s: Socket): void {
    this.o.sockets.add(s);
    s.once('close', () => this.o.sockets.delete(s));
  }

  private accept(client: Socket): void {
    this.track(client);
    client.on('error', () => {}); // its 'close' (hadError) resets the other side
    const route = this.route;
    const from = client.remoteAddress ?? '';
    if (!admits(route, from)) return reset(client);
    const tries = Math.min(this.o.maxTries, route.balancer.pool(route.kind).length);
    const tried = new Set<string>();
    let pending: Socket | undefined;
    client.once('close', () => pending?.destroy());

    const attempt = (): void => {
      pending = undefined;
      if (client.destroyed) return;
      const ep = tried.size < tries ? route.balancer.pick(route.kind, from, tried) : undefined;
      if (!ep) return reset(client);
      tried.add(endpointKey(ep));
      const up = connect({ host: ep.ip, port: ep.port, allowHalfOpen: true, noDelay: true });
      pending = up;
      this.track(up);
      up.setTimeout(this.o.connectTimeoutMs, () => up.destroy(new Error(`connect timeout after ${this.o.connectTimeoutMs} ms`)));
      const failed = (e: Error) => {
        if (pending !== up) return;
        route.balancer.failed(from, ep);
        this.o.logger.warn('userspace: endpoint did not connect', { service: route.id, endpoint: endpointKey(ep), error: e.message });
        attempt();
      };
      up.once('error', failed);
      up.once('connect', () => {
        pending = undefined;
        up.off('error', failed);
        up.on('error', () => {});
        up.setTimeout(0);
        splice(client, up);
        client.resume();
      });
    };
    attempt();
  }
}
