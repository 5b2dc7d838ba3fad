/**
 * Port-forward: kubectl's SPDY (plain, or tunnelled in a WebSocket as SPDY/3.1+portforward.k8s.io)
 * is relayed stream by stream to the runtime's SPDY session, so each local connection's error/data
 * pair (headers streamType, port, requestID) reaches the runtime as the client opened it. The Python
 * client's v4.channel.k8s.io WebSocket names its ports up front (?ports=): port i is carried on
 * channels 2i (data) and 2i+1 (errors), each starting with the port as 2 little-endian bytes.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex, Readable } from 'node:stream';
import type { Logger } from '../../../util/log.js';
import { RstStatus, type SpdySession, type SpdyStream } from '../../../util/spdy/session.js';
import { acceptWebSocket, ChannelConn, isWebSocketRequest, negotiateProtocol, webSocketDuplex, WS_PROTOCOLS } from '../../../util/wsstream.js';
import { SpdySession as Session } from '../../../util/spdy/session.js';
import { acceptSpdy, dialRuntime, httpError, isSpdyRequest, spdyHandshake, UpgradeError } from './common.js';
import { errorText } from '../../../util/errors.js';

const PORT_FORWARD_PROTOCOL = 'portforward.k8s.io';
const WS_PORT_FORWARD_PROTOCOLS = [WS_PROTOCOLS.spdyTunnel, WS_PROTOCOLS.v4, WS_PROTOCOLS.v4Base64, WS_PROTOCOLS.v1, WS_PROTOCOLS.v1Base64];

/** The ports of `?port=` / `?ports=` (repeated or comma-separated), validated as upstream does. */
export function parsePorts(url: URL): number[] {
  const raw = [...url.searchParams.getAll('port'), ...url.searchParams.getAll('ports')].flatMap((v) => v.split(',')).map((v) => v.trim()).filter((v) => v !== '');
  return raw.map((v) => {
    if (!/^\d+$/.test(v) || Number(v) > 65535) throw new UpgradeError(400, `unable to parse ${JSON.stringify(v)} as a port: strconv.ParseUint: parsing ${JSON.stringify(v)}: invalid syntax`);
    const n = Number(v);
    if (n < 1) throw new UpgradeError(400, `port ${JSON.stringify(v)} must be > 0`);
    return n;
  });
}

/** Serves a port-forward upgrade; never throws (failures before the upgrade become HTTP errors). */
export async function servePortForwardStream(req: IncomingMessage, socket: Duplex, head: Buffer, o: { runtimeUrl: (ports: number[]) => Promise<string>; log: Logger }): Promise<void> {
  let runtime: SpdySession | undefined;
  let upgraded = false;
  try {
    const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
    const ports = parsePorts(url);
    let mode: { kind: 'spdy'; protocol: string } | { kind: 'tunnel' } | { kind: 'channels'; protocol: string };
    if (isWebSocketRequest(req)) {
      const protocol = negotiateProtocol(req, WS_PORT_FORWARD_PROTOCOLS);
      if (protocol === undefined) throw new UpgradeError(400, `unable to upgrade: requested protocol(s) are not supported: ${req.headers['sec-websocket-protocol'] ?? ''}; supports [${WS_PORT_FORWARD_PROTOCOLS.join(' ')}]`);
      if (protocol === WS_PROTOCOLS.spdyTunnel) mode = { kind: 'tunnel' };
      else {
        if (ports.length === 0) throw new UpgradeError(400, 'query parameter "port" is required');
        mode = { kind: 'channels', protocol };
      }
    } else if (isSpdyRequest(req)) {
      mode = { kind: 'spdy', protocol: spdyHandshake(req, [PORT_FORWARD_PROTOCOL]) };
    } else throw new UpgradeError(400, 'Upgrade request required');

    const runtimeUrl = await o.runtimeUrl(ports).catch((e: unknown) => {
      throw new UpgradeError(500, `unable to prepare the stream: ${errorText(e)}`);
    });
    runtime = await dialRuntime(runtimeUrl, PORT_FORWARD_PROTOCOL);
    upgraded = true;
    if (mode.kind === 'spdy') {
      relaySessions(acceptSpdy(socket, head, mode.protocol), runtime);
    } else if (mode.kind === 'tunnel') {
      const transport = await acceptWebSocket(req, socket, head, WS_PROTOCOLS.spdyTunnel, (ws) => webSocketDuplex(ws));
      relaySessions(new Session(transport, { role: 'server' }), runtime);
    } else {
      const { protocol } = mode;
      const channels = ports.map((_, i) => 2 * i);
      const conn = await acceptWebSocket(req, socket, head, protocol, (ws) => new ChannelConn(ws, protocol, channels));
      await forwardChannels(conn, runtime, ports);
    }
  } catch (e) {
    runtime?.destroy();
    if (upgraded) socket.destroy();
    else httpError(socket, e);
    o.log.warn('port-forward stream failed', { path: req.url, error: errorText(e) });
  }
}

/**
 * Relays every stream the client opens to a stream with the same headers on the runtime session,
 * answering the client once the runtime answered; data, FIN and RST flow through both ways.
 */
export function relaySessions(client: SpdySession, runtime: SpdySession): void {
  client.on('stream', (s: SpdyStream) => {
    let r: SpdyStream;
    try {
      r = runtime.openStream(s.headers);
    } catch {
      s.reset(RstStatus.RefusedStream);
      return;
    }
    s.on('reset', () => r.reset());
    r.on('reset', () => s.reset());
    r.ready().then(
      () => {
        s.reply();
        s.pipe(r);
        r.pipe(s);
      },
      () => s.reset(RstStatus.RefusedStream),
    );
  });
  client.once('close', () => runtime.close());
  runtime.once('close', () => client.close());
}

/** The Python client's channel protocol: one error/data stream pair on the runtime per requested port. */
async function forwardChannels(conn: ChannelConn, runtime: SpdySession, ports: number[]): Promise<void> {
  const portBytes = (p: number) => {
    const b = Buffer.alloc(2);
    b.writeUInt16LE(p);
    return b;
  };
  const perPort = ports.map(async (port, i) => {
    const dataCh = 2 * i;
    const errorCh = 2 * i + 1;
    void conn.send(dataCh, portBytes(port));
    void conn.send(errorCh, portBytes(port));
    const error = runtime.openStream({ streamType: 'error', port: String(port), requestID: String(i) });
    const data = runtime.openStream({ streamType: 'data', port: String(port), requestID: String(i) });
    // Nothing is ever written to the runtime's error stream.
    error.end();
    conn.incoming(dataCh).pipe(data);
    await Promise.all([copyToChannel(data, conn, dataCh), copyToChannel(error, conn, errorCh)]);
  });
  await Promise.race([Promise.all(perPort), conn.closed]);
  runtime.close();
  conn.close(1000);
}

/** Sends what `src` yields on channel `ch`, one message per chunk, pausing while the socket drains. */
function copyToChannel(src: Readable, conn: ChannelConn, ch: number): Promise<void> {
  return new Promise((resolve) => {
    src.on('data', (c: Buffer) => {
      src.pause();
      void conn.send(ch, c).then(() => src.resume());
    });
    src.once('end', () => resolve());
    src.once('close', () => resolve());
  });
}
