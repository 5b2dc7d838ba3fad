// Pod, PodTemplate and ReplicationController create/update validation (ValidatePodCreate,
// ValidatePodUpdate with its "may not change fields" rule, ValidateReplicationController...).
import { field, type FieldError } from '../errors.js';
import type { Container, Pod, PodSpec, PodTemplate, ReplicationController, Toleration } from '../generated/core/v1.js';
import { validatePodSpec, validatePodTemplateSpec, validateTolerations } from './core-podspec.js';
import { deepEqual, validateNonnegative, validateObjectMeta, validateObjectMetaUpdate } from './meta.js';
import { inclusiveRangeError, nameIsDNSSubdomain } from './names.js';

const MAX_INT32 = 2147483647;
const SPEC = field.path('spec');
const UPDATABLE_POD_FIELDS = [
  '`spec.containers[*].image`',
  '`spec.initContainers[*].image`',
  '`spec.activeDeadlineSeconds`',
  '`spec.tolerations` (only additions to existing tolerations)',
  '`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)',
];

function validatePodMetadataAndSpec(pod: Pod): FieldError[] {
  const errs = validateObjectMeta(pod.metadata, { namespaced: true, nameRule: nameIsDNSSubdomain });
  const mirror = pod.metadata?.annotations?.['kubernetes.io/config.mirror'];
  if (mirror !== undefined && !pod.spec?.nodeName) {
    errs.push(field.invalid(field.path('metadata', 'annotations').key('kubernetes.io/config.mirror'), mirror, 'must set spec.nodeName if mirror pod annotation is set'));
  }
  errs.push(...validatePodSpec(pod.spec, SPEC, { resourceIsPod: true }));
  if (!pod.spec?.serviceAccountName) {
    (pod.spec?.volumes ?? []).forEach((v, vi) =>
      (v.projected?.sources ?? []).forEach((src, si) => {
        if (src.serviceAccountToken) {
          const sp = SPEC.child('volumes').index(vi).child('projected').child('sources').index(si).child('serviceAccountToken');
          errs.push(field.forbidden(sp, 'must not be specified when serviceAccountName is not set'));
        }
      }),
    );
  }
  for (const key of ['containers', 'initContainers'] as const) {
    (pod.spec?.[key] ?? []).forEach((c, i) => {
      const image = c.image ?? '';
      if (image.length !== image.trim().length) errs.push(field.invalid(SPEC.child(key).index(i).child('image'), image, 'must not have leading or trailing whitespace'));
    });
  }
  return errs;
}

/** ValidatePodCreate. */
export function validatePodCreate(pod: Pod): FieldError[] {
  const errs = validatePodMetadataAndSpec(pod);
  if ((pod.spec?.ephemeralContainers ?? []).length > 0) errs.push(field.forbidden(SPEC.child('ephemeralContainers'), 'cannot be set on create'));
  if (pod.spec?.nodeName && (pod.spec.schedulingGates ?? []).length > 0) {
    errs.push(field.forbidden(SPEC.child('nodeName'), 'cannot be set until all schedulingGates have been cleared'));
  }
  return errs;
}

function containerUpdates(next: Container[] | undefined, prev: Container[] | undefined, key: string): { errs: FieldError[]; stop: boolean } {
  const n = next ?? [];
  const o = prev ?? [];
  if (n.length !== o.length) return { errs: [field.forbidden(SPEC.child(key), 'pod updates may not add or remove containers')], stop: true };
  const errs: FieldError[] = [];
  n.forEach((c, i) => {
    const image = c.image ?? '';
    if (image === '') errs.push(field.required(SPEC.child(key).index(i).child('image')));
    if (image.trim().length !== image.length) errs.push(field.invalid(SPEC.child(key).index(i).child('image'), image, 'must not have leading or trailing whitespace'));
  });
  return { errs, stop: false };
}

function onlyAddedTolerations(next: Toleration[] | undefined, prev: Toleration[] | undefined): FieldError[] {
  const p = SPEC.child('tolerations');
  for (const old of prev ?? []) {
    const found = (next ?? []).some((t) => deepEqual({ ...old, tolerationSeconds: t.tolerationSeconds }, t));
    if (!found) return [field.forbidden(p, 'existing toleration can not be modified except its tolerationSeconds')];
  }
  return validateTolerations(next, p);
}

/** A readable stand-in for upstream's cmp.Diff: the changed top-level spec fields, old then new. */
function specDiff(oldSpec: PodSpec, newSpec: PodSpec): string {
  const oldFields = new Map<string, unknown>(Object.entries(oldSpec));
  const newFields = new Map<string, unknown>(Object.entries(newSpec));
  const keys = [...new Set([...oldFields.keys(), ...newFields.keys()])].sort();
  const lines = ['  core.PodSpec{'];
  for (const k of keys) {
    const a = oldFields.get(k);
    const b = newFields.get(k);
    if (deepEqual(a, b)) continue;
    lines.push(`- \t${k}: ${JSON.stringify(a ?? null)},`, `+ \t${k}: ${JSON.stringify(b ?? null)},`);
  }
  lines.push('  }');
  return lines.join('\n');
}

