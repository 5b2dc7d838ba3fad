/**
 * The garbage collector's dependency graph (upstream's GraphBuilder): one node per object uid,
 * edges from owners to dependents taken from ownerReferences, kept current from informer events.
 * Owners referenced before they are seen get "virtual" nodes that the collector verifies against
 * the API. The graph decides nothing: it tells the collector which nodes to look at (attempt to
 * delete, attempt to orphan) when ownership, deletion or finalizers change.
 */
import type { OwnerReference } from '../../api/generated/meta/v1.js';
import type { KubeObject } from '../../client/types.js';
import { groupOf } from '../discovery.js';

/** An object's coordinates: its reference and namespace ('' when cluster-scoped, or unknown for a virtual owner). */
export interface Identity {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  uid: string;
}

/** The finalizer the API server sets for `propagationPolicy: Foreground`. */
export const FOREGROUND = 'foregroundDeletion';
/** The finalizer the API server sets for `propagationPolicy: Orphan`. */
export const ORPHAN = 'orphan';

/** One object (or a referenced owner not seen yet) in the graph. */
export class GraphNode {
  identity: Identity;
  owners: OwnerReference[];
  readonly dependents = new Set<GraphNode>();
  /** Known only from a dependent's reference: not (yet) observed through an informer. */
  virtual: boolean;
  /** Has a deletionTimestamp (one-way). */
  beingDeleted = false;
  /** Being deleted in the foreground: waits for its blocking dependents to go. */
  deletingDependents = false;

  constructor(identity: Identity, owners: OwnerReference[], virtual: boolean) {
    this.identity = identity;
    this.owners = owners;
    this.virtual = virtual;
  }

  /** Dependents whose reference to this node has blockOwnerDeletion: a foreground deletion waits for them. */
  blockingDependents(): GraphNode[] {
    return [...this.dependents].filter((d) => d.owners.some((o) => o.uid === this.identity.uid && o.blockOwnerDeletion === true));
  }
}

/** What the graph asks of the collector. */
export interface GraphSink {
  attemptToDelete(n: GraphNode): void;
  attemptToOrphan(n: GraphNode): void;
  /** A dependent references an observed owner in another namespace (an invalid reference). */
  invalidNamespaceOwnerRef(dependent: GraphNode, ownerUid: string): void;
}

/** Whether a reference names `id` (uid, name, kind and group; the version may differ). */
export const refMatches = (ref: OwnerReference, id: Identity): boolean =>
  ref.uid === id.uid && ref.name === id.name && ref.kind === id.kind && groupOf(ref.apiVersion) === groupOf(id.apiVersion);

const sameIdentity = (a: Identity, b: Identity) => a.uid === b.uid && a.name === b.name && a.kind === b.kind && a.namespace === b.namespace && groupOf(a.apiVersion) === groupOf(b.apiVersion);

const beingDeleted = (o: KubeObject | undefined) => !!o?.metadata?.deletionTimestamp;
const hasFinalizer = (o: KubeObject | undefined, f: string) => (o?.metadata?.finalizers ?? []).includes(f);

/** `cur` has just started being deleted with finalizer `f` (it was not, with `f`, as `old`). */
function startsDeletingWith(old: KubeObject | undefined, cur: KubeObject, f: string): boolean {
  if (!beingDeleted(cur) || !hasFinalizer(cur, f)) return false;
  return !old || !beingDeleted(old) || !hasFinalizer(old, f);
}

/**
 * Owners verified absent (by a delete event or a 404 / uid mismatch), so dependents are not
 * re-verified one GET each. Bounded; the oldest entries go first.
 */
export class AbsentOwners {
  readonly #keys = new Set<string>();
  constructor(private readonly max = 500) {}

  static key(ref: Pick<OwnerReference, 'uid' | 'name' | 'kind' | 'apiVersion'>, namespace: string): string {
    return JSON.stringify([ref.uid, namespace, ref.name, ref.kind, groupOf(ref.apiVersion)]);
  }

