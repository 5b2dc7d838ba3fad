/**
 * Node selectors compiled once per pod (upstream component-helpers nodeaffinity): nodeSelector,
 * required node affinity (terms ORed; expressions and fields within a term ANDed; an empty term
 * matches nothing) and preferred terms with weights. matchFields supports `metadata.name`, which
 * is how DaemonSet pods pin themselves to one node.
 */
import type { NodeSelectorRequirement, NodeSelectorTerm, Pod, PreferredSchedulingTerm } from '../../api/generated/core/v1.js';

/** What a node selector reads from a node. */
export interface NodeView {
  name: string;
  labels: Readonly<Record<string, string>>;
}

type Check = (node: NodeView) => boolean;

const INT_RE = /^[+-]?\d+$/;

function labelCheck(r: NodeSelectorRequirement): Check | undefined {
  const { key } = r;
  const values = r.values ?? [];
  switch (r.operator) {
    case 'In': {
      if (values.length === 0) return undefined;
      const set = new Set(values);
      return (n) => Object.hasOwn(n.labels, key) && set.has(n.labels[key] ?? '');
    }
    case 'NotIn': {
      if (values.length === 0) return undefined;
      const set = new Set(values);
      return (n) => !Object.hasOwn(n.labels, key) || !set.has(n.labels[key] ?? '');
    }
    case 'Exists':
      return values.length === 0 ? (n) => Object.hasOwn(n.labels, key) : undefined;
    case 'DoesNotExist':
      return values.length === 0 ? (n) => !Object.hasOwn(n.labels, key) : undefined;
    case 'Gt':
    case 'Lt': {
      const v = values[0];
      if (values.length !== 1 || v === undefined || !INT_RE.test(v)) return undefined;
      const want = BigInt(v);
      const gt = r.operator === 'Gt';
      return (n) => {
        const have = n.labels[key];
        if (have === undefined || !INT_RE.test(have)) return false;
        return gt ? BigInt(have) > want : BigInt(have) < want;
      };
    }
    default:
      return undefined;
  }
}

function fieldCheck(r: NodeSelectorRequirement): Check | undefined {
  // Only metadata.name is a supported node field; In/NotIn with exactly one value, as validation allows.
  if (r.key !== 'metadata.name') return undefined;
  const set = new Set(r.values ?? []);
  if (set.size === 0) return undefined;
  if (r.operator === 'In') return (n) => set.has(n.name);
  if (r.operator === 'NotIn') return (n) => !set.has(n.name);
  return undefined;
}

/** A compiled term; undefined when it can never match (empty or invalid). */
function compileTerm(t: NodeSelectorTerm | undefined): Check | undefined {
  if (!t) return undefined;
  const exprs = t.matchExpressions ?? [];
  const fields = t.matchFields ?? [];
  if (exprs.length === 0 && fields.length === 0) return undefined;
  const checks: Check[] = [];
  for (const r of exprs) {
    const c = labelCheck(r);
    if (!c) return undefined;
    checks.push(c);
  }
  for (const r of fields) {
    const c = fieldCheck(r);
    if (!c) return undefined;
    checks.push(c);
  }
  return (n) => {
    for (const c of checks) if (!c(n)) return false;
    return true;
  };
}

/** The node names a term set pins the pod to via `metadata.name In`, or undefined when it does not. */
function pinnedNames(terms: readonly NodeSelectorTerm[]): Set<string> | undefined {
  const names = new Set<string>();
  for (const t of terms) {
    const f = (t.matchFields ?? []).find((r) => r.key === 'metadata.name' && r.operator === 'In');
    // One term without a name pin can match any node: no restriction.
    if (!f) return undefined;
    for (const v of f.values ?? []) names.add(v);
  }
  return names;
}

/** A pod's required node placement: nodeSelector AND required node affinity. */
export class RequiredNodeAffinity {
  readonly #selector: readonly [string, string][];
  /** undefined: no required affinity; otherwise the compiled terms (an empty list matches nothing). */
  readonly #terms: Check[] | undefined;
  /** Nodes the pod is pinned to by `metadata.name In` in every term (DaemonSet pods), if any. */
  readonly nodeNames: ReadonlySet<string> | undefined;

  constructor(pod: Pod) {
    this.#selector = Object.entries(pod.spec?.nodeSelector ?? {});
    const required = pod.spec?.affinity?.nodeAffinity?.requiredDuringSchedulingIgnoredDuringExecution;
    if (required) {
      const terms = required.nodeSelectorTerms ?? [];
      this.#terms = terms.map(compileTerm).filter((c): c is Check => c !== undefined);
      this.nodeNames = terms.length > 0 ? pinnedNames(terms) : undefined;
    }
  }

  /** True when the pod places no requirement on nodes. */
  get isEmpty(): boolean {
    return this.#selector.length === 0 && this.#terms === undefined;
  }

  /** Whether `node` satisfies the nodeSelector and the required affinity. */
  matches(node: NodeView): boolean {
    for (const [k, v] of this.#selector) if (node.labels[k] !== v) return false;
    if (this.#terms === undefined) return true;
    for (const t of this.#terms) if (t(node)) return true;
    return false;
  }
}

/** Compiled preferred terms: `score(node)` sums the weights of the terms the node matches. */
export class PreferredNodeAffinity {
  readonly #terms: { weight: number; check: Check }[] = [];

  constructor(terms: readonly PreferredSchedulingTerm[] | undefined) {
    for (const t of terms ?? []) {
      if (!t.weight) continue;
      const check = compileTerm(t.preference);
      if (check) this.#terms.push({ weight: t.weight, check });
    }
  }

  get isEmpty(): boolean {
    return this.#terms.length === 0;
  }

  score(node: NodeView): number {
    let s = 0;
    for (const t of this.#terms) if (t.check(node)) s += t.weight;
    return s;
  }
}
