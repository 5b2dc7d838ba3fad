// The files of configMap, secret, downwardAPI and projected volumes (the plugins' MakePayload and
// CollectData), ready for the atomic writer.
import type {
  ConfigMap,
  DownwardAPIVolumeFile,
  KeyToPath,
  Pod,
  ProjectedVolumeSource,
  Secret,
  ServiceAccountTokenProjection,
} from '../../../api/generated/core/v1.js';
import { type Allocatable, fieldPathValue, resourceFieldValue } from '../fieldpath.js';
import type { Payload } from './atomic-writer.js';

/** The API default for every defaultMode: 0644. */
export const DEFAULT_MODE = 0o644;

/** What the volume plugins read: ConfigMaps, Secrets and service-account tokens. */
export interface PayloadSources {
  configMap(ns: string, name: string): Promise<ConfigMap | undefined>;
  secret(ns: string, name: string): Promise<Secret | undefined>;
  /** A token for the pod's service account (the kubelet's TokenRequest), cached by the caller. */
  serviceAccountToken?(pod: Pod, projection: ServiceAccountTokenProjection): Promise<string | undefined>;
}

const b64 = (s: string): Buffer => Buffer.from(s, 'base64');

/** ConfigMap -> files: every key, or only `items` (key -> path, per-item mode). */
export function configMapPayload(cm: ConfigMap, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(cm.data ?? {})) payload.set(k, { data: Buffer.from(v, 'utf8'), mode: defaultMode });
    for (const [k, v] of Object.entries(cm.binaryData ?? {})) payload.set(k, { data: b64(v), mode: defaultMode });
    return payload;
  }
  for (const it of items) {
    const s = cm.data?.[it.key];
    const bin = cm.binaryData?.[it.key];
    if (s === undefined && bin === undefined) {
      if (optional) continue;
      throw new Error(`configmap references non-existent config key: ${it.key}`);
    }
    payload.set(it.path, { data: s !== undefined ? Buffer.from(s, 'utf8') : b64(bin ?? ''), mode: it.mode ?? defaultMode });
  }
  return payload;
}

/** Secret -> files (base64-decoded): every key, or only `items`. */
export function secretPayload(secret: Secret, items: KeyToPath[] | undefined, defaultMode: number, optional: boolean): Payload {
  const payload: Payload = new Map();
  if (!items || items.length === 0) {
    for (const [k, v] of Object.entries(secret.data ?? {})) payload.set(k, { data: b64(v), mode: defaultMode });
    return payload;
  }
  for (const it of items) {
    const v = secret.data?.[it.key];
    if (v === undefined) {
      if (optional) continue;
      throw new Error(`references non-existent secret key: ${it.key}`);
    }
    payload.set(it.path, { data: b64(v), mode: it.mode ?? defaultMode });
  }
  return payload;
}

/** downwardAPI items -> files; failures of all items are reported together. */
export function downwardAPIPayload(pod: Pod, items: DownwardAPIVolumeFile[], defaultMode: number, allocatable?: Allocatable): Payload {
  const payload: Payload = new Map();
  const errors: string[] = [];
  for (const it of items) {
    try {
      let value: string;
      if (it.fieldRef) value = fieldPathValue(pod, it.fieldRef.fieldPath);
      else if (it.resourceFieldRef) value = resourceFieldValue(pod, undefined, it.resourceFieldRef, allocatable);
      else continue;
      payload.set(it.path, { data: Buffer.from(value, 'utf8'), mode: it.mode ?? defaultMode });
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  return payload;
}

/**
 * projected sources -> one payload (later sources win on the same path). A missing ConfigMap or
 * Secret that is not optional, a missing key, or a token that cannot be had, fails the volume.
 */
export async function projectedPayload(pod: Pod, src: ProjectedVolumeSource, sources: PayloadSources, allocatable?: Allocatable): Promise<Payload> {
  const ns = pod.metadata?.namespace ?? '';
  const mode = src.defaultMode ?? DEFAULT_MODE;
  const payload: Payload = new Map();
  const errors: string[] = [];
  const merge = (p: Payload) => {
    for (const [k, v] of p) payload.set(k, v);
  };
  for (const s of src.sources ?? []) {
    try {
      if (s.configMap) {
        const name = s.configMap.name ?? '';
        const optional = s.configMap.optional === true;
        const cm = await sources.configMap(ns, name);
        if (!cm && !optional) throw new Error(`configmap "${name}" not found`);
        merge(configMapPayload(cm ?? {}, s.configMap.items, mode, optional));
      } else if (s.secret) {
        const name = s.secret.name ?? '';
        const optional = s.secret.optional === true;
        const secret = await sources.secret(ns, name);
        if (!secret && !optional) throw new Error(`secret "${name}" not found`);
        merge(secretPayload(secret ?? {}, s.secret.items, mode, optional));
      } else if (s.downwardAPI) {
        merge(downwardAPIPayload(pod, s.downwardAPI.items ?? [], mode, allocatable));
      } else if (s.serviceAccountToken) {
        const sa = pod.spec?.serviceAccountName || 'default';
        const token = sources.serviceAccountToken ? await sources.serviceAccountToken(pod, s.serviceAccountToken) : undefined;
        if (token === undefined) throw new Error(`failed to fetch token: no token for service account "${ns}/${sa}"`);
        // A pod with fsGroup gets 0600 here and the group bit later, like the kubelet.
        const tokenMode = pod.spec?.securityContext?.fsGroup !== undefined ? 0o600 : mode;
        payload.set(s.serviceAccountToken.path, { data: Buffer.from(token, 'utf8'), mode: tokenMode });
      } else if (s.clusterTrustBundle) {
        throw new Error('clusterTrustBundle projections are not supported');
      }
    } catch (err) {
      errors.push((err as Error).message);
    }
  }
  if (errors.length > 0) throw new Error(errors.length === 1 ? errors[0] : `[${errors.join(', ')}]`);
  return payload;
}
