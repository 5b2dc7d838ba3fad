/**
 * ServiceAccount tokens: the JWTs that TokenRequest (`serviceaccounts/<name>/token`) issues, signed
 * ES256 with the cluster's ServiceAccount key, and the authenticator that accepts them.
 *
 * The claims are those of kube-apiserver's bound tokens: `iss`, `sub`
 * (`system:serviceaccount:<ns>:<name>`), `aud`, `iat`/`nbf`/`exp`, a `jti`, and a private
 * `kubernetes.io` claim naming the namespace, the account and the object the token is bound to
 * (a Pod, with its node, a Secret or a Node). A token is accepted while it is unexpired (a minute of
 * leeway), shares an audience with the target audiences, its account still exists with the same uid,
 * and its bound object still exists with the same uid and was not deleted over a minute ago: deleting
 * the account or the object revokes the token, as upstream's validator has it.
 */
import { isObject } from '../object.js';
import { createHash, createPrivateKey, createPublicKey, randomUUID, sign, verify, type KeyObject } from 'node:crypto';
import type { TokenAuthenticator } from './authenticate.js';
import type { UserInfo } from './user.js';

/** The issuer kubeadm and k3s configure (`--service-account-issuer`). */
export const DEFAULT_ISSUER = 'https://kubernetes.default.svc.cluster.local';
/** The extra keys upstream adds to a ServiceAccount user. */
export const EXTRA = {
  credentialId: 'authentication.kubernetes.io/credential-id',
  podName: 'authentication.kubernetes.io/pod-name',
  podUid: 'authentication.kubernetes.io/pod-uid',
  nodeName: 'authentication.kubernetes.io/node-name',
  nodeUid: 'authentication.kubernetes.io/node-uid',
} as const;
/** How long after its deletion a bound object still vouches for its tokens (upstream: 60 s). */
const DELETION_GRACE_MS = 60_000;
/** Clock skew tolerated on exp and nbf (go-jose's DefaultLeeway). */
const LEEWAY_S = 60;
/** Tokens whose signature was verified, kept so a client's next request skips the ECDSA check. */
const VERIFIED_CACHE_SIZE = 1024;

export interface ObjectRef {
  name: string;
  uid: string;
}

/** What a token is issued for: the account, the audiences, the lifetime and the bound object. */
export interface TokenGrant {
  namespace: string;
  serviceAccount: ObjectRef;
  audiences: string[];
  /** The token's lifetime (its `exp`). */
  expirationSeconds: number;
  /** When set, the `warnafter` claim: the lifetime the requester asked for, before an extension. */
  warnAfterSeconds?: number;
  pod?: ObjectRef;
  secret?: ObjectRef;
  /** The node a bound pod runs on (uid may be unknown), or, with no pod, the Node the token is bound to. */
  node?: { name: string; uid?: string };
}

/** The private claim, spelled as upstream's JSON (`kubernetes.io`). */
interface KubernetesClaim {
  namespace: string;
  serviceaccount: ObjectRef;
  pod?: ObjectRef;
  secret?: ObjectRef;
  node?: { name: string; uid?: string };
  warnafter?: number;
}

interface Claims {
  aud: string | string[];
  exp: number;
  iat: number;
  iss: string;
  jti?: string;
  'kubernetes.io'?: KubernetesClaim;
  nbf?: number;
  sub: string;
}

/** What the authenticator needs of the objects a token names: their uid and deletion time. */
export type ObjectLookup = (kind: 'ServiceAccount' | 'Pod' | 'Secret' | 'Node', namespace: string, name: string) => { uid?: string; deletionTimestamp?: string } | undefined;

export type TokenCheck = { user: UserInfo; audiences: string[] } | { error: string } | undefined;

const b64url = (b: Buffer | string): string => Buffer.from(b).toString('base64url');

/** The `kid` upstream derives from a public key: SHA-256 of its DER (PKIX) form, base64url. */
export function keyId(pub: KeyObject): string {
  return b64url(createHash('sha256').update(pub.export({ type: 'spki', format: 'der' })).digest());
}

export const serviceAccountUser = (namespace: string, name: string): string => `system:serviceaccount:${namespace}:${name}`;
export const serviceAccountGroups = (namespace: string): string[] => ['system:serviceaccounts', `system:serviceaccounts:${namespace}`];

