// Container validation shared by pods and pod templates: name, image, ports, env, mounts,
// resources, probes, lifecycle and security context, with upstream's paths and messages.
import { field, type FieldError, type FieldPath } from '../errors.js';
import type { Container, ContainerPort, EnvFromSource, EnvVar, Probe, SecurityContext, Volume } from '../generated/core/v1.js';
import type { IntOrString } from '../generated/apimachinery/intstr.js';
import { validateResourceRequirements } from './core-resources.js';
import { validateLocalDescendingPath } from './core-volumes.js';
import { IS_NEGATIVE } from './meta.js';
import {
  isConfigMapKey,
  isDNS1123Label,
  isHTTPHeaderName,
  isRelaxedEnvVarName,
  isValidPortName,
  isValidPortNum,
  isValidUserOrGroupID,
  nameIsDNSSubdomain,
} from './names.js';

type P = FieldPath;

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'];
const PULL_POLICIES = ['Always', 'IfNotPresent', 'Never'];
const ENV_FIELD_PATHS = [
  'metadata.name', 'metadata.namespace', 'metadata.uid', 'spec.nodeName', 'spec.serviceAccountName', 'status.hostIP', 'status.hostIPs',
  'status.podIP', 'status.podIPs',
];
const RESOURCE_FIELD_PATHS = ['limits.cpu', 'limits.ephemeral-storage', 'limits.memory', 'requests.cpu', 'requests.ephemeral-storage', 'requests.memory'];

/** ValidatePortNumOrName: an int port in range or an IANA port name. */
export function validatePortNumOrName(port: IntOrString | undefined, p: P): FieldError[] {
  if (typeof port === 'number') return isValidPortNum(port).map((m) => field.invalid(p, port, m));
  const s = port ?? '';
  return isValidPortName(s).map((m) => field.invalid(p, s, m));
}

function validateContainerPorts(ports: ContainerPort[] | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const names = new Set<string>();
  (ports ?? []).forEach((port, i) => {
    const ip = p.index(i);
    const name = port.name ?? '';
    if (name !== '') {
      const msgs = isValidPortName(name);
      if (msgs.length > 0) errs.push(...msgs.map((m) => field.invalid(ip.child('name'), name, m)));
      else if (names.has(name)) errs.push(field.duplicate(ip.child('name'), name));
      else names.add(name);
    }
    const cp = port.containerPort ?? 0;
    if (cp === 0) errs.push(field.required(ip.child('containerPort')));
    else errs.push(...isValidPortNum(cp).map((m) => field.invalid(ip.child('containerPort'), cp, m)));
    const hp = port.hostPort ?? 0;
    if (hp !== 0) errs.push(...isValidPortNum(hp).map((m) => field.invalid(ip.child('hostPort'), hp, m)));
    const proto = port.protocol ?? '';
    if (proto === '') errs.push(field.required(ip.child('protocol')));
    else if (!PROTOCOLS.includes(proto)) errs.push(field.notSupported(ip.child('protocol'), proto, PROTOCOLS));
  });
  return errs;
}

function validateKeySelector(name: string | undefined, key: string | undefined, p: P): FieldError[] {
  const errs = nameIsDNSSubdomain(name ?? '', false).map((m) => field.invalid(p.child('name'), name ?? '', m));
  if ((key ?? '') === '') errs.push(field.required(p.child('key')));
  else errs.push(...isConfigMapKey(key ?? '').map((m) => field.invalid(p.child('key'), key, m)));
  return errs;
}

