// Job podFailurePolicy and successPolicy validation (upstream pkg/apis/batch/validation).
import type * as batchV1 from '../generated/batch/v1.js';
import { field } from '../errors.js';
import { isQualifiedName } from './names.js';
import { nonNegative, type FieldError, type FieldPath } from './group-helpers.js';

const ACTIONS = ['Count', 'FailIndex', 'FailJob', 'Ignore'];
const EXIT_OPERATORS = ['In', 'NotIn'];
const CONDITION_STATUSES = ['False', 'True', 'Unknown'];

/** Go's `%q` of a []string: `["a" "b"]`. */
const goQuotedList = (xs: readonly string[]): string => `[${xs.map((x) => JSON.stringify(x)).join(' ')}]`;

function exitCodesErrors(req: batchV1.PodFailurePolicyOnExitCodesRequirement, path: FieldPath, containers: Set<string>): FieldError[] {
  const errs: FieldError[] = [];
  const op = req.operator ?? '';
  if (op === '') errs.push(field.required(path.child('operator'), `valid values: ${goQuotedList(EXIT_OPERATORS)}`));
  else if (!EXIT_OPERATORS.includes(op)) errs.push(field.notSupported(path.child('operator'), op, EXIT_OPERATORS));
  if (req.containerName !== undefined && req.containerName !== null && !containers.has(req.containerName)) {
    errs.push(field.invalid(path.child('containerName'), req.containerName, 'must be one of the container or initContainer names in the pod template'));
  }
  const values = req.values ?? [];
  const vPath = path.child('values');
  if (values.length === 0) errs.push(field.invalid(vPath, values, 'at least one value is required'));
  else if (values.length > 255) errs.push(field.tooMany(vPath, values.length, 255));
  const seen = new Set<number>();
  let ordered = true;
  values.forEach((v, j) => {
    if (op === 'In' && v === 0) errs.push(field.invalid(vPath.index(j), v, 'must not be 0 for the In operator'));
    if (seen.has(v)) errs.push(field.duplicate(vPath.index(j), v));
    else seen.add(v);
    const prev = values[j - 1];
    if (prev !== undefined && prev > v) ordered = false;
  });
  if (!ordered) errs.push(field.invalid(vPath, values, 'must be ordered'));
  return errs;
}

function podConditionsErrors(patterns: batchV1.PodFailurePolicyOnPodConditionsPattern[], path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (patterns.length > 20) errs.push(field.tooMany(path, patterns.length, 20));
  patterns.forEach((p, j) => {
    const pp = path.index(j);
    for (const m of isQualifiedName(p.type ?? '')) errs.push(field.invalid(pp.child('type'), p.type ?? '', m));
    const status = p.status ?? '';
    if (status === '') errs.push(field.required(pp.child('status'), `valid values: ${goQuotedList(CONDITION_STATUSES)}`));
    else if (!CONDITION_STATUSES.includes(status)) errs.push(field.notSupported(pp.child('status'), status, CONDITION_STATUSES));
  });
  return errs;
}

/** Upstream `validatePodFailurePolicy`. */
export function podFailurePolicyErrors(spec: batchV1.JobSpec, path: FieldPath): FieldError[] {
  const rules = spec.podFailurePolicy?.rules ?? [];
  const rulesPath = path.child('rules');
  const errs: FieldError[] = [];
  if (rules.length > 20) errs.push(field.tooMany(rulesPath, rules.length, 20));
  const podSpec = spec.template?.spec;
  const containers = new Set([...(podSpec?.containers ?? []), ...(podSpec?.initContainers ?? [])].map((c) => c.name));
  rules.forEach((rule, i) => {
    const rp = rulesPath.index(i);
    const action = rule.action ?? '';
    if (action === '') errs.push(field.required(rp.child('action'), `valid values: ${goQuotedList(ACTIONS)}`));
    else if (action === 'FailIndex') {
      if (spec.backoffLimitPerIndex === undefined || spec.backoffLimitPerIndex === null) {
        errs.push(field.invalid(rp.child('action'), action, 'requires the backoffLimitPerIndex to be set'));
      }
    } else if (!ACTIONS.includes(action)) errs.push(field.notSupported(rp.child('action'), action, ACTIONS));
    const conditions = rule.onPodConditions ?? [];
    if (rule.onExitCodes) errs.push(...exitCodesErrors(rule.onExitCodes, rp.child('onExitCodes'), containers));
    if (conditions.length > 0) errs.push(...podConditionsErrors(conditions, rp.child('onPodConditions')));
    if (rule.onExitCodes && conditions.length > 0) errs.push(field.invalid(rp, undefined, 'specifying both OnExitCodes and OnPodConditions is not supported'));
    if (!rule.onExitCodes && conditions.length === 0) errs.push(field.invalid(rp, undefined, 'specifying one of OnExitCodes and OnPodConditions is required'));
  });
  return errs;
}

