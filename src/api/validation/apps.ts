// apps/v1 Deployment and ReplicaSet validation with kube-apiserver's rules and texts (upstream
// pkg/apis/apps/validation plus the selector immutability of pkg/registry/apps/*/strategy.go).
import type * as appsV1 from '../generated/apps/v1.js';
import type * as coreV1 from '../generated/core/v1.js';
import type * as metaV1 from '../generated/meta/v1.js';
import type { LabelSelector } from '../selectors.js';
import { field } from '../errors.js';
import { nameIsDNSSubdomain } from './names.js';
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
  validateLabelSelector,
  validatePositiveIntOrPercent,
  type FieldError,
  type FieldPath,
  type GroupValidationOptions,
  type MetaRules,
} from './group-helpers.js';

export const NAMESPACED_SUBDOMAIN: MetaRules = { namespaced: true, name: nameIsDNSSubdomain };

/**
 * The selector rules Deployment, ReplicaSet and StatefulSet share: required, structurally valid,
 * not empty. Returns the errors and the matcher (undefined when it cannot be built).
 */
export function requiredSelectorErrors(
  sel: metaV1.LabelSelector | undefined,
  path: FieldPath,
  kindWord: string,
): { errs: FieldError[]; selector: LabelSelector | undefined } {
  const errs: FieldError[] = [];
  if (sel === undefined || sel === null) {
    errs.push(field.required(path));
  } else {
    errs.push(...validateLabelSelector(sel, path));
    if (isEmptySelector(sel)) errs.push(field.invalid(path, sel, `empty selector is invalid for ${kindWord}`));
  }
  return { errs, selector: asSelector(sel) };
}

/** Upstream `ValidatePodTemplateSpecForReplicaSet` (used by Deployment and ReplicaSet). */
function templateForReplicaSet(
  template: coreV1.PodTemplateSpec | undefined,
  selector: LabelSelector,
  path: FieldPath,
  opts: GroupValidationOptions,
): FieldError[] {
  const errs: FieldError[] = [];
  const labels = template?.metadata?.labels;
  if (!selector.isEmpty() && !selector.matches(labels)) {
    errs.push(field.invalid(path.child('metadata').child('labels'), labels, SELECTOR_MISMATCH));
  }
  errs.push(...podTemplateErrors(template, path, opts));
  errs.push(...alwaysRestartErrors(template?.spec, path.child('spec'), 'ReplicaSet'));
  return errs;
}

/** restartPolicy must be Always and activeDeadlineSeconds unset in long-running workloads. */
export function alwaysRestartErrors(spec: coreV1.PodSpec | undefined, path: FieldPath, kind: string): FieldError[] {
  const errs: FieldError[] = [];
  const policy = spec?.restartPolicy ?? '';
  if (policy !== 'Always') errs.push(field.notSupported(path.child('restartPolicy'), policy, ['Always']));
  if (spec?.activeDeadlineSeconds !== undefined && spec.activeDeadlineSeconds !== null) {
    errs.push(field.forbidden(path.child('activeDeadlineSeconds'), `activeDeadlineSeconds in ${kind} is not Supported`));
  }
  return errs;
}

function rollingUpdateDeploymentErrors(ru: appsV1.RollingUpdateDeployment, path: FieldPath): FieldError[] {
  const maxUnavailable = ru.maxUnavailable ?? 0;
  const maxSurge = ru.maxSurge ?? 0;
  const errs = [
    ...validatePositiveIntOrPercent(maxUnavailable, path.child('maxUnavailable')),
    ...validatePositiveIntOrPercent(maxSurge, path.child('maxSurge')),
  ];
  if (intOrPercentValue(maxUnavailable) === 0 && intOrPercentValue(maxSurge) === 0) {
    errs.push(field.invalid(path.child('maxUnavailable'), maxUnavailable, 'may not be 0 when `maxSurge` is 0'));
  }
  errs.push(...notMoreThan100Percent(maxUnavailable, path.child('maxUnavailable')));
  return errs;
}

