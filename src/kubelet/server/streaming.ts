/**
 * The kubelet's streaming endpoints after the container is resolved: exec, attach and port-forward.
 * The kubelet ends the client's protocol here — WebSocket (v5/v4/v1 channel protocols, kubectl's
 * SPDY-in-WebSocket tunnel) or SPDY/3.1 — and speaks SPDY as a client to the container runtime's
 * stream server at the URL CRI Exec/Attach/PortForward returned (containerd's /exec/<token> …).
 * The server module calls these from its 'upgrade' handler; they never throw.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/log.js';
import { serveExecStream } from './streaming/exec.js';
import type { ExecParams } from './streaming/params.js';
import { servePortForwardStream } from './streaming/portforward.js';

export { parseExecQuery } from './streaming/params.js';
export type { ExecParams } from './streaming/params.js';

/**
 * Serves an exec or attach upgrade: WebSocket v5/v4 (or v1), or SPDY with X-Stream-Protocol-Version.
 * `runtimeUrl` asks the CRI runtime (Exec/Attach) for its stream URL. Errors before the upgrade are
 * answered as plain HTTP; the exit Status goes to the client's error channel before the close.
 */
export function serveExec(req: IncomingMessage, socket: Duplex, head: Buffer, o: { params: ExecParams; runtimeUrl: (p: ExecParams) => Promise<string>; log: Logger }): void {
  void serveExecStream(req, socket, head, o);
}

/**
 * Serves a port-forward upgrade: kubectl's WebSocket carrying SPDY (SPDY/3.1+portforward.k8s.io),
 * plain SPDY/3.1 (portforward.k8s.io), or the Python client's v4.channel.k8s.io with ?ports=.
 */
export function servePortForward(req: IncomingMessage, socket: Duplex, head: Buffer, o: { runtimeUrl: (ports: number[]) => Promise<string>; log: Logger }): void {
  void servePortForwardStream(req, socket, head, o);
}