export class ServiceAccountTokens {
  readonly issuer: string;
  /** The API server's own audiences (`--api-audiences`): the default for requests and what API calls need. */
  readonly audiences: readonly string[];
  readonly kid: string;
  private readonly privateKey: KeyObject;
  private readonly publicKey: KeyObject;
  private readonly now: () => number;
  /** Verified token -> its claims, oldest first; time, audience and object checks still run each time. */
  private readonly verifiedTokens = new Map<string, Claims>();

  constructor(keys: { privateKeyPem: string; publicKeyPem: string }, o: { issuer?: string; audiences?: readonly string[]; now?: () => number } = {}) {
    this.privateKey = createPrivateKey(keys.privateKeyPem);
    this.publicKey = createPublicKey(keys.publicKeyPem);
    if (this.publicKey.asymmetricKeyType !== 'ec' || this.publicKey.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
      throw new Error('the ServiceAccount signing key must be an EC P-256 key (ES256)');
    }
    this.issuer = o.issuer ?? DEFAULT_ISSUER;
    this.audiences = o.audiences && o.audiences.length > 0 ? o.audiences : [this.issuer];
    this.kid = keyId(this.publicKey);
    this.now = o.now ?? Date.now;
  }

  /** Signs a token for `g`; returns it with its expiry, `iat` plus the lifetime. */
  issue(g: TokenGrant): { token: string; expiration: Date } {
    const iat = Math.floor(this.now() / 1000);
    const k: KubernetesClaim = { namespace: g.namespace, serviceaccount: g.serviceAccount };
    if (g.node) k.node = g.node.uid ? { name: g.node.name, uid: g.node.uid } : { name: g.node.name };
    if (g.pod) k.pod = g.pod;
    else if (g.secret) k.secret = g.secret;
    if (g.warnAfterSeconds !== undefined) k.warnafter = iat + g.warnAfterSeconds;
    // Go marshals a one-element audience as a plain string, and the claims in key order.
    const claims: Claims = {
      aud: g.audiences.length === 1 ? (g.audiences[0] ?? '') : g.audiences,
      exp: iat + g.expirationSeconds,
      iat,
      iss: this.issuer,
      jti: randomUUID(),
      'kubernetes.io': k,
      nbf: iat,
      sub: serviceAccountUser(g.namespace, g.serviceAccount.name),
    };
    const signingInput = `${b64url(JSON.stringify({ alg: 'ES256', kid: this.kid }))}.${b64url(JSON.stringify(claims))}`;
    const signature = sign('sha256', Buffer.from(signingInput), { key: this.privateKey, dsaEncoding: 'ieee-p1363' });
    return { token: `${signingInput}.${b64url(signature)}`, expiration: new Date((iat + g.expirationSeconds) * 1000) };
  }

