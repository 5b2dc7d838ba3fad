/**
 * `POST .../serviceaccounts/<name>/token`: a TokenRequest in, the same request with a signed token
 * in its status out (kube-apiserver's TokenREST). Checks, in upstream's order: the body's name and
 * namespace match the URL, the account exists, the lifetime is at least 10 minutes and at most 2^32
 * seconds, and the bound object (a Pod of this account, a Secret, or a Node) exists with the uid
 * given. An empty audience list becomes the API server's audiences; a missing lifetime an hour.
 */
import { badRequest, conflict, field, invalid, type FieldError } from '../../api/errors.js';
import type { ServiceAccountTokens, TokenGrant } from '../auth/sa-tokens.js';
import { isObject, type KubeObject, type StoredObject } from '../object.js';
import { typeMismatch } from './field-validation.js';
import { rfc3339 } from './meta.js';

const KIND = { group: 'authentication.k8s.io', kind: 'TokenRequest' };
const MIN_SECONDS = 600;
const MAX_SECONDS = 2 ** 32;
const DEFAULT_SECONDS = 3600;
/**
 * The lifetime the kubelet asks for its kube-api-access tokens. As upstream's default
 * `--service-account-extend-token-expiration`, such a pod-bound token for the API's own audiences
 * is signed for a year with a `warnafter` claim, so clients that never re-read the file keep
 * working while the kubelet still renews it hourly.
 */
const WARN_ONLY_SECONDS = 3607;
const EXTENDED_SECONDS = 365 * 24 * 3600;

export interface TokenRequestDeps {
  tokens: ServiceAccountTokens;
  /** Reads a core/v1 object, throwing the API's NotFound when it is absent. */
  get(resource: 'serviceaccounts' | 'pods' | 'secrets' | 'nodes', namespace: string, name: string): StoredObject;
  now(): Date;
}

const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** Go's schema.GroupVersionKind.String(): `group/version, Kind=kind`. */
function gvkString(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/', 2) : ['', apiVersion];
  return `${group ?? ''}/${version ?? ''}, Kind=${kind}`;
}

export function createTokenRequest(d: TokenRequestDeps, namespace: string, name: string, body: KubeObject): KubeObject {
  const mismatch = typeMismatch({ ...KIND, version: 'v1' }, body);
  if (mismatch) throw badRequest(`TokenRequest in version "v1" cannot be handled as a TokenRequest: ${mismatch}`);
  const meta = isObject(body.metadata) ? (body.metadata as Record<string, unknown>) : {};
  const spec = isObject(body['spec']) ? (body['spec']) : {};
  const reqName = str(meta['name']);
  const reqNs = str(meta['namespace']);
  if (reqName && reqName !== name) throw invalid(KIND, name, [field.invalid('metadata.name', reqName, 'must match the service account name if specified')]);
  if (reqNs && reqNs !== namespace) throw invalid(KIND, name, [field.invalid('metadata.namespace', reqNs, 'must match the service account namespace if specified')]);

  const sa = d.get('serviceaccounts', namespace, name);
  const audiences = Array.isArray(spec['audiences']) && spec['audiences'].length > 0 ? spec['audiences'].map(String) : [...d.tokens.audiences];
  const expirationSeconds = typeof spec['expirationSeconds'] === 'number' ? spec['expirationSeconds'] : DEFAULT_SECONDS;
  const now = d.now();

  const errs: FieldError[] = [];
  if (expirationSeconds < MIN_SECONDS) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration less than 10 minutes'));
  if (expirationSeconds > MAX_SECONDS) errs.push(field.invalid('spec.expirationSeconds', expirationSeconds, 'may not specify a duration larger than 2^32 seconds'));
  if (errs.length > 0) throw invalid(KIND, '', errs);

  const grant: TokenGrant = { namespace, serviceAccount: { name, uid: sa.metadata.uid ?? '' }, audiences, expirationSeconds };
  const ref = isObject(spec['boundObjectRef']) ? (spec['boundObjectRef']) : undefined;
  if (ref) {
    const apiVersion = str(ref['apiVersion']);
    const kind = str(ref['kind']);
    const refName = str(ref['name']);
    // Only the group counts, as upstream's schema.FromAPIVersionAndKind: `v1` or nothing.
    const core = apiVersion === 'v1' || apiVersion === '';
    let uid: string;
    if (core && kind === 'Pod') {
      const pod = d.get('pods', namespace, refName);
      const podSpec = isObject(pod['spec']) ? (pod['spec']) : {};
      if (str(podSpec['serviceAccountName']) !== name) throw badRequest(`cannot bind token for serviceaccount "${name}" to pod running with different serviceaccount name.`);
      uid = pod.metadata.uid ?? '';
      grant.pod = { name: refName, uid };
      // The pod's node rides along for information; a node that is gone leaves only its name.
      const nodeName = str(podSpec['nodeName']);
      if (nodeName) {
        let nodeUid: string | undefined;
        try {
          nodeUid = d.get('nodes', '', nodeName).metadata.uid;
        } catch {
          nodeUid = undefined;
        }
        grant.node = { name: nodeName, uid: nodeUid };
      }
    } else if (core && kind === 'Secret') {
      uid = d.get('secrets', namespace, refName).metadata.uid ?? '';
      grant.secret = { name: refName, uid };
    } else if (core && kind === 'Node') {
      uid = d.get('nodes', '', refName).metadata.uid ?? '';
      grant.node = { name: refName, uid };
    } else {
      throw badRequest(`cannot bind token to object of type ${gvkString(apiVersion, kind)}`);
    }
    const want = str(ref['uid']);
    if (want && want !== uid) {
      throw conflict({ group: '', resource: kind }, refName, `the UID in the bound object reference (${want}) does not match the UID in record. The object might have been deleted and then recreated`);
    }
  }

  if (grant.pod && expirationSeconds === WARN_ONLY_SECONDS && audiences.every((a) => d.tokens.audiences.includes(a))) {
    grant.warnAfterSeconds = expirationSeconds;
    grant.expirationSeconds = EXTENDED_SECONDS;
  }
  const { token } = d.tokens.issue(grant);
  return {
    apiVersion: 'authentication.k8s.io/v1',
    kind: 'TokenRequest',
    metadata: { name, namespace, creationTimestamp: rfc3339(now) },
    spec: { audiences, expirationSeconds, boundObjectRef: ref ?? null },
    status: { token, expirationTimestamp: rfc3339(new Date(now.getTime() + expirationSeconds * 1000)) },
  };
}
