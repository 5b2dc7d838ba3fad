// PodSpec and PodTemplateSpec validation (ValidatePodSpec and friends), shared by Pods,
// PodTemplates, ReplicationControllers and the workload kinds of other groups.
import { field, type FieldError, type FieldPath } from '../errors.js';
import type { Container, NodeSelectorRequirement, PodSpec, PodTemplateSpec, Toleration, Volume } from '../generated/core/v1.js';
import { checkHostPortConflicts, validateContainerCommon, validateLifecycle, validateProbe, type ProbeContext } from './core-container.js';
import { validateVolumes } from './core-volumes.js';
import { validateAnnotations, validateLabelName, validateLabels } from './meta.js';
import {
  inclusiveRangeError,
  isDNS1123Label,
  isDNS1123Subdomain,
  isLabelValue,
  isQualifiedName,
  isValidIP,
  isValidUserOrGroupID,
  nameIsDNSSubdomain,
} from './names.js';

type P = FieldPath;

const MAX_INT32 = 2147483647;
const RESTART_POLICIES = ['Always', 'OnFailure', 'Never'];
const DNS_POLICIES = ['ClusterFirstWithHostNet', 'ClusterFirst', 'Default', 'None'];
const TAINT_EFFECTS = ['NoSchedule', 'PreferNoSchedule', 'NoExecute'];

function validateContainers(containers: Container[] | undefined, vols: Map<string, Volume>, ctx: ProbeContext, p: P): FieldError[] {
  const list = containers ?? [];
  if (list.length === 0) return [field.required(p)];
  const errs: FieldError[] = [];
  const names = new Set<string>();
  list.forEach((c, i) => {
    const ip = p.index(i);
    errs.push(...validateContainerCommon(c, vols, ip));
    if (names.has(c.name ?? '')) errs.push(field.duplicate(ip.child('name'), c.name ?? ''));
    else names.add(c.name ?? '');
    if (c.lifecycle) errs.push(...validateLifecycle(c, ctx, ip.child('lifecycle')));
    errs.push(...validateProbe(c.livenessProbe, 'liveness', ctx, ip.child('livenessProbe')));
    errs.push(...validateProbe(c.readinessProbe, 'readiness', ctx, ip.child('readinessProbe')));
    errs.push(...validateProbe(c.startupProbe, 'startup', ctx, ip.child('startupProbe')));
    if (c.restartPolicy !== undefined) errs.push(field.forbidden(ip.child('restartPolicy'), 'may not be set for non-init containers'));
  });
  errs.push(...checkHostPortConflicts(list, p));
  return errs;
}

function validateInitContainers(inits: Container[] | undefined, regular: Container[], vols: Map<string, Volume>, ctx: ProbeContext, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set(regular.map((c) => c.name ?? ''));
  (inits ?? []).forEach((c, i) => {
    const ip = p.index(i);
    errs.push(...validateContainerCommon(c, vols, ip));
    let restartAlways = false;
    if (c.restartPolicy !== undefined) {
      if (c.restartPolicy !== 'Always') errs.push(field.notSupported(ip.child('restartPolicy'), c.restartPolicy, ['Always']));
      restartAlways = c.restartPolicy === 'Always';
    }
    if (names.has(c.name ?? '')) errs.push(field.duplicate(ip.child('name'), c.name ?? ''));
    else if ((c.name ?? '') !== '') names.add(c.name ?? '');
    errs.push(...checkHostPortConflicts([c], p, i));
    if (restartAlways) {
      if (c.lifecycle) errs.push(...validateLifecycle(c, ctx, ip.child('lifecycle')));
      errs.push(...validateProbe(c.livenessProbe, 'liveness', ctx, ip.child('livenessProbe')));
      errs.push(...validateProbe(c.readinessProbe, 'readiness', ctx, ip.child('readinessProbe')));
      errs.push(...validateProbe(c.startupProbe, 'startup', ctx, ip.child('startupProbe')));
    } else {
      for (const k of ['lifecycle', 'livenessProbe', 'readinessProbe', 'startupProbe'] as const) {
        if (c[k]) errs.push(field.forbidden(ip.child(k), 'may not be set for init containers without restartPolicy=Always'));
      }
    }
  });
  return errs;
}

