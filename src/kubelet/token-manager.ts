/**
 * The kubelet's ServiceAccount tokens for projected `serviceAccountToken` volumes: one TokenRequest
 * per (pod, account, audience, lifetime), bound to the pod, cached, and renewed once 80% of its
 * lifetime has passed or it is a day old (the kubelet token manager's rule). When a renewal fails,
 * the cached token is used for as long as it is still valid.
 */
import type { Pod, ServiceAccountTokenProjection } from '../api/generated/core/v1.js';

/** The part of a TokenRequest's answer the manager reads. */
export interface IssuedToken {
  token: string;
  /** RFC 3339. */
  expirationTimestamp: string;
}

/** Posts a TokenRequest for `serviceAccount` in `namespace` and returns its status. */
export type RequestToken = (namespace: string, serviceAccount: string, spec: Record<string, unknown>) => Promise<IssuedToken>;

const MAX_AGE_MS = 24 * 3600_000;
/** A token not asked for this long is dropped (pods resync every few seconds). */
const UNUSED_MS = 10 * 60_000;

interface Cached {
  token: string;
  issuedAt: number;
  expiresAt: number;
  lastUsed: number;
}

export class TokenManager {
  private readonly cache = new Map<string, Cached>();

  constructor(
    private readonly request: RequestToken,
    private readonly now: () => number = Date.now,
  ) {}

  /** A token for `pod`'s account as `projection` asks: audience (default the API server's) and lifetime. */
  async token(pod: Pod, projection: ServiceAccountTokenProjection): Promise<string> {
    const ns = pod.metadata?.namespace ?? 'default';
    const sa = pod.spec?.serviceAccountName || 'default';
    const seconds = projection.expirationSeconds ?? 3600;
    const audience = projection.audience ?? '';
    const key = JSON.stringify([ns, sa, pod.metadata?.uid ?? '', audience, seconds]);
    this.dropExpired();
    const have = this.cache.get(key);
    if (have) have.lastUsed = this.now();
    if (have && !this.needsRenewal(have)) return have.token;
    try {
      const spec: Record<string, unknown> = {
        expirationSeconds: seconds,
        boundObjectRef: { apiVersion: 'v1', kind: 'Pod', name: pod.metadata?.name ?? '', uid: pod.metadata?.uid ?? '' },
        ...(audience ? { audiences: [audience] } : {}),
      };
      const got = await this.request(ns, sa, spec);
      const expiresAt = Date.parse(got.expirationTimestamp);
      if (!got.token || Number.isNaN(expiresAt)) throw new Error('the TokenRequest answer has no token or expiry');
      this.cache.set(key, { token: got.token, expiresAt, issuedAt: expiresAt - seconds * 1000, lastUsed: this.now() });
      return got.token;
    } catch (e) {
      if (have && have.expiresAt > this.now()) return have.token;
      throw e;
    }
  }

  /** How many tokens are cached (for tests and metrics). */
  get size(): number {
    return this.cache.size;
  }

  private needsRenewal(c: Cached): boolean {
    const now = this.now();
    const ttl = c.expiresAt - c.issuedAt;
    return now >= c.issuedAt + MAX_AGE_MS || now >= c.expiresAt - ttl * 0.2;
  }

  /**
   * Forgets expired tokens, and those nobody asked for in a while: the kubelet asks on every sync
   * of a running pod, so an unused entry belongs to a pod that is gone.
   */
  private dropExpired(): void {
    const now = this.now();
    for (const [k, c] of this.cache) if (c.expiresAt <= now || now - c.lastUsed > UNUSED_MS) this.cache.delete(k);
  }
}
