/**
 * Pod (anti-)affinity terms compiled once per pod: the label selector, the namespaces the term
 * looks in (its own list, or the pod's namespace when neither a list nor a namespaceSelector is
 * given) and the topology key, as upstream's framework.AffinityTerm.
 */
import type { PodAffinityTerm, WeightedPodAffinityTerm } from '../../api/generated/core/v1.js';
import { labelSelectorFromSpec, type LabelSelector, type Labels } from '../../api/selectors.js';

/** Looks up a namespace's labels (for namespaceSelector); undefined when unknown. */
export type NamespaceLabels = (namespace: string) => Labels;

/** One compiled term. */
export interface AffinityTerm {
  readonly selector: LabelSelector;
  readonly namespaces: ReadonlySet<string>;
  /** undefined when the term has no namespaceSelector. */
  readonly namespaceSelector: LabelSelector | undefined;
  readonly topologyKey: string;
}

/** A preferred term with its weight. */
export interface WeightedAffinityTerm extends AffinityTerm {
  readonly weight: number;
}

/** Compiles a term; throws a message on an invalid selector (the API rejects those first). */
export function compileTerm(namespace: string, t: PodAffinityTerm): AffinityTerm {
  const sel = labelSelectorFromSpec(t.labelSelector);
  if (!sel.ok) throw new Error(sel.error);
  let namespaceSelector: LabelSelector | undefined;
  if (t.namespaceSelector) {
    const ns = labelSelectorFromSpec(t.namespaceSelector);
    if (!ns.ok) throw new Error(ns.error);
    namespaceSelector = ns.value;
  }
  const list = t.namespaces ?? [];
  const namespaces = new Set(list.length === 0 && !t.namespaceSelector ? [namespace] : list);
  return { selector: sel.value, namespaces, namespaceSelector, topologyKey: t.topologyKey };
}

/** Compiles a list of required terms. */
export const compileTerms = (namespace: string, terms: readonly PodAffinityTerm[] | undefined): AffinityTerm[] => (terms ?? []).map((t) => compileTerm(namespace, t));

/** Compiles a list of preferred terms (weight 0 terms are kept; they add nothing). */
export const compileWeightedTerms = (namespace: string, terms: readonly WeightedPodAffinityTerm[] | undefined): WeightedAffinityTerm[] =>
  (terms ?? []).map((t) => ({ ...compileTerm(namespace, t.podAffinityTerm), weight: t.weight }));

/** Whether a pod (its namespace and labels) is selected by `term`. */
export function termMatches(term: AffinityTerm, podNamespace: string, podLabels: Labels, nsLabels: NamespaceLabels): boolean {
  if (!term.namespaces.has(podNamespace)) {
    if (!term.namespaceSelector) return false;
    const labels = nsLabels(podNamespace);
    if (labels === undefined || !term.namespaceSelector.matches(labels)) return false;
  }
  return term.selector.matches(podLabels);
}