function deploymentStrategyErrors(strategy: appsV1.DeploymentStrategy | undefined, path: FieldPath): FieldError[] {
  const s = strategy ?? {};
  switch (s.type) {
    case 'Recreate':
      return s.rollingUpdate ? [field.forbidden(path.child('rollingUpdate'), "may not be specified when strategy `type` is 'Recreate'")] : [];
    case 'RollingUpdate':
      return s.rollingUpdate
        ? rollingUpdateDeploymentErrors(s.rollingUpdate, path.child('rollingUpdate'))
        : [field.required(path.child('rollingUpdate'), 'this should be defaulted and never be nil')];
    default:
      return [field.notSupported(path, s, ['Recreate', 'RollingUpdate'])];
  }
}

function deploymentSpecErrors(spec: appsV1.DeploymentSpec | undefined, opts: GroupValidationOptions): FieldError[] {
  const path = root('spec');
  const s: Partial<appsV1.DeploymentSpec> = spec ?? {};
  const errs = nonNegative(s.replicas ?? 0, path.child('replicas'));
  const sel = requiredSelectorErrors(s.selector, path.child('selector'), 'deployment');
  errs.push(...sel.errs);
  if (sel.selector === undefined) errs.push(field.invalid(path.child('selector'), s.selector, 'invalid label selector'));
  else errs.push(...templateForReplicaSet(s.template, sel.selector, path.child('template'), opts));
  errs.push(...deploymentStrategyErrors(s.strategy, path.child('strategy')));
  const minReady = s.minReadySeconds ?? 0;
  errs.push(...nonNegative(minReady, path.child('minReadySeconds')));
  errs.push(...nonNegative(s.revisionHistoryLimit, path.child('revisionHistoryLimit')));
  const pds = s.progressDeadlineSeconds;
  if (pds !== undefined && pds !== null) {
    errs.push(...nonNegative(pds, path.child('progressDeadlineSeconds')));
    if (pds <= minReady) errs.push(field.invalid(path.child('progressDeadlineSeconds'), pds, 'must be greater than minReadySeconds'));
  }
  return errs;
}

/** Validates a Deployment on create (upstream `ValidateDeployment`). */
export function validateDeployment(d: appsV1.Deployment, opts: GroupValidationOptions = {}): FieldError[] {
  return [...metaErrors(d.metadata, NAMESPACED_SUBDOMAIN), ...deploymentSpecErrors(d.spec, opts)];
}

/** Validates a Deployment on update: the create rules plus an immutable selector (apps/v1). */
export function validateDeploymentUpdate(d: appsV1.Deployment, old: appsV1.Deployment, opts: GroupValidationOptions = {}): FieldError[] {
  return [
    ...metaUpdateErrors(d.metadata, old.metadata),
    ...deploymentSpecErrors(d.spec, opts),
    ...immutable(d.spec?.selector, old.spec?.selector, root('spec').child('selector')),
  ];
}

function replicaSetSpecErrors(spec: appsV1.ReplicaSetSpec | undefined, opts: GroupValidationOptions): FieldError[] {
  const path = root('spec');
  const s: Partial<appsV1.ReplicaSetSpec> = spec ?? {};
  const errs = [...nonNegative(s.replicas ?? 0, path.child('replicas')), ...nonNegative(s.minReadySeconds ?? 0, path.child('minReadySeconds'))];
  // Upstream says "deployment" here too; clients see that text, so it stays.
  const sel = requiredSelectorErrors(s.selector, path.child('selector'), 'deployment');
  errs.push(...sel.errs);
  if (sel.selector === undefined) errs.push(field.invalid(path.child('selector'), s.selector, 'invalid label selector'));
  else errs.push(...templateForReplicaSet(s.template, sel.selector, path.child('template'), opts));
  return errs;
}

/** Validates a ReplicaSet on create (upstream `ValidateReplicaSet`). */
export function validateReplicaSet(rs: appsV1.ReplicaSet, opts: GroupValidationOptions = {}): FieldError[] {
  return [...metaErrors(rs.metadata, NAMESPACED_SUBDOMAIN), ...replicaSetSpecErrors(rs.spec, opts)];
}

/** Validates a ReplicaSet on update: the create rules plus an immutable selector (apps/v1). */
export function validateReplicaSetUpdate(rs: appsV1.ReplicaSet, old: appsV1.ReplicaSet, opts: GroupValidationOptions = {}): FieldError[] {
  return [
    ...metaUpdateErrors(rs.metadata, old.metadata),
    ...replicaSetSpecErrors(rs.spec, opts),
    ...immutable(rs.spec?.selector, old.spec?.selector, root('spec').child('selector')),
  ];
}
