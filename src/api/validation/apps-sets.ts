// apps/v1 DaemonSet and StatefulSet validation with kube-apiserver's rules and texts (upstream
// pkg/apis/apps/validation plus the selector immutability of the DaemonSet strategy).
import type * as appsV1 from '../generated/apps/v1.js';
import { field } from '../errors.js';
import { nameIsDNSLabel } from './names.js';
import { alwaysRestartErrors, NAMESPACED_SUBDOMAIN, requiredSelectorErrors } from './apps.js';
import {
  asSelector,
  immutable,
  intOrPercentValue,
  isEmptySelector,
  metaErrors,
  metaUpdateErrors,
  nonNegative,
  notMoreThan100Percent,
  podTemplateErrors,
  root,
  SELECTOR_MISMATCH,
  semanticEqual,
  validateLabelSelector,
  validateLabels,
  validatePositiveIntOrPercent,
  type FieldError,
  type FieldPath,
  type GroupValidationOptions,
} from './group-helpers.js';

function rollingUpdateDaemonSetErrors(ru: appsV1.RollingUpdateDaemonSet, path: FieldPath): FieldError[] {
  const maxUnavailable = ru.maxUnavailable ?? 0;
  const maxSurge = ru.maxSurge ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(maxUnavailable, path.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(maxSurge, path.child('maxSurge')),
    ...notMoreThan100Percent(maxUnavailable, path.child('maxUnavailable')),
    ...notMoreThan100Percent(maxSurge, path.child('maxSurge')),
  ];
  const hasUnavailable = intOrPercentValue(maxUnavailable) !== 0;
  const hasSurge = intOrPercentValue(maxSurge) !== 0;
  if (hasUnavailable && hasSurge) errs.push(field.invalid(path.child('maxSurge'), maxSurge, 'may not be set when maxUnavailable is non-zero'));
  if (!hasUnavailable && !hasSurge) errs.push(field.required(path.child('maxUnavailable'), 'cannot be 0 when maxSurge is 0'));
  return errs;
}

function daemonSetStrategyErrors(strategy: appsV1.DaemonSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'OnDelete':
      return [];
    case 'RollingUpdate':
      return s.rollingUpdate ? rollingUpdateDaemonSetErrors(s.rollingUpdate, path.child('rollingUpdate')) : [field.required(path.child('rollingUpdate'))];
    default:
      return [field.notSupported(path, s, ['RollingUpdate', 'OnDelete'])];
  }
}