function validateEnvVarValueFrom(ev: EnvVar, p: P): FieldError[] {
  const vf = ev.valueFrom;
  if (!vf) return [];
  const errs: FieldError[] = [];
  let n = 0;
  if (vf.fieldRef) {
    n++;
    const fp = p.child('fieldRef');
    const fs = vf.fieldRef;
    if ((fs.apiVersion ?? '') === '') errs.push(field.required(fp.child('apiVersion')));
    else if ((fs.fieldPath ?? '') === '') errs.push(field.required(fp.child('fieldPath')));
    else {
      const sub = /^(metadata\.(?:labels|annotations))\['(.*)'\]$/.exec(fs.fieldPath ?? '');
      if (!sub && !ENV_FIELD_PATHS.includes(fs.fieldPath ?? '')) {
        errs.push(field.notSupported(fp.child('fieldPath'), fs.fieldPath, ENV_FIELD_PATHS));
      }
    }
  }
  if (vf.resourceFieldRef) {
    n++;
    const rp = p.child('resourceFieldRef');
    const res = vf.resourceFieldRef.resource ?? '';
    if (res === '') errs.push(field.required(rp.child('resource')));
    else if (!RESOURCE_FIELD_PATHS.includes(res) && !res.startsWith('requests.hugepages-') && !res.startsWith('limits.hugepages-')) {
      errs.push(field.notSupported(rp.child('resource'), res, RESOURCE_FIELD_PATHS));
    }
  }
  if (vf.configMapKeyRef) {
    n++;
    errs.push(...validateKeySelector(vf.configMapKeyRef.name, vf.configMapKeyRef.key, p.child('configMapKeyRef')));
  }
  if (vf.secretKeyRef) {
    n++;
    errs.push(...validateKeySelector(vf.secretKeyRef.name, vf.secretKeyRef.key, p.child('secretKeyRef')));
  }
  if (n === 0) errs.push(field.invalid(p, '', 'must specify one of: `fieldRef`, `resourceFieldRef`, `configMapKeyRef` or `secretKeyRef`'));
  else if ((ev.value ?? '') !== '') errs.push(field.invalid(p, '', 'may not be specified when `value` is not empty'));
  else if (n > 1) errs.push(field.invalid(p, '', 'may not have more than one field specified at a time'));
  return errs;
}

/** ValidateEnv (relaxed names: RelaxedEnvironmentVariableValidation is on by default in 1.32). */
export function validateEnv(vars: EnvVar[] | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const ip = p.index(i);
    const name = ev.name ?? '';
    if (name === '') errs.push(field.required(ip.child('name')));
    else errs.push(...isRelaxedEnvVarName(name).map((m) => field.invalid(ip.child('name'), name, m)));
    errs.push(...validateEnvVarValueFrom(ev, ip.child('valueFrom')));
  });
  return errs;
}

function validateEnvFrom(vars: EnvFromSource[] | undefined, p: P): FieldError[] {
  const errs: FieldError[] = [];
  (vars ?? []).forEach((ev, i) => {
    const ip = p.index(i);
    const prefix = ev.prefix ?? '';
    if (prefix !== '') errs.push(...isRelaxedEnvVarName(prefix).map((m) => field.invalid(ip.child('prefix'), prefix, m)));
    let n = 0;
    for (const [key, ref] of [['configMapRef', ev.configMapRef], ['secretRef', ev.secretRef]] as const) {
      if (!ref) continue;
      n++;
      const name = ref.name ?? '';
      if (name === '') errs.push(field.required(ip.child(key).child('name')));
      else errs.push(...nameIsDNSSubdomain(name, true).map((m) => field.invalid(ip.child(key).child('name'), name, m)));
    }
    if (n === 0) errs.push(field.invalid(p, '', 'must specify one of: `configMapRef` or `secretRef`'));
    else if (n > 1) errs.push(field.invalid(p, '', 'may not have more than one field specified at a time'));
  });
  return errs;
}

function validateVolumeMounts(c: Container, volumes: Map<string, Volume>, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const mountPoints = new Set<string>();
  (c.volumeMounts ?? []).forEach((m, i) => {
    const ip = p.index(i);
    const name = m.name ?? '';
    const mountPath = m.mountPath ?? '';
    if (name === '') errs.push(field.required(ip.child('name')));
    if (!volumes.has(name)) errs.push(field.notFoundField(ip.child('name'), name));
    if (mountPath === '') errs.push(field.required(ip.child('mountPath')));
    if (mountPoints.has(mountPath)) errs.push(field.invalid(ip.child('mountPath'), mountPath, 'must be unique'));
    mountPoints.add(mountPath);
    const subPath = m.subPath ?? '';
    const subPathExpr = m.subPathExpr ?? '';
    if (subPath !== '') errs.push(...validateLocalDescendingPath(subPath, p.child('subPath')));
    if (subPathExpr !== '') {
      if (subPath !== '') errs.push(field.invalid(ip.child('subPathExpr'), subPathExpr, 'subPathExpr and subPath are mutually exclusive'));
      errs.push(...validateLocalDescendingPath(subPathExpr, p.child('subPathExpr')));
    }
    const prop = m.mountPropagation;
    if (prop !== undefined) {
      const mp = p.child('mountPropagation');
      const supported = ['Bidirectional', 'HostToContainer', 'None'];
      if (!supported.includes(prop)) errs.push(field.notSupported(mp, prop, supported));
      if (prop === 'Bidirectional' && c.securityContext?.privileged !== true) {
        errs.push(field.forbidden(mp, 'Bidirectional mount propagation is available only to privileged containers'));
      }
    }
  });
  return errs;
}

