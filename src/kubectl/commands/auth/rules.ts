/**
 * The table of `kubectl auth can-i --list` (kubectl's rbac util and printAccess): a
 * SelfSubjectRulesReview's rules broken down to one verb, resource and name each, merged back per
 * resource (verbs in first-seen order), sorted by the Go string form of the rule, and printed as
 * `Resources  Non-Resource URLs  Resource Names  Verbs`.
 */
import { TabWriter } from '../../printers/tabwriter.js';

/** rbac/v1 PolicyRule. */
export interface PolicyRule {
  verbs?: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
  nonResourceURLs?: string[];
}

/** authorization/v1 SubjectRulesReviewStatus. */
export interface RulesReviewStatus {
  resourceRules?: Array<{ verbs?: string[]; apiGroups?: string[]; resources?: string[]; resourceNames?: string[] }>;
  nonResourceRules?: Array<{ verbs?: string[]; nonResourceURLs?: string[] }>;
  incomplete?: boolean;
  evaluationError?: string;
}

/** Go's `%v` of a []string: `[a b]`, `[]` when empty. */
export const goList = (xs: readonly string[] | undefined): string => `[${(xs ?? []).join(' ')}]`;

/** The status's rules as PolicyRules, resource rules first. */
export function policyRules(status: RulesReviewStatus): PolicyRule[] {
  return [
    ...(status.resourceRules ?? []).map((r) => ({ verbs: r.verbs, apiGroups: r.apiGroups, resources: r.resources, resourceNames: r.resourceNames })),
    ...(status.nonResourceRules ?? []).map((r) => ({ verbs: r.verbs, nonResourceURLs: r.nonResourceURLs })),
  ];
}

/** One rule per group × resource × verb (× name), and per URL × verb. */
export function breakdown(rule: PolicyRule): PolicyRule[] {
  const out: PolicyRule[] = [];
  for (const group of rule.apiGroups ?? []) {
    for (const resource of rule.resources ?? []) {
      for (const verb of rule.verbs ?? []) {
        if ((rule.resourceNames ?? []).length > 0) {
          for (const name of rule.resourceNames ?? []) out.push({ apiGroups: [group], resources: [resource], verbs: [verb], resourceNames: [name] });
        } else {
          out.push({ apiGroups: [group], resources: [resource], verbs: [verb] });
        }
      }
    }
  }
  for (const url of rule.nonResourceURLs ?? []) for (const verb of rule.verbs ?? []) out.push({ nonResourceURLs: [url], verbs: [verb] });
  return out;
}

/** Key of a rule naming one group, one resource and at most one name (and nothing else), else undefined. */
function simpleKey(rule: PolicyRule): string | undefined {
  if ((rule.resourceNames ?? []).length > 1 || (rule.nonResourceURLs ?? []).length > 0) return undefined;
  if ((rule.apiGroups ?? []).length !== 1 || (rule.resources ?? []).length !== 1) return undefined;
  return JSON.stringify([rule.apiGroups?.[0], rule.resources?.[0], rule.resourceNames?.[0] ?? null]);
}

/** Merges the verbs of rules on the same single resource (and name); other rules stay as they are. */
export function compact(rules: PolicyRule[]): PolicyRule[] {
  const others: PolicyRule[] = [];
  const simple = new Map<string, PolicyRule>();
  for (const rule of rules) {
    const key = simpleKey(rule);
    if (key === undefined) {
      others.push(rule);
      continue;
    }
    const existing = simple.get(key);
    if (!existing) {
      simple.set(key, { ...rule, verbs: [...(rule.verbs ?? [])] });
      continue;
    }
    const verbs = existing.verbs ?? [];
    for (const v of rule.verbs ?? []) if (!verbs.includes(v)) verbs.push(v);
    existing.verbs = verbs;
  }
  return [...others, ...simple.values()];
}

/** PolicyRule.String() from the generated protobuf code, the sort key kubectl uses. */
export function ruleString(r: PolicyRule): string {
  return `&PolicyRule{Verbs:${goList(r.verbs)},APIGroups:${goList(r.apiGroups)},Resources:${goList(r.resources)},ResourceNames:${goList(r.resourceNames)},NonResourceURLs:${goList(r.nonResourceURLs)},}`;
}

/** describe.CombineResourceGroup: `pods`, `deployments.apps`, `pods.x/log` ('' without resources). */
export function combineResourceGroup(resources: string[] | undefined, groups: string[] | undefined): string {
  const first = resources?.[0];
  if (first === undefined) return '';
  const slash = first.indexOf('/');
  let out = slash < 0 ? first : first.slice(0, slash);
  const group = groups?.[0];
  if (group) out += `.${group}`;
  if (slash >= 0) out += `/${first.slice(slash + 1)}`;
  return out;
}

/** The `--list` table for the review's rules. */
export function accessTable(status: RulesReviewStatus, noHeaders: boolean): string {
  const rules = compact(policyRules(status).flatMap(breakdown));
  // Array.prototype.sort is stable, as kubectl's sort.Stable; byte order equals UTF-16 order for these ASCII keys.
  const keyed = rules.map((r) => ({ r, key: ruleString(r) })).sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  const w = new TabWriter();
  if (!noHeaders) w.write('Resources\tNon-Resource URLs\tResource Names\tVerbs\n');
  for (const { r } of keyed) w.write(`${combineResourceGroup(r.resources, r.apiGroups)}\t${goList(r.nonResourceURLs)}\t${goList(r.resourceNames)}\t${goList(r.verbs)}\n`);
  return w.flush();
}
