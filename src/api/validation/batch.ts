// batch/v1 Job validation with kube-apiserver's rules and texts (upstream pkg/apis/batch/validation
// and the options pkg/registry/batch/job/strategy.go passes in).
import type * as batchV1 from '../generated/batch/v1.js';
import type * as metaV1 from '../generated/meta/v1.js';
import { field } from '../errors.js';
import { isDNS1123Label, isDNS1123Subdomain, nameIsDNSSubdomain, regexError } from './names.js';
import { podFailurePolicyErrors, successPolicyErrors } from './batch-policies.js';
import {
  asSelector,
  immutable,
  metaErrors,
  metaUpdateErrors,
  nonNegative,
  podTemplateErrors,
  root,
  SELECTOR_MISMATCH,
  semanticEqual,
  validateLabelSelector,
  type FieldError,
  type FieldPath,
  type GroupValidationOptions,
} from './group-helpers.js';

/** Labels the Job strategy puts on pod templates and selects by (batch/v1 constants). */
export const JOB_LABELS = {
  legacyControllerUid: 'controller-uid',
  legacyJobName: 'job-name',
  controllerUid: 'batch.kubernetes.io/controller-uid',
  jobName: 'batch.kubernetes.io/job-name',
} as const;

const HTTP_PATH_FMT = "[A-Za-z0-9/\\-._~%!$&'()*+,;=:]+";
const httpPathRe = new RegExp(`^${HTTP_PATH_FMT}$`);

/** Upstream `IsDomainPrefixedPath` (for `managedBy`). */
function domainPrefixedPathErrors(value: string, path: FieldPath): FieldError[] {
  if (value === '') return [field.required(path)];
  const slash = value.indexOf('/');
  const host = slash < 0 ? '' : value.slice(0, slash);
  const rest = slash < 0 ? '' : value.slice(slash + 1);
  if (host === '' || rest === '') return [field.invalid(path, value, 'must be a domain-prefixed path (such as "acme.io/foo")')];
  const errs = isDNS1123Subdomain(host).map((m) => field.invalid(path, host, m));
  if (!httpPathRe.test(rest)) errs.push(field.invalid(path, rest, regexError('Invalid path', HTTP_PATH_FMT)));
  return errs;
}

const set = <T>(v: T | undefined | null): v is T => v !== undefined && v !== null;

function indexedErrors(s: batchV1.JobSpec, path: FieldPath): FieldError[] {
  const errs: FieldError[] = [];
  if (!set(s.completions)) errs.push(field.required(path.child('completions'), 'when completion mode is Indexed'));
  if (set(s.parallelism) && s.parallelism > 100000) {
    errs.push(field.invalid(path.child('parallelism'), s.parallelism, 'must be less than or equal to 100000 when completion mode is Indexed'));
  }
  const mfi = s.maxFailedIndexes;
  if (set(s.completions) && set(mfi) && mfi > s.completions) errs.push(field.invalid(path.child('maxFailedIndexes'), mfi, 'must be less than or equal to completions'));
  if (set(mfi) && mfi > 100000) errs.push(field.invalid(path.child('maxFailedIndexes'), mfi, 'must be less than or equal to 100000'));
  if (set(s.completions) && s.completions > 100000 && set(s.backoffLimitPerIndex)) {
    const why = 'when completions are above 100000 and used with backoff limit per index';
    if (!set(mfi)) errs.push(field.required(path.child('maxFailedIndexes'), 'must be specified when completions is above 100000'));
    if (set(s.parallelism) && s.parallelism > 10000) errs.push(field.invalid(path.child('parallelism'), s.parallelism, `must be less than or equal to 10000 ${why}`));
    if (set(mfi) && mfi > 10000) errs.push(field.invalid(path.child('maxFailedIndexes'), mfi, `must be less than or equal to 10000 ${why}`));
  }
  return errs;
}

