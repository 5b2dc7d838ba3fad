/**
 * The objects `kubectl run` and `kubectl expose` generate, field for field as kubectl 1.32 builds
 * them (Go struct order, so `-o json` prints the same; `creationTimestamp: null`, empty `resources`
 * and `status` as the typed objects carry them), and `--overrides` applied on top.
 */
import { applyJsonPatch } from '../../api/patch/json-patch.js';
import { applyMergePatch } from '../../api/patch/merge-patch.js';
import { applyStrategicMergePatch } from '../../api/patch/strategic-merge.js';
import type { KubeObject } from '../../client/types.js';
import { errorText } from '../../util/errors.js';
import { CliError } from '../errors.js';

type Obj = Record<string, unknown>;

/** A map with its keys sorted, as Go's encoder writes maps. */
export function sortedMap(m: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.keys(m).sort().map((k) => [k, m[k] ?? '']));
}

/** kubectl's generate.ParseLabels / expose's parseLabels: `a=b,c=d`. */
export function parseLabelSpec(spec: string): Record<string, string> {
  if (spec === '') throw new CliError('no label spec passed');
  const out: Record<string, string> = {};
  for (const item of spec.split(',')) {
    const kv = item.split('=');
    if (kv.length !== 2) throw new CliError(`unexpected label spec: ${item}`);
    if (kv[0] === '') throw new CliError('unexpected empty label key');
    out[kv[0] ?? ''] = kv[1] ?? '';
  }
  return sortedMap(out);
}

/** `metadata` in ObjectMeta field order. */
export function objectMeta(name: string, o: { namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> } = {}): Obj {
  const meta: Obj = { name };
  if (o.namespace) meta['namespace'] = o.namespace;
  meta['creationTimestamp'] = null;
  if (o.labels && Object.keys(o.labels).length > 0) meta['labels'] = sortedMap(o.labels);
  if (o.annotations && Object.keys(o.annotations).length > 0) meta['annotations'] = sortedMap(o.annotations);
  return meta;
}

/** What the service generator takes (kubectl's expose options / ServiceV2 parameters). */
export interface ServiceParams {
  name: string;
  namespace?: string;
  selector: string;
  labels?: string;
  /** One port or a comma-separated list; empty only for a headless service. */
  ports: string;
  protocol: string;
  /** `port/protocol` per exposed container port, when the exposed object has them. */
  protocols?: Map<string, string[]>;
  targetPort?: string;
  externalIP?: string;
  type?: string;
  loadBalancerIP?: string;
  sessionAffinity?: string;
  clusterIP?: string;
}

/** intstr.Parse: a number when the text is one, else the string. */
const intOrString = (s: string): number | string => (/^-?\d+$/.test(s) && Number.isSafeInteger(Number(s)) ? Number(s) : s);

/** The Service kubectl expose creates (createService). */
export function buildService(p: ServiceParams): KubeObject {
  if (p.selector === '') throw new CliError('selector must be specified');
  const selector = parseLabelSpec(p.selector);
  const labels = p.labels ? parseLabelSpec(p.labels) : undefined;
  const list = p.ports === '' ? [] : p.ports.split(',');
  const ports: Obj[] = [];
  list.forEach((text, i) => {
    if (!/^[+-]?\d+$/.test(text)) throw new CliError(`strconv.Atoi: parsing ${JSON.stringify(text)}: invalid syntax`);
    const port = Number(text);
    const name = list.length > 1 ? `port-${i + 1}` : '';
    let protocol = p.protocol;
    const multi = p.protocols && p.protocols.size > 0 ? p.protocols : undefined;
    if (protocol === '' && multi) {
      protocol = 'TCP';
      const exposed = multi.get(text);
      if (exposed && exposed.length === 1) protocol = exposed[0] ?? 'TCP';
      else if (exposed && exposed.length > 1) {
        for (const proto of exposed) ports.push(servicePort(`port-${i + 1}-${proto.toLowerCase()}`, proto, port));
        return;
      }
    } else if (protocol === '') {
      protocol = 'TCP';
    }
    ports.push(servicePort(name, protocol, port));
  });
  const target = p.targetPort ? intOrString(p.targetPort) : undefined;
  for (const port of ports) port['targetPort'] = target ?? port['port'];
  const spec: Obj = { ports, selector };
  if (p.clusterIP) spec['clusterIP'] = p.clusterIP;
  if (p.type) spec['type'] = p.type;
  if (p.externalIP) spec['externalIPs'] = [p.externalIP];
  if (p.sessionAffinity) {
    if (p.sessionAffinity !== 'None' && p.sessionAffinity !== 'ClientIP') throw new CliError(`unknown session affinity: ${p.sessionAffinity}`);
    spec['sessionAffinity'] = p.sessionAffinity;
  }
  if (p.type === 'LoadBalancer' && p.loadBalancerIP) spec['loadBalancerIP'] = p.loadBalancerIP;
  if (ports.length === 0) delete spec['ports'];
  return { kind: 'Service', apiVersion: 'v1', metadata: objectMeta(p.name, { namespace: p.namespace, labels }), spec, status: { loadBalancer: {} } } as unknown as KubeObject;
}

