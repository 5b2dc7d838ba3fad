/**
 * The client side of port-forward as kubectl 1.32 does it (client-go tools/portforward): a WebSocket
 * with the subprotocol `SPDY/3.1+portforward.k8s.io` whose binary messages carry a raw SPDY/3.1
 * session (pinged every 10 s); local listeners per port and address; per local connection an
 * `error` stream (half-closed at once, read for a failure text) and a `data` stream, both with
 * headers streamType, port and requestID. An error from the server ends the whole session, as it
 * does kubectl's: "lost connection to pod".
 */
import { createServer, isIPv4, isIPv6, type Server, type Socket } from 'node:net';
import type { Writable } from 'node:stream';
import type { ClientConfig } from '../../client/config.js';
import { SpdySession, type SpdyStream } from '../../util/spdy/session.js';
import { webSocketDuplex, WS_PROTOCOLS } from '../../util/wsstream.js';
import { CliError } from '../errors.js';
import { dialWebSocket } from './dial.js';

export const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const TUNNEL_PREFIX = 'SPDY/3.1+';
const PING_PERIOD_MS = 10_000;

/** A local port and the pod port it forwards to (local 0: any free port). */
export interface ForwardedPort {
  local: number;
  remote: number;
}

/** One address to listen on; `localhost` needs one of its two to work, an explicit IP must work. */
export interface ListenAddress {
  address: string;
  family: 4 | 6;
  failureMode: 'all' | 'any';
}

function parseUint16(text: string): number | string {
  if (!/^\d+$/.test(text)) return `strconv.ParseUint: parsing ${JSON.stringify(text)}: invalid syntax`;
  const n = Number(text);
  return n > 65535 ? `strconv.ParseUint: parsing ${JSON.stringify(text)}: value out of range` : n;
}

/** `5000`, `8888:5000`, `:5000`, `0:5000` (client-go's parsePorts, with its messages). */
export function parsePorts(specs: readonly string[]): ForwardedPort[] {
  return specs.map((spec) => {
    const parts = spec.split(':');
    if (parts.length > 2) throw new CliError(`invalid port format '${spec}'`);
    const localText = parts.length === 2 ? parts[0] || '0' : parts[0]!;
    const remoteText = parts.length === 2 ? parts[1]! : parts[0]!;
    const local = parseUint16(localText);
    if (typeof local === 'string') throw new CliError(`error parsing local port '${localText}': ${local}`);
    const remote = parseUint16(remoteText);
    if (typeof remote === 'string') throw new CliError(`error parsing remote port '${remoteText}': ${remote}`);
    if (remote === 0) throw new CliError('remote port must be > 0');
    return { local, remote };
  });
}

/** `--address`: `localhost` means 127.0.0.1 and ::1; IPs as given; sorted as client-go sorts them. */
export function parseAddresses(addresses: readonly string[]): ListenAddress[] {
  const parsed = new Map<string, ListenAddress>();
  for (const a of addresses) {
    if (a === 'localhost') {
      if (!parsed.has('127.0.0.1')) parsed.set('127.0.0.1', { address: '127.0.0.1', family: 4, failureMode: 'all' });
      if (!parsed.has('::1')) parsed.set('::1', { address: '::1', family: 6, failureMode: 'all' });
    } else if (isIPv4(a)) parsed.set(a, { address: a, family: 4, failureMode: 'any' });
    else if (isIPv6(a)) parsed.set(a, { address: a, family: 6, failureMode: 'any' });
    else throw new CliError(`${a} is not a valid IP`);
  }
  return [...parsed.values()].sort((x, y) => (x.address < y.address ? -1 : x.address > y.address ? 1 : 0));
}

const joinHostPort = (host: string, port: number) => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** A listen failure in Go's words: `listen tcp4 127.0.0.1:80: bind: permission denied`. */
function listenErrorText(a: ListenAddress, port: number, e: NodeJS.ErrnoException): string {
  const texts: Record<string, string> = { EADDRINUSE: 'address already in use', EACCES: 'permission denied', EADDRNOTAVAIL: 'cannot assign requested address' };
  return `unable to create listener: Error listen tcp${a.family} ${joinHostPort(a.address, port)}: bind: ${texts[e.code ?? ''] ?? e.message}`;
}

/** klog's line for runtime.HandleError, which is how client-go reports per-connection failures. */
export function klogError(message: string, now = new Date()): string {
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(now.getMilliseconds() * 1000).padStart(6, '0');
  const stamp = `${p2(now.getMonth() + 1)}${p2(now.getDate())} ${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}.${micros}`;
  return `E${stamp} ${String(process.pid).padStart(7)} portforward.go:424] "Unhandled Error" err=${JSON.stringify(message)}\n`;
}

/** Everything a forwarding session needs. */
export interface PortForwardOptions {
  /** `/api/v1/namespaces/NS/pods/P/portforward`. */
  path: string;
  addresses: ListenAddress[];
  ports: ForwardedPort[];
  /** "Forwarding from …" and "Handling connection for …". */
  out: Writable;
  /** Listen failures and per-connection errors. */
  errOut: Writable;
  /** Ends forwarding (kubectl: Ctrl-C). */
  signal: AbortSignal;
  /** Called once the listeners are up, with the ports (locals filled in). */
  onReady?: (ports: ForwardedPort[]) => void;
}

