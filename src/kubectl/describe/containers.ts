/**
 * The Containers / Init Containers blocks of pods and pod templates: image, ports, command, state,
 * resources, probes, environment and mounts, laid out as kubectl's describeContainers.
 */
import { Quantity } from '../../api/quantity.js';
import type { Container, ContainerState, ContainerStatus, EnvVar, Pod, Probe, ResourceRequirements } from '../../api/generated/core/v1.js';
import { byString, rfc1123z, sortedKeys, stringOrNone } from './format.js';
import { LEVEL_0, LEVEL_1, LEVEL_2, LEVEL_3, type PrefixWriter } from './writer.js';

/** Resolves a `fieldRef` env var of a pod (absent for templates). */
export type EnvResolver = (e: EnvVar) => string;

const quantityString = (s: string | undefined): string => {
  try {
    return Quantity.parse(s ?? '0').toString();
  } catch {
    return s ?? '';
  }
};

/** `Limits:` and `Requests:` with one sorted line per resource. */
export function describeResources(r: ResourceRequirements | undefined, w: PrefixWriter, level: number): void {
  if (!r) return;
  for (const [title, list] of [['Limits', r.limits], ['Requests', r.requests]] as const) {
    const keys = sortedKeys(list);
    if (keys.length > 0) w.write(level, `${title}:\n`);
    for (const k of keys) w.write(level + 1, `${k}:\t${quantityString(list?.[k])}\n`);
  }
}

const intOrString = (v: number | string | undefined): string => (v === undefined ? '' : String(v));