  add(id: Identity): void {
    const k = AbsentOwners.key(id, id.namespace);
    this.#keys.delete(k);
    this.#keys.add(k);
    if (this.#keys.size > this.max) {
      const oldest = this.#keys.values().next();
      if (!oldest.done) this.#keys.delete(oldest.value);
    }
  }

  has(ref: OwnerReference, namespace: string): boolean {
    return this.#keys.has(AbsentOwners.key(ref, namespace));
  }
}

/** The graph: nodes by uid, updated from informer events and the collector's findings. */
export class Graph {
  readonly nodes = new Map<string, GraphNode>();
  readonly absent = new AbsentOwners();

  constructor(private readonly sink: GraphSink) {}

  /** An object was added or updated (`old` is its previous state, if known). */
  observe(id: Identity, cur: KubeObject, old?: KubeObject): void {
    const owners = [...((cur.metadata?.ownerReferences ?? []))];
    let node = this.nodes.get(id.uid);
    if (!node) {
      node = new GraphNode(id, owners, false);
      node.beingDeleted = beingDeleted(cur);
      this.nodes.set(id.uid, node);
      this.#addToOwners(node, owners);
    } else {
      if (node.virtual) {
        // Seen at last: dependents that named it by other coordinates may hold invalid references.
        if (!sameIdentity(node.identity, id)) {
          const { nonMatching } = partitionDependents(node, id);
          for (const d of nonMatching) this.sink.attemptToDelete(d);
          node.identity = id;
        }
        node.virtual = false;
      }
      const { added, removed, changed } = diffOwners(node.owners, owners);
      if (added.length || removed.length || changed.length) {
        // References that stopped blocking may let a foreground deletion finish.
        for (const r of [...removed.filter((x) => x.blockOwnerDeletion === true), ...changed.filter(([a, b]) => a.blockOwnerDeletion === true && b.blockOwnerDeletion !== true).map(([a]) => a)]) {
          const owner = this.nodes.get(r.uid);
          if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
        }
        node.owners = owners;
        this.#addToOwners(node, added);
        for (const r of removed) this.nodes.get(r.uid)?.dependents.delete(node);
      }
      if (beingDeleted(cur)) node.beingDeleted = true;
    }
    if (startsDeletingWith(old, cur, ORPHAN)) {
      this.sink.attemptToOrphan(node);
      return;
    }
    if (startsDeletingWith(old, cur, FOREGROUND)) {
      node.deletingDependents = true;
      for (const d of node.dependents) this.sink.attemptToDelete(d);
      this.sink.attemptToDelete(node);
    }
  }

