/**
 * GET /containerLogs/{namespace}/{pod}/{container}: the kubelet end of `kubectl logs`. Query as
 * PodLogOptions (follow, tailLines or the older `tail`, timestamps, sinceSeconds, sinceTime,
 * previous, limitBytes); errors in the kubelet's words and codes, as text the API server relays.
 */
import type { ServerResponse } from 'node:http';
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import type { ContainerStatus } from '../../api/generated/core/v1.js';
import type { Logger } from '../../util/log.js';
import { parseRfc3339 } from '../logs/cri-log.js';
import { readContainerLog, type LogReadOptions } from '../logs/reader.js';
import type { ContainerRef, KubeletApiProvider } from './types.js';

/** A request that cannot be served, with the status the kubelet answers it with. */
export interface HttpError {
  code: number;
  message: string;
}

/** PodLogOptions from a query; `previous` kept apart since it picks the file rather than the lines. */
export interface ContainerLogQuery {
  options: LogReadOptions;
  previous: boolean;
  sinceSeconds?: number;
}

// Go's query-to-bool conversion: only absent, "false" and "0" are false (an empty value is true).
const bool = (q: URLSearchParams, k: string): boolean => q.has(k) && !['false', '0'].includes((q.get(k) ?? '').toLowerCase());

function int(q: URLSearchParams, k: string): number | undefined | 'bad' {
  const v = q.get(k);
  if (v === null || v === '') return undefined;
  return /^[+-]?\d+$/.test(v) ? Number(v) : 'bad';
}

/** Parses and validates the query the way the kubelet does; `now` resolves sinceSeconds. */
export function parseContainerLogQuery(q: URLSearchParams, now: number): ContainerLogQuery | HttpError {
  const decodeErr = { code: 400, message: '{"message": "Unable to decode query."}' };
  const invalid = { code: 422, message: '{"message": "Invalid request."}' };
  // The older `tail` parameter, where "all" means no limit.
  const tail = q.get('tail');
  const tailLines = tail !== null && tail !== '' ? (tail === 'all' ? undefined : int(q, 'tail')) : int(q, 'tailLines');
  const sinceSeconds = int(q, 'sinceSeconds');
  const limitBytes = int(q, 'limitBytes');
  if (tailLines === 'bad' || sinceSeconds === 'bad' || limitBytes === 'bad') return decodeErr;
  const sinceRaw = q.get('sinceTime');
  const sinceTime = sinceRaw ? parseRfc3339(sinceRaw) : undefined;
  if (sinceRaw && sinceTime === undefined) return decodeErr;
  if ((tailLines !== undefined && tailLines < 0) || (limitBytes !== undefined && limitBytes < 1)) return invalid;
  if ((sinceSeconds !== undefined && sinceSeconds < 1) || (sinceSeconds !== undefined && sinceTime !== undefined)) return invalid;
  const options: LogReadOptions = {
    follow: bool(q, 'follow'),
    timestamps: bool(q, 'timestamps'),
    tailLines,
    limitBytes,
    sinceTime: sinceSeconds !== undefined ? now - sinceSeconds * 1000 : sinceTime,
  };
  return { options, previous: bool(q, 'previous'), sinceSeconds };
}

function statusOf(ref: ContainerRef): ContainerStatus | undefined {
  const s = ref.pod.status;
  return [...(s?.containerStatuses ?? []), ...(s?.initContainerStatuses ?? []), ...(s?.ephemeralContainerStatuses ?? [])].find((c) => c.name === ref.container);
}

const exists = (p: string): Promise<boolean> => stat(p).then((s) => s.isFile(), () => false);

/** Which file to read for `ref`, or the kubelet's error when there is none yet. */
export async function logFileFor(ref: ContainerRef, previous: boolean): Promise<string | HttpError> {
  const c = JSON.stringify(ref.container);
  const p = JSON.stringify(ref.pod.metadata?.name ?? '');
  if (previous) {
    const path = join(ref.logDir, `${ref.restartCount - 1}.log`);
    if (ref.restartCount < 1 || !(await exists(path))) return { code: 400, message: `previous terminated container ${c} in pod ${p} not found` };
    return path;
  }
  const path = join(ref.logDir, `${ref.restartCount}.log`);
  if (await exists(path)) return path;
  const st = statusOf(ref);
  if (!st) return { code: 400, message: `container ${c} in pod ${p} is not available` };
  const reason = st.state?.waiting?.reason;
  if (st.state?.terminated) return { code: 400, message: `container ${c} in pod ${p} is terminated` };
  if (reason === 'ErrImagePull') return { code: 400, message: `container ${c} in pod ${p} is waiting to start: image can't be pulled` };
  if (reason === 'ImagePullBackOff') return { code: 400, message: `container ${c} in pod ${p} is waiting to start: trying and failing to pull image` };
  if (reason) return { code: 400, message: `container ${c} in pod ${p} is waiting to start: ${reason}` };
  return { code: 400, message: `container ${c} in pod ${p} is waiting to start - no logs yet` };
}

/** Writes a plain-text error the way the kubelet's HTTP layer does. */
export function sendError(res: ServerResponse, e: HttpError): void {
  res.writeHead(e.code, { 'Content-Type': 'text/plain; charset=utf-8', 'Content-Length': Buffer.byteLength(e.message) });
  res.end(e.message);
}

/** Serves one /containerLogs request; `parts` are the path segments after containerLogs. */
export async function serveContainerLogs(
  res: ServerResponse,
  o: { provider: KubeletApiProvider; parts: string[]; query: URLSearchParams; log: Logger; now?: () => number; pollMs?: number },
): Promise<void> {
  const [ns = '', pod = '', container = ''] = o.parts;
  if (pod === '') return sendError(res, { code: 400, message: '{"message": "Missing podID."}' });
  if (container === '') return sendError(res, { code: 400, message: '{"message": "Missing container name."}' });
  if (ns === '') return sendError(res, { code: 400, message: '{"message": "Missing podNamespace."}' });
  const q = parseContainerLogQuery(o.query, (o.now ?? Date.now)());
  if ('code' in q) return sendError(res, q);
  const ref = o.provider.container(ns, pod, container);
  if ('error' in ref) return sendError(res, { code: ref.error.code, message: ref.error.message });
  const path = await logFileFor(ref, q.previous);
  if (typeof path !== 'string') return sendError(res, path);

  const ac = new AbortController();
  const abort = (): void => ac.abort();
  // The response's 'close' is the client going away (or the end of the response): stop reading.
  res.on('close', abort);
  const isRunning = (): boolean => {
    if (q.previous) return false;
    const now = o.provider.container(ns, pod, container);
    return !('error' in now) && now.running && now.restartCount === ref.restartCount && (now.containerId ?? '') === (ref.containerId ?? '');
  };
  res.writeHead(200, { 'Content-Type': 'text/plain', 'Transfer-Encoding': 'chunked', 'Cache-Control': 'no-cache' });
  // Headers go out now, so a follower that has nothing yet still sees the stream open.
  res.flushHeaders();
  try {
    await readContainerLog({ path, options: q.options, out: res, isRunning, signal: ac.signal, pollMs: o.pollMs });
  } catch (e) {
    o.log.warn('reading container log failed', { namespace: ns, pod, container, error: String(e) });
  } finally {
    res.off('close', abort);
    if (!res.writableEnded) res.end();
  }
}
