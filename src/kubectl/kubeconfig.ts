/**
 * The connection kubectl makes, from kubeconfig files and the global flags, decided as client-go's
 * clientcmd decides it: the files are found and merged by {@link ConfigAccess}; the context comes
 * from `--context` or current-context; `--cluster`, `--user`, `--server`, `--token`, … override
 * what the context names; relative file paths resolve against the file that named them. Over plain
 * http no credentials are sent, as clientcmd applies them only to TLS transports.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import type { ClientConfig } from '../client/config.js';
import { CliError } from './errors.js';
import { ConfigAccess, resolveEntryPaths } from './kubeconfig/access.js';
import { cloneConfig, type KubeConfig } from './kubeconfig/model.js';

export { ConfigAccess } from './kubeconfig/access.js';
export type { Entry, KubeConfig, Section } from './kubeconfig/model.js';

/** The global flags that shape the connection (all optional; empty strings count as not given). */
export interface ConfigOverrides {
  kubeconfig?: string;
  context?: string;
  cluster?: string;
  user?: string;
  server?: string;
  token?: string;
  /** `--username`, `--password`: basic authentication, replacing the user entry's. */
  username?: string;
  password?: string;
  insecureSkipTlsVerify?: boolean;
  certificateAuthority?: string;
  clientCertificate?: string;
  clientKey?: string;
  tlsServerName?: string;
  namespace?: string;
  /** `--as`, `--as-uid`, `--as-group` (repeatable): replace the user entry's `as*` fields when given. */
  as?: string;
  asUid?: string;
  asGroups?: string[];
}

type Obj = Record<string, unknown>;
const str = (v: unknown): string => (typeof v === 'string' ? v : '');

/** What kubectl prints when it ends up at its built-in default server and nothing listens there. */
export const NO_SERVER_MESSAGE = 'The connection to the server localhost:8080 was refused - did you specify the right host or port?';

/** Go's wording of a failed open(2): `open /x: no such file or directory`. */
function openError(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String((e as Error | undefined)?.message ?? e);
  return `open ${path}: ${why}`;
}

/** PEM from `<x>-data` (base64) or the file `<x>`; undefined when neither is set. */
function material(fields: Obj, dataKey: string, fileKey: string, describe: (path: string, e: unknown) => string): string | undefined {
  const data = str(fields[dataKey]);
  if (data) return Buffer.from(data, 'base64').toString('utf8');
  const file = str(fields[fileKey]);
  if (!file) return undefined;
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new CliError(describe(file, e));
  }
}

/** The merged config with every file path made absolute (clientcmd's ResolveLocalPaths). */
function loadResolved(access: ConfigAccess): KubeConfig {
  const config = cloneConfig(access.startingConfig());
  for (const section of ['clusters', 'users'] as const) for (const entry of config[section].values()) resolveEntryPaths(section, entry);
  return config;
}

/**
 * Runs a client-go exec credential plugin (`users[].user.exec`) and returns what its
 * ExecCredential status carries: a token, or a client certificate and key.
 */
function execCredential(exec: Obj, server: string, env: NodeJS.ProcessEnv): { token?: string; certPem?: string; keyPem?: string } {
  const command = str(exec['command']);
  const apiVersion = str(exec['apiVersion']) || 'client.authentication.k8s.io/v1';
  const info = { kind: 'ExecCredential', apiVersion, spec: { interactive: false, ...(exec['provideClusterInfo'] === true ? { cluster: { server } } : {}) } };
  const extra = Object.fromEntries(((exec['env'] as Obj[] | null) ?? []).map((e) => [str(e['name']), str(e['value'])]));
  const args = ((exec['args'] as unknown[] | null) ?? []).map(str);
  const r = spawnSync(command, args, { env: { ...env, ...extra, KUBERNETES_EXEC_INFO: JSON.stringify(info) }, encoding: 'utf8', stdio: ['ignore', 'pipe', 'inherit'] });
  if (r.error) throw new CliError(`getting credentials: exec: executable ${command} not found`);
  if (r.status !== 0) throw new CliError(`getting credentials: exec: executable ${command} failed with exit code ${r.status ?? 1}`);
  let status: Obj;
  try {
    status = ((JSON.parse(r.stdout) as Obj)['status'] ?? {}) as Obj;
  } catch {
    throw new CliError('getting credentials: decoding stdout: couldn\'t get version/kind; json parse error');
  }
  return { token: str(status['token']) || undefined, certPem: str(status['clientCertificateData']) || undefined, keyPem: str(status['clientKeyData']) || undefined };
}

/**
 * Builds the connection for kubectl from kubeconfig and flag overrides. Throws CliError with
 * kubectl's wording when the context does not exist, a named cluster or user does not exist,
 * a referenced file cannot be read, or nothing names a server at all.
 */
/** Whom to act as: the user entry's `as`, `as-uid`, `as-groups`, `as-user-extra`, the flags winning. */
function impersonation(user: Obj, o: ConfigOverrides): ClientConfig['impersonate'] {
  const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
  const name = o.as || str(user['as']);
  const uid = o.asUid || str(user['as-uid']);
  const groups = o.asGroups?.length ? o.asGroups : strings(user['as-groups']);
  const extraRaw = user['as-user-extra'];
  const extra: Record<string, string[]> = {};
  if (extraRaw && typeof extraRaw === 'object' && !Array.isArray(extraRaw)) for (const [k, v] of Object.entries(extraRaw as Obj)) extra[k] = strings(v);
  if (!name && !uid && groups.length === 0 && Object.keys(extra).length === 0) return undefined;
  return { ...(name ? { user: name } : {}), ...(uid ? { uid } : {}), ...(groups.length ? { groups } : {}), ...(Object.keys(extra).length ? { extra } : {}) };
}