  /** Links `node` under each owner, making virtual owners for unseen ones (which the collector verifies). */
  #addToOwners(node: GraphNode, owners: readonly OwnerReference[]): void {
    let suspicious = false;
    for (const ref of owners) {
      let owner = this.nodes.get(ref.uid);
      if (!owner) {
        owner = new GraphNode({ apiVersion: ref.apiVersion, kind: ref.kind, name: ref.name, uid: ref.uid, namespace: node.identity.namespace }, [], true);
        this.nodes.set(ref.uid, owner);
        owner.dependents.add(node);
        this.sink.attemptToDelete(owner);
        continue;
      }
      owner.dependents.add(node);
      // Seen after its owner started a foreground deletion (informers list in any order): it goes too.
      if (owner.deletingDependents) this.sink.attemptToDelete(node);
      if (suspicious) continue;
      const ownerNamespaced = owner.identity.namespace !== '';
      if (ownerNamespaced && owner.identity.namespace !== node.identity.namespace) {
        // A namespaced owner can only own objects of its own namespace.
        if (!owner.virtual) this.sink.invalidNamespaceOwnerRef(node, ref.uid);
        suspicious = true;
      } else if (!refMatches(ref, owner.identity)) {
        suspicious = true;
      } else if (!ownerNamespaced && owner.virtual && owner.identity.namespace !== node.identity.namespace) {
        suspicious = true;
      }
    }
    // Let the collector verify the references against the API.
    if (suspicious) this.sink.attemptToDelete(node);
  }

  /** An object was deleted (observed through an informer). */
  remove(id: Identity): void {
    const node = this.nodes.get(id.uid);
    if (node) this.#removeNode(node, id);
  }

  /**
   * The API says `id` does not exist (a 404 or another uid where a virtual or stale node pointed).
   * A virtual node some dependents know by other coordinates stays, under those coordinates.
   */
  virtualDelete(id: Identity): void {
    const node = this.nodes.get(id.uid);
    if (!node) return;
    if (node.virtual) {
      const { matching, nonMatching } = partitionDependents(node, id);
      if (nonMatching.length > 0) {
        if (matching.length > 0) {
          this.absent.add(id);
          for (const d of matching) this.sink.attemptToDelete(d);
        }
        if (sameIdentity(node.identity, id)) {
          const alt = alternateIdentity(nonMatching, id);
          if (alt) {
            node.identity = alt;
            this.sink.attemptToDelete(node);
          }
        }
        return;
      }
    } else if (!sameIdentity(node.identity, id)) {
      // The observed object is fine; only references by the wrong coordinates are dangling.
      const { matching } = partitionDependents(node, id);
      if (matching.length > 0) {
        this.absent.add(id);
        for (const d of matching) this.sink.attemptToDelete(d);
      }
      return;
    }
    this.#removeNode(node, id);
  }

  #removeNode(node: GraphNode, id: Identity): void {
    this.nodes.delete(node.identity.uid);
    for (const r of node.owners) this.nodes.get(r.uid)?.dependents.delete(node);
    if (node.dependents.size > 0) this.absent.add(id);
    for (const d of node.dependents) this.sink.attemptToDelete(d);
    // Owners deleting in the foreground may have been waiting for this one.
    for (const r of node.owners) {
      const owner = this.nodes.get(r.uid);
      if (owner?.deletingDependents) this.sink.attemptToDelete(owner);
    }
  }
}

function diffOwners(old: readonly OwnerReference[], cur: readonly OwnerReference[]) {
  const oldBy = new Map(old.map((r) => [r.uid, r]));
  const curBy = new Map(cur.map((r) => [r.uid, r]));
  const added = cur.filter((r) => !oldBy.has(r.uid));
  const removed = old.filter((r) => !curBy.has(r.uid));
  const changed: [OwnerReference, OwnerReference][] = [];
  for (const r of cur) {
    const o = oldBy.get(r.uid);
    if (o && JSON.stringify(o) !== JSON.stringify(r)) changed.push([o, r]);
  }
  return { added, removed, changed };
}

/** Dependents whose reference to the node matches `id` in every coordinate, and those whose does not. */
function partitionDependents(node: GraphNode, id: Identity): { matching: GraphNode[]; nonMatching: GraphNode[] } {
  const matching: GraphNode[] = [];
  const nonMatching: GraphNode[] = [];
  for (const d of node.dependents) {
    let match = false;
    let mismatch = false;
    if (id.namespace !== '' && id.namespace !== d.identity.namespace) mismatch = true;
    else {
      for (const r of d.owners) {
        if (r.uid !== id.uid) continue;
        if (refMatches(r, id)) match = true;
        else mismatch = true;
      }
    }
    if (match) matching.push(d);
    if (mismatch) nonMatching.push(d);
  }
  return { matching, nonMatching };
}

/**
 * Other coordinates dependents know the owner by: the first, in a fixed order, that sorts after
 * `id` (else the first), so successive verifications walk through all of them instead of looping.
 */
function alternateIdentity(dependents: readonly GraphNode[], id: Identity): Identity | undefined {
  const key = (x: Identity) => JSON.stringify([x.namespace, x.apiVersion, x.kind, x.name]);
  const alts = new Map<string, Identity>();
  for (const d of dependents) {
    for (const r of d.owners) {
      if (r.uid !== id.uid) continue;
      const alt: Identity = { apiVersion: r.apiVersion, kind: r.kind, name: r.name, uid: r.uid, namespace: d.identity.namespace };
      if (!sameIdentity(alt, id)) alts.set(key(alt), alt);
    }
  }
  const sorted = [...alts.keys()].sort();
  const next = sorted.find((k) => k > key(id)) ?? sorted[0];
  return next === undefined ? undefined : alts.get(next);
}
