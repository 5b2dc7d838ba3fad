/**
 * `set env --list`: what kubectl prints for each selected container, and with `--resolve` the values
 * behind `valueFrom` references (secrets, config maps, the object's own fields, container resources).
 */
import type { Container, EnvVar, EnvVarSource } from '../../../api/generated/core/v1.js';
import { cpuMillis, memoryBytes } from '../../../api/quantity.js';
import type { KubeObject } from '../../../client/types.js';
import { errorText } from '../../../util/errors.js';
import type { Factory } from '../../types.js';

/** kubectl's GetEnvVarRefString. */
export function envVarRefString(from: EnvVarSource): string {
  if (from.configMapKeyRef) return `configmap ${from.configMapKeyRef.name ?? ''}, key ${from.configMapKeyRef.key}`;
  if (from.secretKeyRef) return `secret ${from.secretKeyRef.name ?? ''}, key ${from.secretKeyRef.key}`;
  if (from.fieldRef) return `field path ${from.fieldRef.fieldPath}`;
  if (from.resourceFieldRef) {
    const prefix = from.resourceFieldRef.containerName ? `${from.resourceFieldRef.containerName}/` : '';
    return `resource field ${prefix}${from.resourceFieldRef.resource}`;
  }
  return 'invalid valueFrom';
}

const goQuote = (s: string) => JSON.stringify(s);

function fieldValue(obj: KubeObject, path: string): string {
  const m = obj.metadata ?? {};
  const sub = /^(.+)\['(.*)'\]$/.exec(path);
  if (sub) {
    if (sub[1] === 'metadata.annotations') return m.annotations?.[sub[2] ?? ''] ?? '';
    if (sub[1] === 'metadata.labels') return m.labels?.[sub[2] ?? ''] ?? '';
    throw new Error(`fieldPath ${goQuote(path)} does not support subscript`);
  }
  const format = (map: Record<string, string> | undefined) =>
    Object.keys(map ?? {})
      .sort()
      .map((k) => `${k}=${goQuote(map?.[k] ?? '')}`)
      .join('\n');
  switch (path) {
    case 'metadata.annotations':
      return format(m.annotations);
    case 'metadata.labels':
      return format(m.labels);
    case 'metadata.name':
      return m.name ?? '';
    case 'metadata.namespace':
      return m.namespace ?? '';
    case 'metadata.uid':
      return m.uid ?? '';
  }
  throw new Error(`unsupported fieldPath: ${path}`);
}

function resourceValue(c: Container, resource: string, divisor: string | undefined): string {
  const [kind, name] = resource.split('.');
  const list = kind === 'limits' ? c.resources?.limits : kind === 'requests' ? c.resources?.requests : undefined;
  const q = list?.[name ?? ''] ?? '0';
  if (name === 'cpu') return String(Math.ceil(cpuMillis(q) / cpuMillis(divisor && divisor !== '0' ? divisor : '1')));
  if (name === 'memory' || name === 'ephemeral-storage' || (name ?? '').startsWith('hugepages-')) {
    return String(Math.ceil(memoryBytes(q) / memoryBytes(divisor && divisor !== '0' ? divisor : '1')));
  }
  throw new Error(`Unsupported container resource : ${resource}`);
}

/** Looks up `valueFrom` values, reading each secret and config map once. */
export class EnvResolver {
  readonly #cache = new Map<string, Promise<KubeObject>>();
  constructor(
    private readonly f: Factory,
    private readonly namespace: string,
  ) {}

  #get(resource: 'secrets' | 'configmaps', name: string): Promise<KubeObject> {
    const key = `${resource}/${name}`;
    let p = this.#cache.get(key);
    if (!p) {
      p = this.f.client().request<KubeObject>({ method: 'GET', path: `/api/v1/namespaces/${encodeURIComponent(this.namespace)}/${resource}/${encodeURIComponent(name)}` });
      this.#cache.set(key, p);
    }
    return p;
  }

  /** kubectl's GetEnvVarRefValue. */
  async value(from: EnvVarSource, obj: KubeObject, c: Container): Promise<string> {
    if (from.secretKeyRef) {
      const s = (await this.#get('secrets', from.secretKeyRef.name ?? '')) as { data?: Record<string, string> };
      const v = s.data?.[from.secretKeyRef.key];
      if (v === undefined) throw new Error(`key ${from.secretKeyRef.key} not found in secret ${from.secretKeyRef.name ?? ''}`);
      return Buffer.from(v, 'base64').toString('utf8');
    }
    if (from.configMapKeyRef) {
      const cm = (await this.#get('configmaps', from.configMapKeyRef.name ?? '')) as { data?: Record<string, string> };
      const v = cm.data?.[from.configMapKeyRef.key];
      if (v === undefined) throw new Error(`key ${from.configMapKeyRef.key} not found in config map ${from.configMapKeyRef.name ?? ''}`);
      return v;
    }
    if (from.fieldRef) return fieldValue(obj, from.fieldRef.fieldPath);
    if (from.resourceFieldRef) return resourceValue(c, from.resourceFieldRef.resource, from.resourceFieldRef.divisor);
    throw new Error('invalid valueFrom');
  }
}

/** The `--list` block of one container; resolution errors go to `errOut` after it. */
export async function listEnv(o: { kind: string; name: string; container: Container; env: EnvVar[]; obj: KubeObject; resolver?: EnvResolver }): Promise<{ text: string; errors: string[]; failed: boolean }> {
  let text = `# ${o.kind} ${o.name}, container ${o.container.name}\n`;
  const byError = new Map<string, string[]>();
  for (const e of o.env) {
    if (!e.valueFrom) {
      text += `${e.name}=${e.value ?? ''}\n`;
      continue;
    }
    if (!o.resolver) {
      text += `# ${e.name} from ${envVarRefString(e.valueFrom)}\n`;
      continue;
    }
    try {
      text += `${e.name}=${await o.resolver.value(e.valueFrom, o.obj, o.container)}\n`;
    } catch (err) {
      text += `# ${e.name} from ${envVarRefString(e.valueFrom)}\n`;
      const msg = errorText(err);
      byError.set(msg, [...(byError.get(msg) ?? []), e.name]);
    }
  }
  const errors = [...byError].map(([msg, vars]) => `error retrieving reference for ${[...vars].sort().join(', ')}: ${msg}`).sort();
  return { text, errors, failed: errors.length > 0 };
}