export function resolveClientConfig(o: ConfigOverrides, env: NodeJS.ProcessEnv): { config: ClientConfig; namespace?: string; contextNamespace?: string } {
  const given = (v: string | undefined) => (v ? v : undefined);
  if (o.kubeconfig && !existsSync(o.kubeconfig)) throw new CliError(`stat ${o.kubeconfig}: no such file or directory`);
  const raw = loadResolved(new ConfigAccess(given(o.kubeconfig), env));

  const contextName = given(o.context) ?? raw.currentContext;
  if (contextName && !raw.contexts.has(contextName)) {
    throw new CliError(`Error in configuration: context was not found for specified context: ${contextName}`, { raw: true });
  }
  const context = raw.contexts.get(contextName)?.fields ?? {};
  const clusterName = given(o.cluster) ?? str(context['cluster']);
  const userName = given(o.user) ?? str(context['user']);
  if (o.cluster && !raw.clusters.has(o.cluster)) throw new CliError(`no server found for cluster "${o.cluster}"`);
  if (o.user && !raw.users.has(o.user)) throw new CliError(`auth info "${o.user}" does not exist`);

  const cluster: Obj = { ...(raw.clusters.get(clusterName)?.fields ?? {}) };
  if (o.server) cluster['server'] = o.server;
  // As clientcmd: a CA or insecure flag replaces all of the cluster's trust settings, and a new
  // server drops the cluster's tls-server-name unless one is given too.
  if (o.insecureSkipTlsVerify || o.certificateAuthority) {
    cluster['insecure-skip-tls-verify'] = o.insecureSkipTlsVerify === true;
    cluster['certificate-authority'] = o.certificateAuthority ?? '';
    delete cluster['certificate-authority-data'];
  }
  if (o.tlsServerName || o.server) cluster['tls-server-name'] = o.tlsServerName ?? '';

  let server = str(cluster['server']) || env['KUBERNETES_MASTER'] || '';
  if (!server) throw new CliError(NO_SERVER_MESSAGE, { raw: true });
  // A server without a scheme is plain http to client-go (credentials not yet known at that point).
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(server)) server = `http://${server}`;
  const contextNamespace = str(context['namespace']) || undefined;
  const namespace = given(o.namespace);
  const config: ClientConfig = { server };
  if (contextNamespace) config.namespace = contextNamespace;
  const user: Obj = { ...(raw.users.get(userName)?.fields ?? {}) };
  if (o.token) user['token'] = o.token;
  if (o.username) user['username'] = o.username;
  if (o.password) user['password'] = o.password;
  if (o.clientCertificate) user['client-certificate'] = o.clientCertificate;
  if (o.clientKey) user['client-key'] = o.clientKey;
  const impersonate = impersonation(user, o);
  if (impersonate && !impersonate.user) throw new CliError(`requesting uid, groups or user-extra for ${userName} without impersonating a user`);
  // clientcmd's validation (on every transport): a bearer token and basic auth exclude each other.
  const basic = str(user['username']) || str(user['password']) ? { username: str(user['username']), password: str(user['password']) } : undefined;
  if (basic && str(user['token'])) throw new CliError(`more than one authentication method found for ${userName}; found [token basicAuth], only one is allowed`);
  // Like every part of the user's identity, impersonation is only sent over TLS (clientcmd).
  if (!server.toLowerCase().startsWith('https://')) return { config, namespace, contextNamespace };
  if (impersonate) config.impersonate = impersonate;

  const ca = material(cluster, 'certificate-authority-data', 'certificate-authority', (p, e) => `unable to read certificate-authority ${p} for ${clusterName} due to ${openError(p, e)}`);
  if (ca) config.caPem = ca;
  if (cluster['insecure-skip-tls-verify'] === true) config.insecureSkipTLSVerify = true;
  if (str(cluster['tls-server-name'])) config.tlsServerName = str(cluster['tls-server-name']);

  const token = str(user['token']);
  const tokenFile = str(user['tokenFile']);
  if (token) {
    config.token = token;
    if (tokenFile) config.tokenFile = tokenFile;
  } else if (tokenFile) {
    try {
      config.token = readFileSync(tokenFile, 'utf8').trim();
    } catch (e) {
      throw new CliError(openError(tokenFile, e));
    }
    config.tokenFile = tokenFile;
  }
  if (str(user['client-certificate']) || str(user['client-certificate-data'])) {
    const cert = material(user, 'client-certificate-data', 'client-certificate', (p, e) => `unable to read client-cert ${p} for ${userName} due to ${openError(p, e)}`);
    const key = material(user, 'client-key-data', 'client-key', (p, e) => `unable to read client-key ${p} for ${userName} due to ${openError(p, e)}`);
    if (!key) throw new CliError(`Error in configuration: client-key-data or client-key must be specified for ${userName} to use the clientCert authentication method.`, { raw: true });
    if (cert) config.certPem = cert;
    config.keyPem = key;
  }
  if (basic) config.basicAuth = basic;
  const exec = user['exec'] as Obj | undefined;
  if (exec && !config.token && !config.certPem) {
    const cred = execCredential(exec, server, env);
    if (cred.token) config.token = cred.token;
    if (cred.certPem && cred.keyPem) Object.assign(config, { certPem: cred.certPem, keyPem: cred.keyPem });
  }
  return { config, namespace, contextNamespace };
}