/** ValidateTolerations. */
export function validateTolerations(tolerations: Toleration[] | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  (tolerations ?? []).forEach((t, i) => {
    const ip = p.index(i);
    const key = t.key ?? '';
    const op = t.operator ?? '';
    const value = t.value ?? '';
    const effect = t.effect ?? '';
    if (key !== '') errs.push(...validateLabelName(key, ip.child('key')));
    if (key === '' && op !== 'Exists') {
      errs.push(field.invalid(ip.child('operator'), op, 'operator must be Exists when `key` is empty, which means "match all values and all keys"'));
    }
    if (t.tolerationSeconds !== undefined && effect !== 'NoExecute') {
      errs.push(field.invalid(ip.child('effect'), effect, "effect must be 'NoExecute' when `tolerationSeconds` is set"));
    }
    if (op === 'Equal' || op === '') {
      const msgs = isLabelValue(value);
      if (msgs.length > 0) errs.push(field.invalid(ip.child('operator'), value, msgs.join(';')));
    } else if (op === 'Exists') {
      if (value !== '') errs.push(field.invalid(ip.child('operator'), value, "value must be empty when `operator` is 'Exists'"));
    } else {
      errs.push(field.notSupported(ip.child('operator'), op, ['Equal', 'Exists']));
    }
    if (effect !== '' && !TAINT_EFFECTS.includes(effect)) errs.push(field.notSupported(ip.child('effect'), effect, TAINT_EFFECTS));
  });
  return errs;
}

