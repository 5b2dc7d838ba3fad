/**
 * The API server's security pieces: the cluster PKI, request authentication (client certificates,
 * bearer tokens, anonymous), the authorizer seam with the pre-RBAC default policy and upstream's
 * Forbidden wording, and kubeconfig files.
 */
export { ensurePki, servingNames, tlsServerOptions, PKI_FILES, CA_DAYS, LEAF_DAYS, RENEW_BEFORE_DAYS } from './auth/pki.js';
export type { Pki, PkiOptions } from './auth/pki.js';
export { createCa, issueCert, createSigningKeyPair, checkCert } from './auth/certs.js';
export type { CertAndKey, LeafRequest, CertProblem } from './auth/certs.js';
export { StaticTokens, ensureTokenFile, newToken, parseCsv, ADMIN_TOKEN_USER, JOIN_TOKEN_USER } from './auth/tokens.js';
export type { TokenFile } from './auth/tokens.js';
export { Authenticator, bearerToken } from './auth/authenticate.js';
export type { AuthenticatorOptions, AuthRequest, TokenAuthenticator } from './auth/authenticate.js';
export { DefaultAuthorizer, ANONYMOUS_PATHS, forbiddenError, forbiddenMessage, goQuote, nonResourceUrlMatches } from './auth/authorize.js';
export type { Authorizer, AuthorizationAttributes, Decision } from './auth/authorize.js';
export { renderKubeconfig, writeKubeconfig } from './auth/kubeconfig.js';
export type { KubeconfigCredentials, KubeconfigOptions } from './auth/kubeconfig.js';
export { Users, Groups, anonymousUser, withAuthenticatedGroup } from './auth/user.js';
export type { UserInfo } from './auth/user.js';

import type { Pki } from './auth/pki.js';
import { Authenticator, type AuthenticatorOptions } from './auth/authenticate.js';

/** An authenticator for this PKI: client certificates, then the static tokens, then anonymous. */
export function pkiAuthenticator(pki: Pick<Pki, 'tokens'>, opts: Omit<AuthenticatorOptions, 'tokens'> & { extraTokens?: AuthenticatorOptions['tokens'] } = {}): Authenticator {
  const { extraTokens = [], ...rest } = opts;
  return new Authenticator({ ...rest, tokens: [(t) => pki.tokens.lookup(t), ...extraTokens] });
}