/** Upstream's inner `validateJobSpec`: everything but the selector (shared with CronJob templates). */
export function jobSpecErrors(spec: batchV1.JobSpec | undefined, path: FieldPath, opts: GroupValidationOptions): FieldError[] {
  const s: Partial<batchV1.JobSpec> = spec ?? {};
  const errs: FieldError[] = [];
  for (const k of ['parallelism', 'completions', 'activeDeadlineSeconds', 'backoffLimit', 'ttlSecondsAfterFinished', 'backoffLimitPerIndex'] as const) {
    errs.push(...nonNegative(s[k], path.child(k)));
  }
  if (set(s.maxFailedIndexes)) {
    errs.push(...nonNegative(s.maxFailedIndexes, path.child('maxFailedIndexes')));
    if (!set(s.backoffLimitPerIndex)) errs.push(field.required(path.child('backoffLimitPerIndex'), 'when maxFailedIndexes is specified'));
  }
  if (set(s.managedBy)) {
    errs.push(...domainPrefixedPathErrors(s.managedBy, path.child('managedBy')));
    if (s.managedBy.length > 63) errs.push(field.tooLong(path.child('managedBy'), 63));
  }
  const mode = s.completionMode ?? 'NonIndexed';
  if (set(s.completionMode)) {
    if (mode !== 'NonIndexed' && mode !== 'Indexed') errs.push(field.notSupported(path.child('completionMode'), mode, ['NonIndexed', 'Indexed']));
    if (mode === 'Indexed') errs.push(...indexedErrors(s as batchV1.JobSpec, path));
  }
  if (mode === 'NonIndexed') {
    if (set(s.backoffLimitPerIndex)) errs.push(field.invalid(path.child('backoffLimitPerIndex'), s.backoffLimitPerIndex, 'requires indexed completion mode'));
    if (set(s.maxFailedIndexes)) errs.push(field.invalid(path.child('maxFailedIndexes'), s.maxFailedIndexes, 'requires indexed completion mode'));
  }
  if (s.podFailurePolicy) errs.push(...podFailurePolicyErrors(s as batchV1.JobSpec, path.child('podFailurePolicy')));
  if (s.successPolicy) {
    if (mode !== 'Indexed') errs.push(field.invalid(path.child('successPolicy'), s.successPolicy, 'requires indexed completion mode'));
    else errs.push(...successPolicyErrors(s as batchV1.JobSpec, path.child('successPolicy')));
  }
  if (set(s.podReplacementPolicy)) {
    const allowed = s.podFailurePolicy ? ['Failed'] : ['Failed', 'TerminatingOrFailed'];
    if (!allowed.includes(s.podReplacementPolicy)) errs.push(field.notSupported(path.child('podReplacementPolicy'), s.podReplacementPolicy, allowed));
  }
  errs.push(...podTemplateErrors(s.template, path.child('template'), opts));
  const rpPath = path.child('template').child('spec').child('restartPolicy');
  const rp = s.template?.spec?.restartPolicy ?? '';
  if (rp === 'Always' || rp === '') errs.push(field.required(rpPath, 'valid values: "OnFailure", "Never"'));
  else if (rp !== 'OnFailure' && rp !== 'Never') errs.push(field.notSupported(rpPath, rp, ['OnFailure', 'Never']));
  else if (s.podFailurePolicy && rp !== 'Never') errs.push(field.invalid(rpPath, rp, 'only "Never" is supported when podFailurePolicy is specified'));
  return errs;
}

/** Upstream `ValidateJobSpec`: the inner rules plus a required, matching selector. */
function fullJobSpecErrors(spec: batchV1.JobSpec | undefined, opts: GroupValidationOptions): FieldError[] {
  const path = root('spec');
  const errs = jobSpecErrors(spec, path, opts);
  const sel = spec?.selector;
  if (!set(sel)) errs.push(field.required(path.child('selector')));
  else errs.push(...validateLabelSelector(sel, path.child('selector')));
  const selector = asSelector(sel);
  const labels = spec?.template?.metadata?.labels;
  if (selector && !selector.matches(labels)) errs.push(field.invalid(path.child('template').child('metadata').child('labels'), labels, SELECTOR_MISMATCH));
  return errs;
}

function hasLabel(labels: Record<string, string> | undefined, path: FieldPath, key: string, want: string): FieldError[] {
  const p = path.child('labels').key(key);
  const got = labels?.[key];
  if (got === undefined) return [field.required(p, want)];
  return got === want ? [] : [field.invalid(p, labels, `must be '${want}'`)];
}

/** Upstream `validateGeneratedSelector`: a generated selector must be the one the strategy makes. */
function generatedSelectorErrors(job: batchV1.Job, requirePrefixedLabels: boolean): FieldError[] {
  const spec = job.spec;
  if (spec?.manualSelector === true || !set(spec?.selector)) return [];
  const uid = job.metadata?.uid ?? '';
  const name = job.metadata?.name ?? '';
  const errs: FieldError[] = [];
  if (uid === '') errs.push(field.required(root('metadata').child('uid')));
  const tPath = root('spec').child('template').child('metadata');
  const labels = spec.template?.metadata?.labels;
  errs.push(...hasLabel(labels, tPath, JOB_LABELS.legacyControllerUid, uid), ...hasLabel(labels, tPath, JOB_LABELS.legacyJobName, name));
  const expected: Record<string, string> = {};
  if (requirePrefixedLabels) {
    errs.push(...hasLabel(labels, tPath, JOB_LABELS.controllerUid, uid), ...hasLabel(labels, tPath, JOB_LABELS.jobName, name));
    expected[JOB_LABELS.controllerUid] = uid;
    expected[JOB_LABELS.jobName] = name;
  }
  expected[JOB_LABELS.legacyControllerUid] = uid;
  expected[JOB_LABELS.legacyJobName] = name;
  const selector = asSelector(spec.selector);
  if (selector && !selector.matches(expected)) errs.push(field.invalid(root('spec').child('selector'), spec.selector, '`selector` not auto-generated'));
  return errs;
}