function validateNodeSelectorRequirement(rq: NodeSelectorRequirement, checkValues: boolean, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const values = rq.values ?? [];
  switch (rq.operator) {
    case 'In':
    case 'NotIn':
      if (values.length === 0) errs.push(field.required(p.child('values'), "must be specified when `operator` is 'In' or 'NotIn'"));
      break;
    case 'Exists':
    case 'DoesNotExist':
      if (values.length > 0) errs.push(field.forbidden(p.child('values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'"));
      break;
    case 'Gt':
    case 'Lt':
      if (values.length !== 1) errs.push(field.required(p.child('values'), "must be specified single value when `operator` is 'Lt' or 'Gt'"));
      break;
    default:
      errs.push(field.invalid(p.child('operator'), rq.operator, 'not a valid selector operator'));
  }
  errs.push(...validateLabelName(rq.key ?? '', p.child('key')));
  if (checkValues) values.forEach((v, i) => errs.push(...isLabelValue(v).map((m) => field.invalid(p.child('values').index(i), v, m))));
  return errs;
}

function validateAffinity(spec: PodSpec, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const na = spec.affinity?.nodeAffinity;
  if (!na) return errs;
  const naPath = p.child('nodeAffinity');
  const req = na.requiredDuringSchedulingIgnoredDuringExecution;
  if (req) {
    const tp = naPath.child('requiredDuringSchedulingIgnoredDuringExecution').child('nodeSelectorTerms');
    const terms = req.nodeSelectorTerms ?? [];
    if (terms.length === 0) errs.push(field.required(tp, 'must have at least one node selector term'));
    terms.forEach((t, i) =>
      (t.matchExpressions ?? []).forEach((e, j) => errs.push(...validateNodeSelectorRequirement(e, true, tp.index(i).child('matchExpressions').index(j)))),
    );
  }
  (na.preferredDuringSchedulingIgnoredDuringExecution ?? []).forEach((t, i) => {
    const ip = naPath.child('preferredDuringSchedulingIgnoredDuringExecution').index(i);
    if ((t.weight ?? 0) <= 0 || (t.weight ?? 0) > 100) errs.push(field.invalid(ip.child('weight'), t.weight ?? 0, 'must be in the range 1-100'));
    (t.preference?.matchExpressions ?? []).forEach((e, j) =>
      errs.push(...validateNodeSelectorRequirement(e, false, ip.child('preference').child('matchExpressions').index(j))),
    );
  });
  return errs;
}

function validateDNSConfig(spec: PodSpec, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const cfg = spec.dnsConfig;
  if (spec.dnsPolicy === 'None') {
    if (!cfg) return [field.required(p, 'must provide `dnsConfig` when `dnsPolicy` is None')];
    if ((cfg.nameservers ?? []).length === 0) return [field.required(p.child('nameservers'), 'must provide at least one DNS nameserver when `dnsPolicy` is None')];
  }
  if (!cfg) return errs;
  const ns = cfg.nameservers ?? [];
  if (ns.length > 3) errs.push(field.invalid(p.child('nameservers'), ns, 'must not have more than 3 nameservers'));
  ns.forEach((n, i) => errs.push(...isValidIP(n).map((m) => field.invalid(p.child('nameservers').index(i), n, m))));
  const searches = cfg.searches ?? [];
  if (searches.length > 32) errs.push(field.invalid(p.child('searches'), searches, 'must not have more than 32 search paths'));
  if (searches.join(' ').length > 2048) {
    errs.push(field.invalid(p.child('searches'), searches, 'must not have more than 2048 characters (including spaces) in the search list'));
  }
  searches.forEach((s, i) => {
    const trimmed = s.endsWith('.') ? s.slice(0, -1) : s;
    errs.push(...isDNS1123Subdomain(trimmed).map((m) => field.invalid(p.child('searches').index(i), trimmed, m)));
  });
  (cfg.options ?? []).forEach((o, i) => {
    if ((o.name ?? '') === '') errs.push(field.required(p.child('options').index(i), 'must not be empty'));
  });
  return errs;
}

function validatePodSecurityContext(spec: PodSpec, p: P): FieldError[] {
  const sc = spec.securityContext;
  if (!sc) return [];
  const errs: FieldError[] = [];
  for (const k of ['fsGroup', 'runAsUser', 'runAsGroup'] as const) {
    const v = sc[k];
    if (v !== undefined) errs.push(...isValidUserOrGroupID(v).map((m) => field.invalid(p.child(k), v, m)));
  }
  (sc.supplementalGroups ?? []).forEach((g, i) => errs.push(...isValidUserOrGroupID(g).map((m) => field.invalid(p.child('supplementalGroups').index(i), g, m))));
  if (spec.shareProcessNamespace === true && spec.hostPID === true) {
    errs.push(field.invalid(p.child("shareProcessNamespace"), true, "ShareProcessNamespace and HostPID cannot both be enabled"));
  }
  return errs;
}

/** Where a PodSpec sits: a real Pod checks hostNetwork ports strictly (opts.ResourceIsPod). */
export interface PodSpecOptions {
  resourceIsPod?: boolean;
}

/** ValidatePodSpec at `p` (e.g. `spec` or `spec.template.spec`). */
export function validatePodSpec(spec: PodSpec | undefined, p: P, opts: PodSpecOptions = {}): FieldError[] {
  const s: PodSpec = spec ?? { containers: [] };
  const errs: FieldError[] = [];
  if (s.terminationGracePeriodSeconds === undefined || s.terminationGracePeriodSeconds === null) errs.push(field.required(p.child('terminationGracePeriodSeconds')));
  const ctx: ProbeContext = { gracePeriod: s.terminationGracePeriodSeconds ?? undefined };
  const vols = validateVolumes(s.volumes, p.child('volumes'));
  errs.push(...vols.errs);
  errs.push(...validateContainers(s.containers, vols.names, ctx, p.child('containers')));
  errs.push(...validateInitContainers(s.initContainers, s.containers ?? [], vols.names, ctx, p.child('initContainers')));
  if (s.hostNetwork === true) {
    (s.containers ?? []).forEach((c, i) =>
      (c.ports ?? []).forEach((port, j) => {
        const hp = port.hostPort ?? 0;
        if ((opts.resourceIsPod === true || hp !== 0) && hp !== port.containerPort) {
          errs.push(field.invalid(p.child('containers').index(i).child('ports').index(j).child('hostPort'), hp, 'must match `containerPort` when `hostNetwork` is true'));
        }
      }),
    );
  }
  const rp = s.restartPolicy ?? '';
  if (rp === '') errs.push(field.required(p.child('restartPolicy')));
  else if (!RESTART_POLICIES.includes(rp)) errs.push(field.notSupported(p.child('restartPolicy'), rp, RESTART_POLICIES));
  const dp = s.dnsPolicy ?? '';
  if (dp === '') errs.push(field.required(p.child('dnsPolicy')));
  else if (!DNS_POLICIES.includes(dp)) errs.push(field.notSupported(p.child('dnsPolicy'), dp, DNS_POLICIES));
  errs.push(...validateLabels(s.nodeSelector, p.child('nodeSelector')));
  errs.push(...validatePodSecurityContext(s, p.child('securityContext')));
  errs.push(...validateAffinity(s, p.child('affinity')));
  errs.push(...validateDNSConfig(s, p.child('dnsConfig')));
  (s.readinessGates ?? []).forEach((g, i) =>
    errs.push(...isQualifiedName(g.conditionType ?? '').map((m) => field.invalid(p.child('readinessGates').index(i).child('conditionType'), g.conditionType, m))),
  );
  const gates = new Set<string>();
  (s.schedulingGates ?? []).forEach((g, i) => {
    const gp = p.child('schedulingGates').index(i);
    errs.push(...isQualifiedName(g.name ?? '').map((m) => field.invalid(gp, g.name, m)));
    if (gates.has(g.name ?? '')) errs.push(field.duplicate(gp, g.name));
    gates.add(g.name ?? '');
  });
  const sub = (v: string | undefined, path: P, rule: (x: string) => string[]): void => {
    if (v) errs.push(...rule(v).map((m) => field.invalid(path, v, m)));
  };
  sub(s.serviceAccountName, p.child('serviceAccountName'), (x) => nameIsDNSSubdomain(x, false));
  sub(s.nodeName, p.child('nodeName'), (x) => nameIsDNSSubdomain(x, false));
  if (s.activeDeadlineSeconds !== undefined && (s.activeDeadlineSeconds < 1 || s.activeDeadlineSeconds > MAX_INT32)) {
    errs.push(field.invalid(p.child('activeDeadlineSeconds'), s.activeDeadlineSeconds, inclusiveRangeError(1, MAX_INT32)));
  }
  sub(s.hostname, p.child('hostname'), isDNS1123Label);
  sub(s.subdomain, p.child('subdomain'), isDNS1123Label);
  errs.push(...validateTolerations(s.tolerations, p.child('tolerations')));
  (s.hostAliases ?? []).forEach((a, i) => {
    const ap = p.child('hostAliases').index(i);
    errs.push(...isValidIP(a.ip ?? '').map((m) => field.invalid(ap.child('ip'), a.ip ?? '', m)));
    (a.hostnames ?? []).forEach((h, j) => errs.push(...isDNS1123Subdomain(h).map((m) => field.invalid(ap.child('hostnames').index(j), h, m))));
  });
  sub(s.priorityClassName, p.child('priorityClassName'), (x) => nameIsDNSSubdomain(x, false));
  if (s.runtimeClassName !== undefined) errs.push(...nameIsDNSSubdomain(s.runtimeClassName, false).map((m) => field.invalid(p.child('runtimeClassName'), s.runtimeClassName, m)));
  if (s.preemptionPolicy !== undefined) {
    if (s.preemptionPolicy === '') errs.push(field.required(p.child('preemptionPolicy')));
    else if (!['PreemptLowerPriority', 'Never'].includes(s.preemptionPolicy)) {
      errs.push(field.notSupported(p.child('preemptionPolicy'), s.preemptionPolicy, ['PreemptLowerPriority', 'Never']));
    }
  }
  if (s.os) {
    if ((s.os.name ?? '') === '') errs.push(field.required(p.child('os').child('name'), 'cannot be empty'));
    else if (!['linux', 'windows'].includes(s.os.name)) errs.push(field.notSupported(p.child('os'), s.os.name, ['linux', 'windows']));
  }
  return errs;
}

/** ValidatePodTemplateSpec at `p` (upstream checks labels at `<p>.labels`, not `<p>.metadata.labels`). */
export function validatePodTemplateSpec(t: PodTemplateSpec | undefined, p: P, opts: PodSpecOptions = {}): FieldError[] {
  const errs = validateLabels(t?.metadata?.labels, p.child('labels'));
  errs.push(...validateAnnotations(t?.metadata?.annotations, p.child('annotations')));
  errs.push(...validatePodSpec(t?.spec, p.child('spec'), opts));
  if ((t?.spec?.ephemeralContainers ?? []).length > 0) {
    errs.push(field.forbidden(p.child('spec').child('ephemeralContainers'), 'ephemeral containers not allowed in pod template'));
  }
  return errs;
}