/** Options that depend on where the container sits. */
export interface ProbeContext {
  /** The pod's terminationGracePeriodSeconds, for sleep actions. */
  gracePeriod: number | undefined;
}

function validateHandler(h: Record<string, unknown> & Probe, ctx: ProbeContext, p: P, allowSleep: boolean): FieldError[] {
  const errs: FieldError[] = [];
  let n = 0;
  const kinds = allowSleep ? ['exec', 'httpGet', 'tcpSocket', 'grpc', 'sleep'] : ['exec', 'httpGet', 'tcpSocket', 'grpc'];
  for (const kind of kinds) {
    if (h[kind] === undefined || h[kind] === null) continue;
    if (n > 0) {
      errs.push(field.forbidden(p.child(kind), 'may not specify more than 1 handler type'));
      continue;
    }
    n++;
    const kp = p.child(kind);
    if (kind === 'exec' && (h.exec?.command ?? []).length === 0) errs.push(field.required(kp.child('command')));
    if (kind === 'httpGet' && h.httpGet) {
      const g = h.httpGet;
      if ((g.path ?? '') === '') errs.push(field.required(kp.child('path')));
      errs.push(...validatePortNumOrName(g.port, kp.child('port')));
      if (!['HTTP', 'HTTPS'].includes(g.scheme ?? '')) errs.push(field.notSupported(kp.child('scheme'), g.scheme ?? '', ['HTTP', 'HTTPS']));
      for (const hdr of g.httpHeaders ?? []) errs.push(...isHTTPHeaderName(hdr.name ?? '').map((m) => field.invalid(kp.child('httpHeaders'), hdr.name, m)));
    }
    if (kind === 'tcpSocket') errs.push(...validatePortNumOrName(h.tcpSocket?.port, kp.child('port')));
    if (kind === 'grpc') errs.push(...validatePortNumOrName(h.grpc?.port ?? 0, kp.child('port')));
    if (kind === 'sleep') {
      const s = (h.sleep as { seconds?: number } | undefined)?.seconds ?? 0;
      const g = ctx.gracePeriod;
      if (g !== undefined && (s <= 0 || s > g)) {
        errs.push(
          field.invalid(kp, s, `must be greater than 0 and less than terminationGracePeriodSeconds (${g}). Enable AllowPodLifecycleSleepActionZeroValue feature gate for zero sleep.`),
        );
      }
    }
  }
  if (n === 0) errs.push(field.required(p, 'must specify a handler type'));
  return errs;
}

/** validateProbe plus the liveness/readiness/startup specifics. */
export function validateProbe(probe: Probe | undefined, which: 'liveness' | 'readiness' | 'startup', ctx: ProbeContext, p: P): FieldError[] {
  if (!probe) return [];
  const errs = validateHandler(probe as Record<string, unknown> & Probe, ctx, p, false);
  for (const k of ['initialDelaySeconds', 'timeoutSeconds', 'periodSeconds', 'successThreshold', 'failureThreshold'] as const) {
    const v = probe[k] ?? 0;
    if (v < 0) errs.push(field.invalid(p.child(k), v, IS_NEGATIVE));
  }
  const tgps = probe.terminationGracePeriodSeconds;
  if (tgps !== undefined && tgps <= 0) errs.push(field.invalid(p.child('terminationGracePeriodSeconds'), tgps, 'must be greater than 0'));
  if (which !== 'readiness' && (probe.successThreshold ?? 0) !== 1) errs.push(field.invalid(p.child('successThreshold'), probe.successThreshold ?? 0, 'must be 1'));
  if (which === 'readiness' && tgps !== undefined) {
    errs.push(field.invalid(p.child('terminationGracePeriodSeconds'), tgps, 'must not be set for readinessProbes'));
  }
  return errs;
}

