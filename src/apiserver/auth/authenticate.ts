/**
 * Request authentication as kube-apiserver's union of authenticators: a client certificate verified
 * against the cluster CA, else a bearer token, else anonymous. A credential that is presented but
 * fails makes the request unauthenticated (401) rather than anonymous, as upstream's FailOnError
 * wrapper around the anonymous authenticator does.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { TLSSocket } from 'node:tls';
import { anonymousUser, withAuthenticatedGroup, type UserInfo } from './user.js';

/** Maps a bearer token to its user, or undefined when the token is not one it knows. */
export type TokenAuthenticator = (token: string) => UserInfo | undefined;

export interface AuthenticatorOptions {
  /**
   * Accept client certificates that the TLS layer verified against the cluster CA (the server must be
   * created with `ca`, `requestCert: true`; see `tlsServerOptions`). Default true.
   */
  clientCertificates?: boolean;
  /** Tried in order; the first that knows the token wins (static tokens, later ServiceAccount JWTs). */
  tokens?: TokenAuthenticator[];
  /** Let requests without credentials through as system:anonymous (`--anonymous-auth`, default true). */
  anonymous?: boolean;
}

/** The parts of a request authentication reads; an `http.IncomingMessage` is one. */
export interface AuthRequest {
  socket: unknown;
  headers: IncomingHttpHeaders;
}

type Outcome = { user: UserInfo } | { error: string } | undefined;

/**
 * The bearer token of an `Authorization` header, or undefined when there is none. As upstream's
 * bearertoken authenticator: whitespace-separated fields, the first `bearer` in any case.
 */
export function bearerToken(headers: IncomingHttpHeaders): string | undefined {
  const auth = headers.authorization?.trim();
  if (!auth) return undefined;
  const parts = auth.split(/\s+/);
  if (parts.length < 2 || parts[0]?.toLowerCase() !== 'bearer') return undefined;
  return parts[1] || undefined;
}

const lastOf = (v: string | string[] | undefined): string | undefined => (Array.isArray(v) ? v[v.length - 1] : v);
const listOf = (v: string | string[] | undefined): string[] => (v === undefined ? [] : Array.isArray(v) ? v : [v]);

/** The user of a verified client certificate: subject CN is the name, each O a group. */
function fromCertificate(socket: unknown): Outcome {
  if (!(socket instanceof TLSSocket)) return undefined;
  const cert = socket.getPeerCertificate();
  if (!cert || Object.keys(cert).length === 0) return undefined;
  if (!socket.authorized) return { error: `verifying certificate failed: ${String(socket.authorizationError)}` };
  // Node types the fields as string, but repeated attributes arrive as arrays.
  const subject = cert.subject as unknown as Record<string, string | string[] | undefined> | undefined;
  const name = lastOf(subject?.CN);
  if (!name) return { error: 'empty common name' };
  return { user: { name, groups: listOf(subject?.O) } };
}

/** Authenticates requests; see the module comment for the order and the failure rule. */
export class Authenticator {
  private readonly certs: boolean;
  private readonly tokens: TokenAuthenticator[];
  private readonly anonymous: boolean;

  constructor(opts: AuthenticatorOptions = {}) {
    this.certs = opts.clientCertificates ?? true;
    this.tokens = opts.tokens ?? [];
    this.anonymous = opts.anonymous ?? true;
  }

  /**
   * The request's user (with `system:authenticated` added), anonymous when no credentials were
   * presented, or undefined when credentials were presented and none was valid: answer 401 then.
   */
  authenticate(req: AuthRequest): UserInfo | undefined {
    const errors: string[] = [];
    const outcomes: Array<() => Outcome> = [() => (this.certs ? fromCertificate(req.socket) : undefined), () => this.fromToken(req.headers)];
    for (const attempt of outcomes) {
      const o = attempt();
      if (o === undefined) continue;
      if ('user' in o) return withAuthenticatedGroup(o.user);
      errors.push(o.error);
    }
    if (errors.length > 0 || !this.anonymous) return undefined;
    return anonymousUser();
  }

  private fromToken(headers: IncomingHttpHeaders): Outcome {
    const token = bearerToken(headers);
    if (token === undefined) return undefined;
    for (const t of this.tokens) {
      const user = t(token);
      if (user) return { user };
    }
    return { error: 'invalid bearer token' };
  }
}
