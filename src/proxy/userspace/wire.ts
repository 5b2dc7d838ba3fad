/**
 * The line protocol between a test (or bench) and a userspace backend running in another network
 * namespace: one JSON request per line in, one `ok` / `error <message>` line out.
 */
import type { NodeNetwork, ProxySnapshot, ServiceEndpoint, ServicePort, SyncRequest } from '../model.js';

/** A sync as JSON: the snapshot's maps as a list and an object. */
export interface SyncLine {
  readonly snapshot: { readonly services: readonly ServicePort[]; readonly endpoints: Readonly<Record<string, readonly ServiceEndpoint[]>> };
  readonly changed: readonly string[] | 'all';
}

/** One request: a sync, or `{"op":"close"}` / `{"op":"cleanup"}`. */
export type RequestLine = SyncLine | { readonly op: 'close' | 'cleanup' };

/** The node and tuning options, passed to the runner as its one argument. */
export type RunnerConfig = Omit<NodeNetwork, 'exec'> & {
  readonly connectTimeoutMs?: number;
  readonly maxTries?: number;
  readonly udpIdleMs?: number;
};

export function encodeSync(req: SyncRequest): string {
  const line: SyncLine = {
    snapshot: { services: [...req.snapshot.services.values()], endpoints: Object.fromEntries(req.snapshot.endpoints) },
    changed: req.changed === 'all' ? 'all' : [...req.changed],
  };
  return JSON.stringify(line);
}

export function decodeSync(line: SyncLine): SyncRequest {
  const snapshot: ProxySnapshot = {
    services: new Map(line.snapshot.services.map((s) => [s.id, s])),
    endpoints: new Map(Object.entries(line.snapshot.endpoints)),
  };
  return { snapshot, changed: line.changed === 'all' ? 'all' : new Set(line.changed) };
}