/** validateLifecycle: postStart and preStop handlers (sleep allowed). */
export function validateLifecycle(c: Container, ctx: ProbeContext, p: P): FieldError[] {
  const errs: FieldError[] = [];
  for (const k of ['postStart', 'preStop'] as const) {
    const h = c.lifecycle?.[k];
    if (h) errs.push(...validateHandler(h as Record<string, unknown> & Probe, ctx, p.child(k), true));
  }
  return errs;
}

function validateSecurityContext(sc: SecurityContext | undefined, p: P): FieldError[] {
  if (!sc) return [];
  const errs: FieldError[] = [];
  if (sc.runAsUser !== undefined) errs.push(...isValidUserOrGroupID(sc.runAsUser).map((m) => field.invalid(p.child('runAsUser'), sc.runAsUser, m)));
  if (sc.runAsGroup !== undefined) errs.push(...isValidUserOrGroupID(sc.runAsGroup).map((m) => field.invalid(p.child('runAsGroup'), sc.runAsGroup, m)));
  if (sc.procMount !== undefined && !['Default', 'Unmasked'].includes(sc.procMount)) {
    errs.push(field.notSupported(p.child('procMount'), sc.procMount, ['Default', 'Unmasked']));
  }
  if (sc.allowPrivilegeEscalation === false && sc.privileged === true) {
    errs.push(field.invalid(p, sc, 'cannot set `allowPrivilegeEscalation` to false and `privileged` to true'));
  }
  return errs;
}

/** validateContainerCommon: what every container kind must satisfy. */
export function validateContainerCommon(c: Container, volumes: Map<string, Volume>, p: P): FieldError[] {
  const errs: FieldError[] = [];
  const name = c.name ?? '';
  if (name === '') errs.push(field.required(p.child('name')));
  else errs.push(...isDNS1123Label(name).map((m) => field.invalid(p.child('name'), name, m)));
  if ((c.image ?? '') === '') errs.push(field.required(p.child('image')));
  const tmp = c.terminationMessagePolicy ?? '';
  if (tmp === '') errs.push(field.required(p.child('terminationMessagePolicy')));
  else if (tmp !== 'File' && tmp !== 'FallbackToLogsOnError') {
    errs.push(field.notSupported(p.child('terminationMessagePolicy'), tmp, ['File', 'FallbackToLogsOnError']));
  }
  errs.push(...validateContainerPorts(c.ports, p.child('ports')));
  errs.push(...validateEnv(c.env, p.child('env')));
  errs.push(...validateEnvFrom(c.envFrom, p.child('envFrom')));
  errs.push(...validateVolumeMounts(c, volumes, p.child('volumeMounts')));
  const policy = c.imagePullPolicy ?? '';
  if (policy === '') errs.push(field.required(p.child('imagePullPolicy')));
  else if (!PULL_POLICIES.includes(policy)) errs.push(field.notSupported(p.child('imagePullPolicy'), policy, PULL_POLICIES));
  errs.push(...validateResourceRequirements(c.resources, p.child('resources')));
  errs.push(...validateSecurityContext(c.securityContext, p.child('securityContext')));
  return errs;
}

/** checkHostPortConflicts: one `protocol/hostIP/port` per pod (per init container). */
export function checkHostPortConflicts(containers: Container[], p: P, offset = 0): FieldError[] {
  const seen = new Set<string>();
  const errs: FieldError[] = [];
  containers.forEach((c, ci) => {
    (c.ports ?? []).forEach((port, pi) => {
      const hp = port.hostPort ?? 0;
      if (hp === 0) return;
      const key = `${port.protocol ?? ''}/${port.hostIP ?? ''}/${hp}`;
      if (seen.has(key)) errs.push(field.duplicate(p.index(ci + offset).child('ports').index(pi).child('hostPort'), key));
      else seen.add(key);
    });
  });
  return errs;
}
