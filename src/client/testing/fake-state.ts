/**
 * The fake API server's state: objects per resource, a global revision counter that becomes each
 * object's resourceVersion, an event log that watches replay from, compaction (after which old
 * resourceVersions answer 410), and the fan-out to open watches. Test-only.
 */
import { randomUUID } from 'node:crypto';
import { fieldsOf, parseFieldSelector, parseLabelSelector } from '../../api/selectors.js';
import { badRequest } from '../../api/errors.js';
import type { KubeObject, WatchEventType } from '../types.js';

/** A resource the fake serves. */
export interface FakeResource {
  group: string;
  version: string;
  resource: string;
  kind: string;
  namespaced: boolean;
  /** Has a status subresource (main-resource writes keep status; status writes keep the rest). */
  status?: boolean;
}

/** An object as stored: always with metadata. */
export type Obj = KubeObject & { metadata: NonNullable<KubeObject['metadata']>; [k: string]: unknown };

interface LogEntry {
  rv: number;
  res: string;
  type: 'ADDED' | 'MODIFIED' | 'DELETED';
  obj: Obj;
  old?: Obj;
}

/** Which objects a list or watch wants. */
export interface Filter {
  res: FakeResource;
  namespace?: string;
  labelSelector?: string;
  fieldSelector?: string;
}

/** One open watch. */
export interface Watcher {
  filter: (o: Obj) => boolean;
  res: string;
  bookmarks: boolean;
  send: (type: WatchEventType, obj: unknown) => void;
  close: () => void;
}

/** The map key of a resource: `group/resource`. */
export const resKey = (r: Pick<FakeResource, 'group' | 'resource'>) => `${r.group}/${r.resource}`;
/** The map key of an object: `namespace/name` or `name`. */
export const objKey = (o: Obj) => (o.metadata.namespace ? `${o.metadata.namespace}/${o.metadata.name ?? ''}` : (o.metadata.name ?? ''));
const clone = <T>(v: T): T => structuredClone(v);

/** Objects, revisions, history and watchers. */
export class FakeState {
  rv = 1;
  compactedRv = 0;
  readonly objects = new Map<string, Map<string, Obj>>();
  log: LogEntry[] = [];
  readonly watchers = new Set<Watcher>();

  /** `now` stamps creationTimestamp (a fake clock's, in controller tests). */
  constructor(private readonly now: () => number = Date.now) {}

  /** The objects of one resource, by key. */
  bucket(res: FakeResource): Map<string, Obj> {
    let m = this.objects.get(resKey(res));
    if (!m) this.objects.set(resKey(res), (m = new Map<string, Obj>()));
    return m;
  }

  /** A predicate for a filter; a bad selector throws a 400 ApiError. */
  matcher(f: Filter): (o: Obj) => boolean {
    const labels = parseLabelSelector(f.labelSelector ?? '');
    if (!labels.ok) throw badRequest(labels.error);
    const fields = parseFieldSelector(f.fieldSelector ?? '');
    if (!fields.ok) throw badRequest(fields.error);
    const gk = { group: f.res.group, kind: f.res.kind };
    return (o) =>
      (!f.namespace || o.metadata.namespace === f.namespace) &&
      labels.value.matches(o.metadata.labels) &&
      fields.value.matches(fieldsOf(gk, o, f.res.namespaced));
  }

  /** Current matching objects, sorted by key. */
  list(f: Filter): Obj[] {
    const match = this.matcher(f);
    return [...this.bucket(f.res).entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, o]) => o).filter(match);
  }

  /** Stores a write: bumps the revision, stamps the object, logs and fans out. Returns a copy. */
  write(res: FakeResource, type: LogEntry['type'], obj: Obj, old?: Obj): Obj {
    const stored = clone(obj);
    this.rv++;
    stored.metadata.resourceVersion = String(this.rv);
    if (type === 'ADDED') {
      stored.metadata.uid ??= randomUUID();
      stored.metadata.creationTimestamp ??= new Date(this.now()).toISOString().replace(/\.\d{3}Z$/, 'Z');
    }
    if (type === 'DELETED') this.bucket(res).delete(objKey(stored));
    else this.bucket(res).set(objKey(stored), stored);
    const entry: LogEntry = { rv: this.rv, res: resKey(res), type, obj: stored, old };
    this.log.push(entry);
    for (const w of this.watchers) this.deliver(w, entry);
    return clone(stored);
  }

  /** Sends a log entry to a watcher, turning selector transitions into ADDED/DELETED as the real server does. */
  deliver(w: Watcher, e: LogEntry): void {
    if (w.res !== e.res) return;
    const now = w.filter(e.obj);
    const before = e.old !== undefined && w.filter(e.old);
    if (e.type === 'MODIFIED' && now && !before) w.send('ADDED', e.obj);
    else if (e.type === 'MODIFIED' && !now && before) w.send('DELETED', e.obj);
    else if (now) w.send(e.type, e.obj);
  }

  /** Forgets history up to now: watches and continue tokens from older revisions get 410. */
  compact(): void {
    this.compactedRv = this.rv;
    this.log = [];
  }

  /** Sends a BOOKMARK at the current revision to every watch that allows bookmarks. */
  bookmark(kindOf: (res: string) => { apiVersion: string; kind: string }): void {
    for (const w of this.watchers) {
      if (w.bookmarks) w.send('BOOKMARK', { ...kindOf(w.res), metadata: { resourceVersion: String(this.rv) } });
    }
  }

  /** Ends every open watch stream (a dropped connection, as the client sees it). */
  closeWatches(): void {
    for (const w of [...this.watchers]) w.close();
  }
}