function daemonSetSpecErrors(spec: appsV1.DaemonSetSpec | undefined, opts: GroupValidationOptions): FieldError[] {
  const path = root('spec');
  const s: Partial<appsV1.DaemonSetSpec> = spec ?? {};
  // A DaemonSet's selector is not checked for presence: a missing one selects nothing, so it
  // fails the template match below, which is the error upstream reports.
  const errs = validateLabelSelector(s.selector, path.child('selector'));
  const selector = asSelector(s.selector);
  const labels = s.template?.metadata?.labels;
  if (selector !== undefined && !selector.matches(labels)) {
    errs.push(field.invalid(path.child('template').child('metadata').child('labels'), labels, SELECTOR_MISMATCH));
  }
  if (s.selector && isEmptySelector(s.selector)) errs.push(field.invalid(path.child('selector'), s.selector, 'empty selector is invalid for daemonset'));
  errs.push(...podTemplateErrors(s.template, path.child('template'), opts));
  errs.push(...alwaysRestartErrors(s.template?.spec, path.child('template').child('spec'), 'DaemonSet'));
  errs.push(...nonNegative(s.minReadySeconds ?? 0, path.child('minReadySeconds')));
  errs.push(...daemonSetStrategyErrors(s.updateStrategy, path.child('updateStrategy')));
  errs.push(...nonNegative(s.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  return errs;
}

/** Validates a DaemonSet on create (upstream `ValidateDaemonSet`). */
export function validateDaemonSet(ds: appsV1.DaemonSet, opts: GroupValidationOptions = {}): FieldError[] {
  return [...metaErrors(ds.metadata, NAMESPACED_SUBDOMAIN), ...daemonSetSpecErrors(ds.spec, opts)];
}

/** Validates a DaemonSet on update: the create rules plus an immutable selector (apps/v1). */
export function validateDaemonSetUpdate(ds: appsV1.DaemonSet, old: appsV1.DaemonSet, opts: GroupValidationOptions = {}): FieldError[] {
  return [
    ...metaUpdateErrors(ds.metadata, old.metadata),
    ...daemonSetSpecErrors(ds.spec, opts),
    ...immutable(ds.spec?.selector, old.spec?.selector, root('spec').child('selector')),
  ];
}

function statefulSetStrategyErrors(strategy: appsV1.StatefulSetUpdateStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  const ru = s.rollingUpdate;
  switch (s.type ?? '') {
    case '':
      return [field.required(path)];
    case 'OnDelete':
      return ru ? [field.invalid(path.child('rollingUpdate'), ru, "only allowed for updateStrategy 'RollingUpdate'")] : [];
    case 'RollingUpdate': {
      if (!ru) return [];
      const p = path.child('rollingUpdate');
      const errs = nonNegative(ru.partition ?? 0, p.child('partition'));
      if (ru.maxUnavailable !== undefined && ru.maxUnavailable !== null) {
        const mu = ru.maxUnavailable;
        errs.push(...validatePositiveIntOrPercent(mu, p.child('maxUnavailable')));
        if (intOrPercentValue(mu) === 0) errs.push(field.invalid(p.child('maxUnavailable'), mu, 'cannot be 0'));
        errs.push(...notMoreThan100Percent(mu, p.child('maxUnavailable')));
      }
      return errs;
    }
    default:
      return [field.invalid(path, s, "must be 'RollingUpdate' or 'OnDelete'")];
  }
}

function retentionPolicyErrors(policy: appsV1.StatefulSetPersistentVolumeClaimRetentionPolicy | undefined, path: FieldPath): FieldError[] {
  if (!policy) return [];
  const errs: FieldError[] = [];
  for (const key of ['whenDeleted', 'whenScaled'] as const) {
    const v = policy[key] ?? '';
    if (v !== 'Retain' && v !== 'Delete') errs.push(field.notSupported(path.child(key), v, ['Retain', 'Delete']));
  }
  return errs;
}

function statefulSetSpecErrors(spec: appsV1.StatefulSetSpec | undefined): FieldError[] {
  const path = root('spec');
  const s: Partial<appsV1.StatefulSetSpec> = spec ?? {};
  const errs: FieldError[] = [];
  const pmp = s.podManagementPolicy ?? '';
  if (pmp === '') errs.push(field.required(path.child('podManagementPolicy')));
  else if (pmp !== 'OrderedReady' && pmp !== 'Parallel') {
    errs.push(field.invalid(path.child('podManagementPolicy'), pmp, "must be 'OrderedReady' or 'Parallel'"));
  }
  errs.push(...statefulSetStrategyErrors(s.updateStrategy, path.child('updateStrategy')));
  errs.push(...retentionPolicyErrors(s.persistentVolumeClaimRetentionPolicy, path.child('persistentVolumeClaimRetentionPolicy')));
  errs.push(...nonNegative(s.replicas ?? 0, path.child('replicas')));
  errs.push(...nonNegative(s.minReadySeconds ?? 0, path.child('minReadySeconds')));
  if (s.ordinals) errs.push(...nonNegative(s.ordinals.start ?? 0, path.child('ordinals.start')));
  const sel = requiredSelectorErrors(s.selector, path.child('selector'), 'statefulset');
  errs.push(...sel.errs);
  const tPath = path.child('template');
  if (sel.selector === undefined) {
    errs.push(field.invalid(path.child('selector'), s.selector, ''));
  } else {
    const labels = s.template?.metadata?.labels;
    if (!sel.selector.isEmpty() && !sel.selector.matches(labels)) {
      errs.push(field.invalid(tPath.child('metadata').child('labels'), labels, SELECTOR_MISMATCH));
    }
    // Upstream checks the template's labels at `template.labels` (no `metadata`) and does not
    // run full pod validation for StatefulSets; we keep both quirks.
    errs.push(...validateLabels(labels, tPath.child('labels')));
  }
  errs.push(...alwaysRestartErrors(s.template?.spec, tPath.child('spec'), 'StatefulSet'));
  return errs;
}

/**
 * Validates a StatefulSet on create (upstream `ValidateStatefulSet`; names are DNS labels). The
 * options are accepted for symmetry: upstream runs no pod validation on StatefulSet templates.
 */
export function validateStatefulSet(ss: appsV1.StatefulSet, _opts: GroupValidationOptions = {}): FieldError[] {
  return [...metaErrors(ss.metadata, { namespaced: true, name: nameIsDNSLabel }), ...statefulSetSpecErrors(ss.spec)];
}

const STS_MUTABLE = ['replicas', 'template', 'updateStrategy', 'minReadySeconds', 'ordinals', 'persistentVolumeClaimRetentionPolicy'] as const;

/** Validates a StatefulSet on update: only some spec fields may change (upstream `ValidateStatefulSetUpdate`). */
export function validateStatefulSetUpdate(ss: appsV1.StatefulSet, old: appsV1.StatefulSet, _opts: GroupValidationOptions = {}): FieldError[] {
  const errs = [...metaUpdateErrors(ss.metadata, old.metadata), ...statefulSetSpecErrors(ss.spec)];
  const next: Record<string, unknown> = { ...(ss.spec ?? {}) };
  const prev: Record<string, unknown> = { ...(old.spec ?? {}) };
  for (const k of STS_MUTABLE) next[k] = prev[k];
  if (!semanticEqual(next, prev)) {
    errs.push(
      field.forbidden(
        root('spec'),
        "updates to statefulset spec for fields other than 'replicas', 'ordinals', 'template', 'updateStrategy', 'persistentVolumeClaimRetentionPolicy' and 'minReadySeconds' are forbidden",
      ),
    );
  }
  return errs;
}