function servicePort(name: string, protocol: string, port: number): Obj {
  return { ...(name ? { name } : {}), protocol, port };
}

/** What the pod generator takes (kubectl run's flags). */
export interface PodParams {
  name: string;
  namespace?: string;
  image: string;
  labels?: string;
  annotations: string[];
  env: string[];
  port?: string;
  restart: string;
  imagePullPolicy?: string;
  command: boolean;
  args: string[];
  stdin: boolean;
  tty: boolean;
  leaveStdinOpen: boolean;
  privileged: boolean;
}

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;

function parseEnvs(envs: string[]): Obj[] {
  return envs.map((e) => {
    const eq = e.indexOf('=');
    const name = eq < 0 ? '' : e.slice(0, eq);
    if (eq < 0 || name === '' || !ENV_NAME.test(name)) throw new CliError(`invalid env: ${e}`);
    return { name, value: e.slice(eq + 1) };
  });
}

function parseAnnotations(items: string[]): Record<string, string> | undefined {
  if (items.length === 0) return undefined;
  const out: Record<string, string> = {};
  const invalid: string[] = [];
  for (const a of items) {
    const eq = a.indexOf('=');
    if (eq > 0) out[a.slice(0, eq)] = a.slice(eq + 1);
    else invalid.push(a);
  }
  if (invalid.length > 0) throw new CliError(`invalid annotations format: ${invalid.join(', ')}`);
  return out;
}

/** The Pod kubectl run creates (the run-pod/v1 generator). */
export function buildPod(p: PodParams): KubeObject {
  const labels = p.labels ? parseLabelSpec(p.labels) : { run: p.name };
  const annotations = parseAnnotations(p.annotations);
  const container: Obj = { name: p.name, image: p.image };
  if (p.args.length > 0) container[p.command ? 'command' : 'args'] = p.args;
  if (p.port) {
    if (!/^[+-]?\d+$/.test(p.port)) throw new CliError(`strconv.Atoi: parsing ${JSON.stringify(p.port)}: invalid syntax`);
    container['ports'] = [{ containerPort: Number(p.port) }];
  }
  const env = parseEnvs(p.env);
  if (env.length > 0) container['env'] = env;
  container['resources'] = {};
  if (p.imagePullPolicy) container['imagePullPolicy'] = p.imagePullPolicy;
  if (p.privileged) container['securityContext'] = { privileged: true };
  if (p.stdin) container['stdin'] = true;
  if (p.stdin && !p.leaveStdinOpen) container['stdinOnce'] = true;
  if (p.tty) container['tty'] = true;
  return {
    kind: 'Pod',
    apiVersion: 'v1',
    metadata: objectMeta(p.name, { namespace: p.namespace, labels, annotations }),
    spec: { containers: [container], restartPolicy: p.restart, dnsPolicy: 'ClusterFirst' },
    status: {},
  } as unknown as KubeObject;
}

/** `--overrides` with `--override-type` (merge by default), applied to the generated object. */
export function applyOverrides(obj: KubeObject, overrides: string, type: string, schemaName: string): KubeObject {
  if (overrides === '') return obj;
  let patch: unknown;
  try {
    patch = JSON.parse(overrides);
  } catch (e) {
    throw new CliError(errorText(e));
  }
  switch (type || 'merge') {
    case 'json':
      return applyJsonPatch(obj, patch) as KubeObject;
    case 'merge':
      return applyMergePatch(obj, patch) as KubeObject;
    case 'strategic':
      return applyStrategicMergePatch(obj, patch, { schemaName }) as KubeObject;
    default:
      throw new CliError(`invalid override type: ${type}`);
  }
}

/** The generated object as it is sent: without the fields only the typed printer shows. */
export function forCreate(obj: KubeObject): KubeObject {
  const copy = structuredClone(obj) as Obj;
  const meta = copy['metadata'] as Obj | undefined;
  if (meta && meta['creationTimestamp'] === null) delete meta['creationTimestamp'];
  delete copy['status'];
  return copy;
}
