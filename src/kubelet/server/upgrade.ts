/**
 * The kubelet's streaming endpoints, reached by connection upgrade (WebSocket or SPDY):
 * /exec and /attach/{namespace}/{pod}[/{uid}]/{container}, /portForward/{namespace}/{pod}[/{uid}].
 * This resolves the container or sandbox through the kubelet core, then hands the connection to
 * the streaming module with a function that asks CRI for the runtime's streaming URL. Errors found
 * before the upgrade are answered as plain HTTP on the raw socket.
 */
import { STATUS_CODES, type IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Logger } from '../../util/log.js';
import type { ExecParams, KubeletApiProvider, StreamingFns } from './types.js';
import { errorText } from '../../util/errors.js';

/** Answers an upgrade request with a plain HTTP error and closes the connection. */
export function rejectUpgrade(socket: Duplex, code: number, message: string): void {
  const head = `HTTP/1.1 ${code} ${STATUS_CODES[code] ?? 'Error'}\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(message)}\r\nConnection: close\r\n\r\n`;
  // A peer that never reads must not keep the socket forever.
  const timer = setTimeout(() => socket.destroy(), 5000);
  timer.unref();
  socket.end(head + message, () => {
    clearTimeout(timer);
    socket.destroy();
  });
}

export interface UpgradeContext {
  provider: KubeletApiProvider;
  streaming: StreamingFns;
  /** Whether the client presented a certificate signed by the cluster CA. */
  authenticated: boolean;
  log: Logger;
}

/** Routes one upgrade request; never throws (failures become an HTTP error on the socket). */
export async function handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext): Promise<void> {
  socket.on('error', () => socket.destroy());
  try {
    await route(req, socket, head, ctx);
  } catch (e) {
    ctx.log.warn('streaming request failed', { path: req.url, error: String(e) });
    if (!socket.destroyed && socket.writable) rejectUpgrade(socket, 500, String(e instanceof Error ? e.message : e));
  }
}

async function route(req: IncomingMessage, socket: Duplex, head: Buffer, ctx: UpgradeContext): Promise<void> {
  const url = new URL(req.url ?? '/', 'https://kubelet.invalid');
  let parts: string[];
  try {
    parts = url.pathname.split('/').filter((p) => p !== '').map(decodeURIComponent);
  } catch {
    return rejectUpgrade(socket, 400, 'malformed path');
  }
  const [kind = '', ns = '', pod = '', ...rest] = parts;
  if (kind !== 'exec' && kind !== 'attach' && kind !== 'portForward') return rejectUpgrade(socket, 404, '404 page not found\n');
  if (!ctx.authenticated) return rejectUpgrade(socket, 401, 'Unauthorized');
  if (req.method !== 'GET' && req.method !== 'POST') return rejectUpgrade(socket, 405, 'Method Not Allowed');
  const { provider, log } = ctx;

  if (kind === 'portForward') {
    if (ns === '' || pod === '' || rest.length > 1) return rejectUpgrade(socket, 404, '404 page not found\n');
    const found = provider.container(ns, pod);
    if ('error' in found) return rejectUpgrade(socket, found.error.code, found.error.message);
    if (rest[0] !== undefined && rest[0] !== found.pod.metadata?.uid) return rejectUpgrade(socket, 404, `pod not found (${JSON.stringify(`${pod}_${ns}`)})`);
    const sandbox = provider.sandboxId(ns, pod) ?? found.sandboxId;
    if (!sandbox) return rejectUpgrade(socket, 404, `pod not found (${JSON.stringify(`${pod}_${ns}`)})`);
    await ctx.streaming.servePortForward(req, socket, head, {
      runtimeUrl: (ports) => provider.cri.portForward({ pod_sandbox_id: sandbox, port: ports }).then((r) => r.url),
      log,
    });
    return;
  }

  // /exec|attach/{ns}/{pod}/{container} or, with the pod's uid, /exec|attach/{ns}/{pod}/{uid}/{container}.
  if (ns === '' || pod === '' || rest.length < 1 || rest.length > 2) return rejectUpgrade(socket, 404, '404 page not found\n');
  const container = rest[rest.length - 1] ?? '';
  const uid = rest.length === 2 ? rest[0] : undefined;
  const ref = provider.container(ns, pod, container);
  if ('error' in ref) return rejectUpgrade(socket, ref.error.code, ref.error.message);
  const notFound = `container not found (${JSON.stringify(container)})`;
  if (uid !== undefined && uid !== ref.pod.metadata?.uid) return rejectUpgrade(socket, 404, notFound);
  const id = ref.containerId;
  if (!id || !ref.running) return rejectUpgrade(socket, 404, notFound);
  let params: ExecParams;
  try {
    params = ctx.streaming.parseExecQuery(url);
  } catch (e) {
    return rejectUpgrade(socket, 400, errorText(e));
  }
  const runtimeUrl =
    kind === 'exec'
      ? (p: ExecParams) => provider.cri.exec({ container_id: id, cmd: p.command, tty: p.tty, stdin: p.stdin, stdout: p.stdout, stderr: p.stderr }).then((r) => r.url)
      : (p: ExecParams) => provider.cri.attach({ container_id: id, stdin: p.stdin, tty: p.tty, stdout: p.stdout, stderr: p.stderr }).then((r) => r.url);
  await ctx.streaming.serveExec(req, socket, head, { params, runtimeUrl, log });
}
