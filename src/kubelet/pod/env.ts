// A container's environment as the kubelet builds it (makeEnvironmentVariables): service links,
// then envFrom, then env with $(VAR) expansion and the downward API, ConfigMaps and Secrets.
import type { ConfigMap, Container, Pod, Secret, Service } from '../../api/generated/core/v1.js';
import { EnvError } from './errors.js';
import { expand, lookupIn } from './expansion.js';
import { type Allocatable, fieldPathValue, machineAllocatable, resourceFieldValue } from './fieldpath.js';
import { serviceEnvVars } from './service-env.js';

export { EnvError } from './errors.js';

/** Where the kubelet reads referenced objects from (its informer caches). */
export interface EnvSources {
  /** The ConfigMap, or undefined when it does not exist. Other failures reject. */
  configMap(ns: string, name: string): Promise<ConfigMap | undefined>;
  /** The Secret, or undefined when it does not exist. Other failures reject. */
  secret(ns: string, name: string): Promise<Secret | undefined>;
  /** The services visible to the pod: its namespace's plus the `kubernetes` service from default. */
  services(ns: string): Service[];
}

/** Options for {@link containerEnv}. */
export interface EnvOptions {
  nodeName: string;
  hostIP: string;
  podIP: string;
  podIPs: string[];
  /** All node IPs for status.hostIPs (default [hostIP]). */
  hostIPs?: string[];
  /** Limits a container leaves unset count as this for resourceFieldRef (default: this machine). */
  nodeAllocatable?: Allocatable;
  /** Called with the kubelet's InvalidEnvironmentVariableNames event message when envFrom keys are skipped. */
  onInvalidKeys?: (message: string) => void;
}

/** One environment variable. */
export interface EnvVarValue {
  name: string;
  value: string;
}

/** Decodes a Secret's base64 `data` value. */
const secretValue = (b64: string): string => Buffer.from(b64, 'base64').toString('utf8');

/**
 * A name no environment can carry: empty, or with `=` or NUL. The API server (1.32, relaxed
 * validation) accepts any other printable name, so the kubelet passes those through.
 */
const unusableName = (k: string): boolean => k === '' || k.includes('=') || k.includes('\0');

/** The service variables the pod sees (getServiceEnvVarMap), later names overriding earlier ones. */
function serviceEnv(pod: Pod, services: Service[]): Map<string, string> {
  const ns = pod.metadata?.namespace ?? '';
  const links = pod.spec?.enableServiceLinks ?? true;
  const byName = new Map<string, Service>();
  for (const svc of services) {
    const name = svc.metadata?.name ?? '';
    const svcNs = svc.metadata?.namespace ?? '';
    // The master service is always visible; a same-namespace service of that name replaces it.
    if (svcNs === 'default' && name === 'kubernetes') {
      if (!byName.has(name)) byName.set(name, svc);
    } else if (svcNs === ns && links) {
      byName.set(name, svc);
    }
  }
  const ordered = [...byName.keys()].sort().map((k) => byName.get(k) as Service);
  return new Map(serviceEnvVars(ordered).map((e) => [e.name, e.value]));
}

/**
 * The container's environment, in the order given to the runtime: service variables not
 * overridden by the container, then envFrom and env in declaration order (a later definition
 * replaces an earlier one in place). Throws {@link EnvError} for a missing required reference.
 */
export async function containerEnv(pod: Pod, c: Container, src: EnvSources, o: EnvOptions): Promise<EnvVarValue[]> {
  const ns = pod.metadata?.namespace ?? '';
  const svcEnv = serviceEnv(pod, src.services(ns));
  const configMaps = new Map<string, ConfigMap | undefined>();
  const secrets = new Map<string, Secret | undefined>();
  const getConfigMap = async (name: string) => {
    if (!configMaps.has(name)) configMaps.set(name, await src.configMap(ns, name));
    return configMaps.get(name);
  };
  const getSecret = async (name: string) => {
    if (!secrets.has(name)) secrets.set(name, await src.secret(ns, name));
    return secrets.get(name);
  };
  const env = new Map<string, string>();

  for (const from of c.envFrom ?? []) {
    const prefix = from.prefix ?? '';
    let kind: string;
    let name: string;
    let data: [string, string][];
    if (from.configMapRef) {
      kind = 'configMap';
      name = from.configMapRef.name ?? '';
      const cm = await getConfigMap(name);
      if (!cm) {
        if (from.configMapRef.optional === true) continue;
        throw new EnvError(`configmap "${name}" not found`);
      }
      data = Object.entries(cm.data ?? {});
    } else if (from.secretRef) {
      kind = 'secret';
      name = from.secretRef.name ?? '';
      const s = await getSecret(name);
      if (!s) {
        if (from.secretRef.optional === true) continue;
        throw new EnvError(`secret "${name}" not found`);
      }
      data = Object.entries(s.data ?? {}).map(([k, v]) => [k, secretValue(v)]);
    } else {
      continue;
    }
    const invalid: string[] = [];
    for (const [key, value] of data.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const k = prefix + key;
      if (unusableName(k)) invalid.push(k);
      else env.set(k, value);
    }
    if (invalid.length > 0) {
      o.onInvalidKeys?.(
        `Keys [${invalid.sort().join(', ')}] from the EnvFrom ${kind} ${ns}/${name} were skipped since they are considered invalid environment variable names.`,
      );
    }
  }

  const lookup = lookupIn(env, svcEnv);
  const runtime = { nodeName: o.nodeName, hostIP: o.hostIP, hostIPs: o.hostIPs ?? (o.hostIP ? [o.hostIP] : []), podIP: o.podIP, podIPs: o.podIPs };
  for (const ev of c.env ?? []) {
    let value = ev.value ?? '';
    const from = ev.valueFrom;
    if (value !== '') {
      value = expand(value, lookup);
    } else if (from?.fieldRef) {
      try {
        value = fieldPathValue(pod, from.fieldRef.fieldPath, runtime);
      } catch (err) {
        throw new EnvError((err as Error).message);
      }
    } else if (from?.resourceFieldRef) {
      try {
        value = resourceFieldValue(pod, c, from.resourceFieldRef, o.nodeAllocatable ?? machineAllocatable());
      } catch (err) {
        throw new EnvError((err as Error).message);
      }
    } else if (from?.configMapKeyRef) {
      const { name = '', key, optional } = from.configMapKeyRef;
      const cm = await getConfigMap(name);
      if (!cm) {
        if (optional === true) continue;
        throw new EnvError(`configmap "${name}" not found`);
      }
      const v = cm.data?.[key];
      if (v === undefined) {
        if (optional === true) continue;
        throw new EnvError(`couldn't find key ${key} in ConfigMap ${ns}/${name}`);
      }
      value = v;
    } else if (from?.secretKeyRef) {
      const { name = '', key, optional } = from.secretKeyRef;
      const s = await getSecret(name);
      if (!s) {
        if (optional === true) continue;
        throw new EnvError(`secret "${name}" not found`);
      }
      const v = s.data?.[key];
      if (v === undefined) {
        if (optional === true) continue;
        throw new EnvError(`couldn't find key ${key} in Secret ${ns}/${name}`);
      }
      value = secretValue(v);
    }
    env.set(ev.name, value);
  }

  const out: EnvVarValue[] = [];
  for (const [name, value] of svcEnv) if (!env.has(name)) out.push({ name, value });
  for (const [name, value] of env) out.push({ name, value });
  return out;
}