/** Go's net.JoinHostPort: brackets around a host with a colon (IPv6). */
const joinHostPort = (host: string, port: string): string => (host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`);

/** `http-get http://:8080/healthz delay=0s timeout=1s period=10s #success=1 #failure=3` (DescribeProbe). */
export function describeProbe(p: Probe): string {
  const attrs = `delay=${p.initialDelaySeconds ?? 0}s timeout=${p.timeoutSeconds ?? 0}s period=${p.periodSeconds ?? 0}s #success=${p.successThreshold ?? 0} #failure=${p.failureThreshold ?? 0}`;
  if (p.exec) return `exec [${(p.exec.command ?? []).join(' ')}] ${attrs}`;
  if (p.httpGet) {
    const g = p.httpGet;
    const port = intOrString(g.port);
    const host = port.length > 0 ? joinHostPort(g.host ?? '', port) : (g.host ?? '');
    const scheme = (g.scheme ?? '').toLowerCase();
    let path = g.path ?? '';
    // Go's url.URL.String puts a slash between a host and a relative path.
    if (path !== '' && !path.startsWith('/') && host !== '') path = `/${path}`;
    const url = `${scheme ? `${scheme}:` : ''}${(scheme || host) && (host || path) ? `//${host}` : ''}${encodeURI(path)}`;
    return `http-get ${url} ${attrs}`;
  }
  if (p.tcpSocket) return `tcp-socket ${p.tcpSocket.host ?? ''}:${intOrString(p.tcpSocket.port)} ${attrs}`;
  if (p.grpc) return `grpc <pod>:${p.grpc.port} ${p.grpc.service ?? ''} ${attrs}`;
  return `unknown ${attrs}`;
}

function describeState(title: string, s: ContainerState | undefined, w: PrefixWriter): void {
  if (s?.running) {
    w.write(LEVEL_2, `${title}:\tRunning\n`);
    w.write(LEVEL_3, `Started:\t${rfc1123z(s.running.startedAt)}\n`);
  } else if (s?.terminated) {
    const t = s.terminated;
    w.write(LEVEL_2, `${title}:\tTerminated\n`);
    if (t.reason) w.write(LEVEL_3, `Reason:\t${t.reason}\n`);
    if (t.message) w.write(LEVEL_3, `Message:\t${t.message}\n`);
    w.write(LEVEL_3, `Exit Code:\t${t.exitCode}\n`);
    if ((t.signal ?? 0) > 0) w.write(LEVEL_3, `Signal:\t${t.signal ?? 0}\n`);
    w.write(LEVEL_3, `Started:\t${rfc1123z(t.startedAt)}\n`);
    w.write(LEVEL_3, `Finished:\t${rfc1123z(t.finishedAt)}\n`);
  } else {
    w.write(LEVEL_2, `${title}:\tWaiting\n`);
    if (s?.waiting?.reason) w.write(LEVEL_3, `Reason:\t${s.waiting.reason}\n`);
  }
}

/** A `resourceFieldRef` value: the container's request or limit over the divisor, rounded up. */
function resourceFieldValue(c: Container, resource: string, divisor: string | undefined): string | undefined {
  const dot = resource.indexOf('.');
  const kind = resource.slice(0, dot);
  const name = resource.slice(dot + 1);
  if (dot < 0 || (kind !== 'limits' && kind !== 'requests')) return undefined;
  const list = kind === 'limits' ? c.resources?.limits : c.resources?.requests;
  let div = Quantity.parse(divisor ?? '0');
  if (div.isZero()) div = Quantity.fromInt(1);
  const q = Quantity.parse(list?.[name] ?? '0');
  if (name === 'cpu') return String(Math.ceil(Number(q.milliValue()) / Number(div.milliValue())));
  if (name === 'memory' || name === 'ephemeral-storage' || name.startsWith('hugepages-')) return String(Math.ceil(Number(q.value()) / Number(div.value())));
  return undefined;
}

function describeEnv(c: Container, resolve: EnvResolver | undefined, w: PrefixWriter): void {
  if ((c.envFrom ?? []).length > 0) {
    w.write(LEVEL_2, 'Environment Variables from:\n');
    for (const e of c.envFrom ?? []) {
      const [from, ref] = e.configMapRef ? ['ConfigMap', e.configMapRef] : e.secretRef ? ['Secret', e.secretRef] : ['', undefined];
      const optional = ref?.optional === true;
      const src = e.prefix ? `${from} with prefix '${e.prefix}'` : from;
      w.write(LEVEL_3, `${ref?.name ?? ''}\t${src}\tOptional: ${optional}\n`);
    }
  }
  const env = c.env ?? [];
  w.write(LEVEL_2, `Environment:${env.length === 0 ? '\t<none>' : ''}\n`);
  for (const e of env) {
    const from = e.valueFrom;
    if (!from) {
      (e.value ?? '').split('\n').forEach((s, i) => w.write(LEVEL_3, i === 0 ? `${e.name}:\t${s}\n` : `\t${s}\n`));
    } else if (from.fieldRef) {
      w.write(LEVEL_3, `${e.name}:\t${resolve ? resolve(e) : ''} (${from.fieldRef.apiVersion ?? ''}:${from.fieldRef.fieldPath})\n`);
    } else if (from.resourceFieldRef) {
      const r = from.resourceFieldRef.resource;
      let v = resourceFieldValue(c, r, from.resourceFieldRef.divisor) ?? '';
      if (v === '0' && (r === 'limits.cpu' || r === 'limits.memory')) v = 'node allocatable';
      w.write(LEVEL_3, `${e.name}:\t${v} (${r})\n`);
    } else if (from.secretKeyRef) {
      w.write(LEVEL_3, `${e.name}:\t<set to the key '${from.secretKeyRef.key}' in secret '${from.secretKeyRef.name ?? ''}'>\tOptional: ${from.secretKeyRef.optional === true}\n`);
    } else if (from.configMapKeyRef) {
      w.write(LEVEL_3, `${e.name}:\t<set to the key '${from.configMapKeyRef.key}' of config map '${from.configMapKeyRef.name ?? ''}'>\tOptional: ${from.configMapKeyRef.optional === true}\n`);
    }
  }
}

function describeMounts(c: Container, w: PrefixWriter): void {
  const mounts = [...(c.volumeMounts ?? [])].sort((a, b) => byString(a.mountPath, b.mountPath));
  const none = mounts.length === 0 ? '\t<none>' : '';
  w.write(LEVEL_2, `Mounts:${none}\n`);
  for (const m of mounts) {
    const flags = [m.readOnly ? 'ro' : 'rw', ...(m.subPath ? [`path=${JSON.stringify(m.subPath)}`] : [])];
    w.write(LEVEL_3, `${m.mountPath} from ${m.name} (${flags.join(',')})\n`);
  }
  const devices = [...(c.volumeDevices ?? [])].sort((a, b) => byString(a.devicePath, b.devicePath));
  if (devices.length > 0) {
    w.write(LEVEL_2, `Devices:${none}\n`);
    for (const d of devices) w.write(LEVEL_3, `${d.devicePath} from ${d.name}\n`);
  }
}

/**
 * One `Containers:` block. `space` is `"  "` inside a Pod Template (names then get one more space);
 * `statuses` are the pod's container statuses (none for templates).
 */
export function describeContainers(
  label: string,
  containers: readonly Container[],
  statuses: readonly ContainerStatus[] | undefined,
  resolve: EnvResolver | undefined,
  w: PrefixWriter,
  space: string,
): void {
  w.write(LEVEL_0, `${space}${label}:${containers.length === 0 ? ' <none>' : ''}\n`);
  const byName = new Map((statuses ?? []).map((s) => [s.name, s]));
  for (const c of containers) {
    const status = byName.get(c.name);
    w.write(LEVEL_1, `${space ? ' ' : ''}${c.name}:\n`);
    if (status) w.write(LEVEL_2, `Container ID:\t${status.containerID ?? ''}\n`);
    w.write(LEVEL_2, `Image:\t${c.image ?? ''}\n`);
    if (status) w.write(LEVEL_2, `Image ID:\t${status.imageID}\n`);
    const ports = (c.ports ?? []).map((p) => `${p.containerPort}/${p.protocol ?? ''}`).join(', ');
    w.write(LEVEL_2, ports.includes(',') ? `Ports:\t${ports}\n` : `Port:\t${stringOrNone(ports)}\n`);
    const hostPorts = (c.ports ?? []).map((p) => `${p.hostPort ?? 0}/${p.protocol ?? ''}`).join(', ');
    w.write(LEVEL_2, hostPorts.includes(',') ? `Host Ports:\t${hostPorts}\n` : `Host Port:\t${stringOrNone(hostPorts)}\n`);
    const seccomp = c.securityContext?.seccompProfile;
    if (seccomp) {
      w.write(LEVEL_2, `SeccompProfile:\t${seccomp.type}\n`);
      if (seccomp.type === 'Localhost') w.write(LEVEL_3, `LocalhostProfile:\t${seccomp.localhostProfile ?? ''}\n`);
    }
    for (const [title, list] of [['Command', c.command], ['Args', c.args]] as const) {
      if (!list || list.length === 0) continue;
      w.write(LEVEL_2, `${title}:\n`);
      for (const item of list) for (const s of item.split('\n')) w.write(LEVEL_3, `${s}\n`);
    }
    if (status) {
      describeState('State', status.state, w);
      if (status.lastState?.terminated) describeState('Last State', status.lastState, w);
      w.write(LEVEL_2, `Ready:\t${status.ready ? 'True' : 'False'}\n`);
      w.write(LEVEL_2, `Restart Count:\t${status.restartCount}\n`);
    }
    describeResources(c.resources, w, LEVEL_2);
    if (c.livenessProbe) w.write(LEVEL_2, `Liveness:\t${describeProbe(c.livenessProbe)}\n`);
    if (c.readinessProbe) w.write(LEVEL_2, `Readiness:\t${describeProbe(c.readinessProbe)}\n`);
    if (c.startupProbe) w.write(LEVEL_2, `Startup:\t${describeProbe(c.startupProbe)}\n`);
    describeEnv(c, resolve, w);
    describeMounts(c, w);
  }
}

/**
 * kubectl resolves a pod's `fieldRef` env vars through its client scheme, which knows only
 * `metadata.name` and `metadata.namespace`; every other path prints empty.
 */
export function podEnvResolver(pod: Pod): EnvResolver {
  return (e) => {
    const path = e.valueFrom?.fieldRef?.fieldPath;
    if (path === 'metadata.name') return pod.metadata?.name ?? '';
    if (path === 'metadata.namespace') return pod.metadata?.namespace ?? '';
    return '';
  };
}