/** Options for Job validation beyond the shared hooks. */
export interface JobValidationOptions extends GroupValidationOptions {
  /** Require the `batch.kubernetes.io/` labels on generated selectors (true for new Jobs). */
  requirePrefixedLabels?: boolean;
}

/** Validates a Job on create (upstream `ValidateJob`); run after the selector is generated. */
export function validateJob(job: batchV1.Job, opts: JobValidationOptions = {}): FieldError[] {
  const errs = [
    ...metaErrors(job.metadata, { namespaced: true, name: nameIsDNSSubdomain }),
    ...generatedSelectorErrors(job, opts.requirePrefixedLabels ?? true),
    ...fullJobSpecErrors(job.spec, opts),
  ];
  const s = job.spec;
  if (s?.completionMode === 'Indexed' && set(s.completions) && s.completions > 0) {
    // Pods of an Indexed Job are named `<job>-<index>`; the last one must still be a DNS label.
    const name = job.metadata?.name ?? '';
    const host = `${name}-${s.completions - 1}`;
    if (isDNS1123Label(host).length > 0) errs.push(field.invalid(root('metadata').child('name'), name, `will not able to create pod with invalid DNS label: ${host}`));
  }
  return errs;
}

/** Scheduling directives a suspended, never-started Job may still change (upstream). */
function schedulingMutableOld(next: batchV1.JobSpec, old: batchV1.JobSpec): unknown {
  const t = structuredClone(old.template ?? {});
  const nt = next.template ?? {};
  t.spec ??= { containers: [] };
  const ns = nt.spec;
  const oldAff = t.spec.affinity;
  if (!ns?.affinity && oldAff) {
    delete oldAff.nodeAffinity;
    if (Object.keys(oldAff).length === 0) delete t.spec.affinity;
  } else if (ns?.affinity && !oldAff) {
    t.spec.affinity = ns.affinity.nodeAffinity ? { nodeAffinity: ns.affinity.nodeAffinity } : {};
  } else if (ns?.affinity && oldAff) {
    oldAff.nodeAffinity = ns.affinity.nodeAffinity;
  }
  t.spec.nodeSelector = ns?.nodeSelector;
  t.spec.tolerations = ns?.tolerations;
  t.spec.schedulingGates = ns?.schedulingGates;
  const m: metaV1.ObjectMeta = { ...(t.metadata ?? {}), annotations: nt.metadata?.annotations, labels: nt.metadata?.labels };
  t.metadata = m;
  return t;
}

/**
 * Validates a Job on update as the strategy does: the create rules again (without re-checking the
 * generated selector's prefixed labels unless the old Job had them) plus the immutable fields.
 */
export function validateJobUpdate(job: batchV1.Job, old: batchV1.Job, opts: JobValidationOptions = {}): FieldError[] {
  const oldLabels = old.spec?.template?.metadata?.labels ?? {};
  const requirePrefixedLabels = opts.requirePrefixedLabels ?? JOB_LABELS.controllerUid in oldLabels;
  const errs = validateJob(job, { ...opts, requirePrefixedLabels });
  errs.push(...metaUpdateErrors(job.metadata, old.metadata));
  const s: Partial<batchV1.JobSpec> = job.spec ?? {};
  const o: Partial<batchV1.JobSpec> = old.spec ?? {};
  const path = root('spec');
  errs.push(...fullJobSpecErrors(job.spec, opts));
  if (s.completionMode === 'Indexed') {
    if (!semanticEqual(s.completions, o.completions) && set(s.completions) && s.completions !== s.parallelism) {
      errs.push(field.invalid(path.child('completions'), s.completions, 'can only be modified in tandem with spec.parallelism'));
    }
  } else {
    errs.push(...immutable(s.completions, o.completions, path.child('completions')));
  }
  errs.push(...immutable(s.selector, o.selector, path.child('selector')));
  // A suspended Job that never started may change where its pods will run.
  const mutableScheduling = old.spec?.suspend === true && !set(old.status?.startTime);
  const oldTemplate = mutableScheduling && job.spec && old.spec ? schedulingMutableOld(job.spec, old.spec) : o.template;
  errs.push(...immutable(s.template, oldTemplate, path.child('template')));
  for (const k of ['completionMode', 'podFailurePolicy', 'backoffLimitPerIndex', 'managedBy', 'successPolicy'] as const) {
    errs.push(...immutable(s[k], o[k], path.child(k)));
  }
  return errs;
}