/** ValidatePodUpdate: only images, activeDeadlineSeconds, added tolerations and removed gates may change. */
export function validatePodUpdate(pod: Pod, old: Pod): FieldError[] {
  const errs = validateObjectMetaUpdate(pod.metadata, old.metadata);
  errs.push(...validatePodMetadataAndSpec(pod));
  const ns: PodSpec = pod.spec ?? { containers: [] };
  const os: PodSpec = old.spec ?? { containers: [] };
  for (const key of ['containers', 'initContainers'] as const) {
    const r = containerUpdates(ns[key], os[key], key);
    errs.push(...r.errs);
    if (r.stop) return errs;
  }
  const ads = SPEC.child('activeDeadlineSeconds');
  if (ns.activeDeadlineSeconds !== undefined) {
    if (ns.activeDeadlineSeconds < 0 || ns.activeDeadlineSeconds > MAX_INT32) {
      errs.push(field.invalid(ads, ns.activeDeadlineSeconds, inclusiveRangeError(0, MAX_INT32)));
      return errs;
    }
    if (os.activeDeadlineSeconds !== undefined && os.activeDeadlineSeconds < ns.activeDeadlineSeconds) {
      errs.push(field.invalid(ads, ns.activeDeadlineSeconds, 'must be less than or equal to previous value'));
      return errs;
    }
  } else if (os.activeDeadlineSeconds !== undefined) {
    errs.push(field.invalid(ads, null, 'must not update from a positive integer to nil value'));
  }
  errs.push(...onlyAddedTolerations(ns.tolerations, os.tolerations));
  const oldGates = new Set((os.schedulingGates ?? []).map((g) => g.name));
  (ns.schedulingGates ?? []).forEach((g, i) => {
    if (!oldGates.has(g.name)) {
      errs.push(field.forbidden(SPEC.child('schedulingGates').index(i).child('name'), `only deletion is allowed, but found new scheduling gate '${g.name}'`));
    }
  });
  if (deepEqual(ns, os)) return errs;
  const munged: PodSpec = {
    ...ns,
    containers: (ns.containers ?? []).map((c, i) => ({ ...c, image: os.containers?.[i]?.image })),
    initContainers: ns.initContainers?.map((c, i) => ({ ...c, image: os.initContainers?.[i]?.image })),
    activeDeadlineSeconds: os.activeDeadlineSeconds,
    schedulingGates: os.schedulingGates,
    tolerations: os.tolerations,
  };
  if ((os.terminationGracePeriodSeconds ?? 0) < 0 && munged.terminationGracePeriodSeconds === 1) munged.terminationGracePeriodSeconds = os.terminationGracePeriodSeconds;
  if ((os.schedulingGates ?? []).length > 0) {
    const oldSel = os.nodeSelector ?? {};
    const newSel = munged.nodeSelector ?? {};
    if (Object.entries(oldSel).every(([k, v]) => newSel[k] === v)) munged.nodeSelector = os.nodeSelector;
    else errs.push(field.invalid(SPEC.child('nodeSelector'), newSel, 'only additions to spec.nodeSelector are allowed (no mutations or deletions)'));
  }
  if (!deepEqual(munged, os)) {
    errs.push(field.forbidden(SPEC, `pod updates may not change fields other than ${UPDATABLE_POD_FIELDS.join(',')}\n${specDiff(os, munged)}`));
  }
  return errs;
}

/** ValidatePodTemplate (create). */
export function validatePodTemplate(t: PodTemplate): FieldError[] {
  const errs = validateObjectMeta(t.metadata, { namespaced: true, nameRule: nameIsDNSSubdomain });
  errs.push(...validatePodTemplateSpec(t.template, field.path('template')));
  return errs;
}

/** ValidatePodTemplateUpdate. */
export function validatePodTemplateUpdate(t: PodTemplate, old: PodTemplate): FieldError[] {
  const errs = validateObjectMetaUpdate(t.metadata, old.metadata);
  errs.push(...validatePodTemplateSpec(t.template, field.path('template')));
  return errs;
}

function validateRCSpec(rc: ReplicationController): FieldError[] {
  const spec = rc.spec ?? {};
  const errs = validateNonnegative(spec.minReadySeconds, SPEC.child('minReadySeconds'));
  const selector = spec.selector ?? {};
  if (Object.keys(selector).length === 0) errs.push(field.required(SPEC.child('selector')));
  errs.push(...validateNonnegative(spec.replicas, SPEC.child('replicas')));
  const tp = SPEC.child('template');
  const t = spec.template;
  if (!t) {
    errs.push(field.required(tp));
    return errs;
  }
  const labels = t.metadata?.labels ?? {};
  if (Object.keys(selector).length > 0 && !Object.entries(selector).every(([k, v]) => labels[k] === v)) {
    errs.push(field.invalid(tp.child('metadata').child('labels'), labels, '`selector` does not match template `labels`'));
  }
  errs.push(...validatePodTemplateSpec(t, tp));
  const rp = t.spec?.restartPolicy ?? '';
  if (rp !== 'Always') errs.push(field.notSupported(tp.child('spec').child('restartPolicy'), rp, ['Always']));
  if (t.spec?.activeDeadlineSeconds !== undefined) {
    errs.push(field.forbidden(tp.child('spec').child('activeDeadlineSeconds'), 'activeDeadlineSeconds in ReplicationController is not Supported'));
  }
  return errs;
}

/** ValidateReplicationController (create). */
export function validateReplicationController(rc: ReplicationController): FieldError[] {
  return [...validateObjectMeta(rc.metadata, { namespaced: true, nameRule: nameIsDNSSubdomain }), ...validateRCSpec(rc)];
}

/** ValidateReplicationControllerUpdate. */
export function validateReplicationControllerUpdate(rc: ReplicationController, old: ReplicationController): FieldError[] {
  return [...validateObjectMetaUpdate(rc.metadata, old.metadata), ...validateRCSpec(rc)];
}