  /**
   * Checks a bearer token against `audiences` (default: the API server's). Undefined when it is not
   * a token of this issuer (another authenticator may know it), else the user or why it is refused.
   */
  check(token: string, lookup: ObjectLookup, audiences: readonly string[] = this.audiences): TokenCheck {
    const claims = this.verified(token);
    if (claims === undefined) return undefined;
    if ('error' in claims) return claims;
    const now = this.now() / 1000;
    if (typeof claims.exp !== 'number' || now > claims.exp + LEEWAY_S) return { error: 'service account token has expired' };
    if (typeof claims.nbf === 'number' && now < claims.nbf - LEEWAY_S) return { error: 'service account token is not valid yet' };
    const tokenAuds = typeof claims.aud === 'string' ? [claims.aud] : Array.isArray(claims.aud) ? claims.aud : [];
    const shared = audiences.filter((a) => tokenAuds.includes(a));
    if (shared.length === 0) return { error: `token audiences ${JSON.stringify(tokenAuds)} is invalid for the target audiences ${JSON.stringify(audiences)}` };
    const k = claims['kubernetes.io'];
    if (!k || typeof k.namespace !== 'string' || typeof k.serviceaccount?.name !== 'string') return { error: 'service account token claims are incomplete' };
    if (claims.sub !== serviceAccountUser(k.namespace, k.serviceaccount.name)) return { error: 'service account token subject does not match its claims' };
    const live = (kind: Parameters<ObjectLookup>[0], ns: string, ref: { name: string; uid?: string }): string | undefined => {
      const o = lookup(kind, ns, ref.name);
      const what = `${kind} ${ns ? `${ns}/` : ''}${ref.name}`;
      if (!o) return `${what} has been deleted`;
      if (ref.uid !== undefined && o.uid !== ref.uid) return `${what} uid (${o.uid ?? ''}) does not match the claim (${ref.uid})`;
      if (o.deletionTimestamp && Date.parse(o.deletionTimestamp) < this.now() - DELETION_GRACE_MS) return `${what} is being deleted`;
      return undefined;
    };
    const problem =
      live('ServiceAccount', k.namespace, k.serviceaccount) ??
      (k.pod ? live('Pod', k.namespace, k.pod) : undefined) ??
      (k.secret ? live('Secret', k.namespace, k.secret) : undefined) ??
      // A node named beside a pod is information only; a token bound to a node needs the node.
      (k.node && !k.pod && !k.secret ? live('Node', '', k.node) : undefined);
    if (problem) return { error: problem };
    const extra: Record<string, string[]> = {};
    if (claims.jti) extra[EXTRA.credentialId] = [`JTI=${claims.jti}`];
    if (k.pod) {
      extra[EXTRA.podName] = [k.pod.name];
      extra[EXTRA.podUid] = [k.pod.uid];
    }
    if (k.node) {
      extra[EXTRA.nodeName] = [k.node.name];
      if (k.node.uid) extra[EXTRA.nodeUid] = [k.node.uid];
    }
    const user: UserInfo = { name: claims.sub, uid: k.serviceaccount.uid, groups: serviceAccountGroups(k.namespace), extra };
    return { user, audiences: shared };
  }

  /** The request authenticator: tokens of this issuer for the API server's audiences. */
  authenticator(lookup: ObjectLookup): TokenAuthenticator {
    return (token) => {
      const r = this.check(token, lookup);
      return r && 'user' in r ? r.user : undefined;
    };
  }

  /** `/.well-known/openid-configuration`, as kube-apiserver serves it. */
  discovery(jwksUri: string): Record<string, unknown> {
    return { issuer: this.issuer, jwks_uri: jwksUri, response_types_supported: ['id_token'], subject_types_supported: ['public'], id_token_signing_alg_values_supported: ['ES256'] };
  }

  /** `/openid/v1/jwks`: the verification key as a JSON Web Key Set. */
  jwks(): { keys: Array<Record<string, unknown>> } {
    const jwk = this.publicKey.export({ format: 'jwk' });
    return { keys: [{ use: 'sig', kty: jwk.kty, kid: this.kid, crv: jwk.crv, alg: 'ES256', x: jwk.x, y: jwk.y }] };
  }

  /** The claims of a token whose signature this key made; undefined when it is not ours at all. */
  private verified(token: string): Claims | { error: string } | undefined {
    const cached = this.verifiedTokens.get(token);
    if (cached) return cached;
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const [h = '', p = '', s = ''] = parts;
    let header: unknown;
    let claims: unknown;
    try {
      header = JSON.parse(Buffer.from(h, 'base64url').toString('utf8'));
      claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
    } catch {
      return undefined;
    }
    if (!isObject(header) || !isObject(claims) || claims['iss'] !== this.issuer) return undefined;
    if (header['alg'] !== 'ES256') return { error: `unsupported signing algorithm ${String(header['alg'])}` };
    if (header['kid'] !== undefined && header['kid'] !== this.kid) return { error: 'token was signed by an unknown key' };
    const sig = Buffer.from(s, 'base64url');
    if (sig.length !== 64 || !verify('sha256', Buffer.from(`${h}.${p}`), { key: this.publicKey, dsaEncoding: 'ieee-p1363' }, sig)) {
      return { error: 'invalid signature' };
    }
    if (this.verifiedTokens.size >= VERIFIED_CACHE_SIZE) {
      const oldest = this.verifiedTokens.keys().next();
      if (!oldest.done) this.verifiedTokens.delete(oldest.value);
    }
    this.verifiedTokens.set(token, claims as unknown as Claims);
    return claims as unknown as Claims;
  }
}