/** Opens the SPDY session through the WebSocket tunnel. */
export async function dialPortForward(config: ClientConfig, path: string): Promise<SpdySession> {
  let chosen = '';
  let session: SpdySession | undefined;
  try {
    session = await dialWebSocket(config, { path, protocols: [WS_PROTOCOLS.spdyTunnel] }, (ws, protocol) => {
      chosen = protocol.startsWith(TUNNEL_PREFIX) ? protocol.slice(TUNNEL_PREFIX.length) : protocol;
      if (chosen === PORT_FORWARD_PROTOCOL) return new SpdySession(webSocketDuplex(ws), { role: 'client' });
      ws.terminate();
      return undefined;
    });
  } catch (e) {
    throw new CliError(`error upgrading connection: ${e instanceof Error ? e.message : String(e)}`);
  }
  if (!session) throw new CliError(`unable to negotiate protocol: client supports ${JSON.stringify(PORT_FORWARD_PROTOCOL)}, server returned ${JSON.stringify(chosen)}`);
  return session;
}

function readAll(s: SpdyStream): Promise<string> {
  const chunks: Buffer[] = [];
  s.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    s.once('end', done);
    s.once('close', done);
    s.once('reset', done);
  });
}

/** Forwards until `signal` aborts (resolves) or the session is lost (throws "lost connection to pod"). */
export async function forwardPorts(config: ClientConfig, o: PortForwardOptions): Promise<void> {
  const session = await dialPortForward(config, o.path);
  const servers: Server[] = [];
  let requestId = 0;
  const pinger = setInterval(() => void session.ping(PING_PERIOD_MS * 3).catch(() => undefined), PING_PERIOD_MS);
  pinger.unref();

  const handle = (conn: Socket, port: ForwardedPort) => {
    o.out.write(`Handling connection for ${port.local}\n`);
    const id = String(requestId++);
    conn.on('error', () => undefined);
    let error: SpdyStream;
    let data: SpdyStream;
    try {
      error = session.openStream({ streamType: 'error', port: String(port.remote), requestID: id });
      error.end();
      data = session.openStream({ streamType: 'data', port: String(port.remote), requestID: id });
    } catch (e) {
      o.errOut.write(klogError(`error creating forwarding stream for port ${port.local} -> ${port.remote}: ${e instanceof Error ? e.message : String(e)}`));
      conn.destroy();
      return;
    }
    const message = readAll(error);
    data.on('error', () => undefined);
    conn.pipe(data);
    data.pipe(conn);
    // As client-go closes the local connection once the pod's side is done.
    conn.once('finish', () => conn.destroy());
    let done = false;
    const finished = () => {
      if (done) return;
      done = true;
      // Whatever is still unsent is of no use once either side is done.
      data.reset();
      void message.then((text) => {
        if (text.length === 0) return;
        o.errOut.write(klogError(`an error occurred forwarding ${port.local} -> ${port.remote}: ${text}`));
        session.close(0);
      });
    };
    data.once('end', finished);
    data.once('reset', finished);
    conn.once('close', finished);
  };

  try {
    let anyListening = false;
    for (const port of o.ports) {
      const errors: string[] = [];
      const ok = { all: 0, any: 0 };
      const failed = { all: 0, any: 0 };
      for (const addr of o.addresses) {
        // Half-open: a client that is done sending still gets the pod's answer.
        const server = createServer({ allowHalfOpen: true }, (c) => handle(c, port));
        try {
          await new Promise<void>((resolve, reject) => {
            server.once('error', reject);
            server.listen({ host: addr.address, port: port.local, ipv6Only: addr.family === 6 }, () => resolve());
          });
        } catch (e) {
          errors.push(listenErrorText(addr, port.local, e as NodeJS.ErrnoException));
          failed[addr.failureMode]++;
          continue;
        }
        const bound = server.address();
        if (bound && typeof bound === 'object') port.local = bound.port;
        servers.push(server);
        ok[addr.failureMode]++;
        o.out.write(`Forwarding from ${joinHostPort(addr.address, port.local)} -> ${port.remote}\n`);
      }
      const portFailed = (ok.all === 0 && failed.all > 0) || failed.any > 0;
      if (portFailed) o.errOut.write(`Unable to listen on port ${port.local}: Listeners failed to create with the following errors: [${errors.join(' ')}]\n`);
      else anyListening = true;
    }
    if (!anyListening) throw new CliError(`unable to listen on any of the requested ports: [${o.ports.map((p) => `{${p.local} ${p.remote}}`).join(' ')}]`);
    o.onReady?.(o.ports);
    const lost = await new Promise<boolean>((resolve) => {
      if (o.signal.aborted) return resolve(false);
      o.signal.addEventListener('abort', () => resolve(false), { once: true });
      session.once('close', () => resolve(true));
    });
    if (lost) throw new CliError('lost connection to pod');
  } finally {
    clearInterval(pinger);
    for (const s of servers) s.close();
    session.destroy();
  }
}