/** Upstream `parseIndexInterval`: `[first, last]` or an error text. */
function parseInterval(s: string, completions: number): [number, number] | string {
  const parts = s.split('-');
  if (parts.length > 2) return `the fragment ${JSON.stringify(s)} violates the requirement that an index interval can have at most two parts separated by '-'`;
  const nums: number[] = [];
  for (const p of parts) {
    if (!/^[+-]?[0-9]+$/.test(p)) return `cannot convert string to integer for index: ${JSON.stringify(p)}`;
    const n = Number.parseInt(p, 10);
    if (n >= completions) return `too large index: ${JSON.stringify(p)}`;
    nums.push(n);
  }
  const [x = 0, y = x] = nums;
  if (nums.length > 1 && x >= y) return `non-increasing order, previous: ${x}, current: ${y}`;
  return [x, y];
}

/** Upstream `validateIndexesFormat`: the number of indexes, or an error text. */
export function indexesCount(s: string, completions: number): number | string {
  if (s === '') return 0;
  let last: number | undefined;
  let total = 0;
  for (const part of s.split(',')) {
    const r = parseInterval(part, completions);
    if (typeof r === 'string') return r;
    if (last !== undefined && last >= r[0]) return `non-increasing order, previous: ${last}, current: ${r[0]}`;
    total += r[1] - r[0] + 1;
    last = r[1];
  }
  return total;
}

/** Upstream `validateSuccessPolicy` (the caller has checked Indexed completion mode). */
export function successPolicyErrors(spec: batchV1.JobSpec, path: FieldPath): FieldError[] {
  const rules = spec.successPolicy?.rules ?? [];
  const rulesPath = path.child('rules');
  const errs: FieldError[] = [];
  if (rules.length === 0) errs.push(field.required(rulesPath, 'at least one rules must be specified when the successPolicy is specified'));
  if (rules.length > 20) errs.push(field.tooMany(rulesPath, rules.length, 20));
  const completions = spec.completions ?? 0;
  rules.forEach((rule, i) => {
    const rp = rulesPath.index(i);
    const count = rule.succeededCount ?? undefined;
    const indexes = rule.succeededIndexes ?? undefined;
    if (count === undefined && indexes === undefined) errs.push(field.required(rp, 'at least one of succeededCount or succeededIndexes must be specified'));
    let total = 0;
    if (indexes !== undefined) {
      const ip = rp.child('succeededIndexes');
      if (indexes.length > 64 * 1024) errs.push(field.tooLong(ip, 64 * 1024));
      const r = indexesCount(indexes, completions);
      if (typeof r === 'string') errs.push(field.invalid(ip, indexes, `error parsing succeededIndexes: ${r}`));
      else total = r;
    }
    if (count !== undefined) {
      const cp = rp.child('succeededCount');
      errs.push(...nonNegative(count, cp));
      if (count > completions) errs.push(field.invalid(cp, count, `must be less than or equal to ${completions} (the number of specified completions)`));
      if (indexes !== undefined && count > total) {
        errs.push(field.invalid(cp, count, `must be less than or equal to ${total} (the number of indexes in the specified succeededIndexes field)`));
      }
    }
  });
  return errs;
}
