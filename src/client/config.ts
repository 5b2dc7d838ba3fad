/**
 * Connection settings for the REST client, and where they come from: a kubeconfig file
 * (kubectl's format, current-context or a named one) or the in-cluster service-account files.
 */
import { readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';

/** Everything needed to reach and authenticate to one API server. */
export interface ClientConfig {
  /** Base URL, e.g. `https://127.0.0.1:6443` (a path prefix is kept). */
  server: string;
  /** PEM of the CA(s) that sign the server certificate; absent means the system roots. */
  caPem?: string;
  /** PEM client certificate and key for mutual TLS. */
  certPem?: string;
  keyPem?: string;
  /** Bearer token. */
  token?: string;
  /** A file holding the bearer token, re-read periodically (rotated service-account tokens). */
  tokenFile?: string;
  /** HTTP basic authentication (kubeconfig `username`/`password`); never together with a token. */
  basicAuth?: { username: string; password: string };
  /** Skip server certificate verification (kubeconfig `insecure-skip-tls-verify`). */
  insecureSkipTLSVerify?: boolean;
  /** Name to verify the server certificate against, when it differs from the URL host. */
  tlsServerName?: string;
  /** Default namespace (the context's namespace, or the pod's own namespace in-cluster). */
  namespace?: string;
  /** Act as this user (kubeconfig `as`, `as-uid`, `as-groups`, `as-user-extra`; kubectl `--as`). */
  impersonate?: Impersonation;
}

/** Who requests act as: sent as `Impersonate-*` headers, which the server authorizes. */
export interface Impersonation {
  user?: string;
  uid?: string;
  groups?: string[];
  extra?: Record<string, string[]>;
}

/** client-go's headerKeyEscape: RFC 7230 token characters stay, every other byte becomes %XX. */
function headerKeyEscape(key: string): string {
  let out = '';
  for (const b of Buffer.from(key, 'utf8')) {
    const c = String.fromCharCode(b);
    out += /^[A-Za-z0-9!#$&'*+.^_`|~-]$/.test(c) ? c : `%${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/** The `Impersonate-*` headers for `imp` (client-go's impersonating round tripper). */
export function impersonationHeaders(imp: Impersonation | undefined): Record<string, string | string[]> {
  const h: Record<string, string | string[]> = {};
  if (!imp) return h;
  if (imp.user) h['Impersonate-User'] = imp.user;
  if (imp.uid) h['Impersonate-Uid'] = imp.uid;
  if (imp.groups?.length) h['Impersonate-Group'] = imp.groups;
  // Extra keys travel in header names: percent-encode every byte an HTTP token cannot hold (and %).
  for (const [k, v] of Object.entries(imp.extra ?? {})) if (v.length) h[`Impersonate-Extra-${headerKeyEscape(k)}`] = v;
  return h;
}

/** The `Authorization` value for basic authentication. */
export function basicAuthorization(basic: { username: string; password: string }): string {
  return `Basic ${Buffer.from(`${basic.username}:${basic.password}`).toString('base64')}`;
}

type Named = Record<string, unknown> & { name?: string };

interface KubeconfigFile {
  'current-context'?: string;
  contexts?: Named[];
  clusters?: Named[];
  users?: Named[];
}

type Obj = Record<string, unknown>;
const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asStr = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

function pick(list: Named[] | undefined, name: string, field: string, what: string): Obj {
  const entry = (list ?? []).find((e) => e.name === name);
  if (!entry) throw new Error(`kubeconfig: ${what} "${name}" not found`);
  return asObj(entry[field]);
}

/** The kubeconfig path kubectl would use: `$KUBECONFIG` (first entry) or `~/.kube/config`. */
export function defaultKubeconfigPath(env: NodeJS.ProcessEnv = process.env): string {
  const first = env['KUBECONFIG']?.split(':').find((p) => p !== '');
  return first ?? join(homedir(), '.kube', 'config');
}

/** Options of {@link parseKubeconfig} and {@link loadKubeconfig}. */
export interface KubeconfigOptions {
  /** Use this context instead of `current-context`. */
  context?: string;
}

/**
 * Builds a {@link ClientConfig} from kubeconfig text. Relative file paths (`certificate-authority`,
 * `client-certificate`, `client-key`, `tokenFile`) resolve against `baseDir`, as kubectl resolves
 * them against the kubeconfig's directory; `*-data` fields are base64.
 */
export function parseKubeconfig(text: string, baseDir: string, options: KubeconfigOptions = {}): ClientConfig {
  const doc = asObj(parseYaml(text)) as KubeconfigFile;
  const contextName = options.context ?? asStr(doc['current-context']);
  if (!contextName) throw new Error('kubeconfig: no current-context is set');
  const context = pick(doc.contexts, contextName, 'context', 'context');
  const clusterName = asStr(context['cluster']);
  if (!clusterName) throw new Error(`kubeconfig: context "${contextName}" names no cluster`);
  const cluster = pick(doc.clusters, clusterName, 'cluster', 'cluster');
  const userName = asStr(context['user']);
  const user = userName ? pick(doc.users, userName, 'user', 'user') : {};

  const path = (p: string) => (isAbsolute(p) ? p : resolve(baseDir, p));
  const material = (obj: Obj, dataKey: string, fileKey: string): string | undefined => {
    const data = asStr(obj[dataKey]);
    if (data) return Buffer.from(data, 'base64').toString('utf8');
    const file = asStr(obj[fileKey]);
    return file ? readFileSync(path(file), 'utf8') : undefined;
  };

  const server = asStr(cluster['server']);
  if (!server) throw new Error(`kubeconfig: cluster "${clusterName}" has no server`);
  const tokenFile = asStr(user['tokenFile']);
  const config: ClientConfig = {
    server,
    caPem: material(cluster, 'certificate-authority-data', 'certificate-authority'),
    certPem: material(user, 'client-certificate-data', 'client-certificate'),
    keyPem: material(user, 'client-key-data', 'client-key'),
    token: asStr(user['token']),
    tokenFile: tokenFile ? path(tokenFile) : undefined,
    insecureSkipTLSVerify: cluster['insecure-skip-tls-verify'] === true || undefined,
    tlsServerName: asStr(cluster['tls-server-name']),
    namespace: asStr(context['namespace']),
  };
  return Object.fromEntries(Object.entries(config).filter(([, v]) => v !== undefined)) as unknown as ClientConfig;
}

/** Reads a kubeconfig file (default: {@link defaultKubeconfigPath}) into a {@link ClientConfig}. */
export function loadKubeconfig(path = defaultKubeconfigPath(), options: KubeconfigOptions = {}): ClientConfig {
  return parseKubeconfig(readFileSync(path, 'utf8'), dirname(resolve(path)), options);
}

/** Where in-cluster credentials live; both are overridable for tests. */
export interface InClusterOptions {
  /** Default `/var/run/secrets/kubernetes.io/serviceaccount`. */
  serviceAccountDir?: string;
  env?: NodeJS.ProcessEnv;
}

/**
 * The config of a process running in a pod: `https://$KUBERNETES_SERVICE_HOST:$KUBERNETES_SERVICE_PORT`,
 * the mounted service-account token (re-read as it rotates), CA and namespace.
 */
export function inClusterConfig(options: InClusterOptions = {}): ClientConfig {
  const env = options.env ?? process.env;
  const dir = options.serviceAccountDir ?? '/var/run/secrets/kubernetes.io/serviceaccount';
  const host = env['KUBERNETES_SERVICE_HOST'];
  const port = env['KUBERNETES_SERVICE_PORT'];
  if (!host || !port) throw new Error('in-cluster config: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set');
  const tokenFile = join(dir, 'token');
  const token = readFileSync(tokenFile, 'utf8').trim();
  let namespace: string | undefined;
  try {
    namespace = readFileSync(join(dir, 'namespace'), 'utf8').trim() || undefined;
  } catch {
    namespace = undefined;
  }
  const hostPart = host.includes(':') ? `[${host}]` : host;
  return { server: `https://${hostPart}:${port}`, caPem: readFileSync(join(dir, 'ca.crt'), 'utf8'), token, tokenFile, namespace };
}
