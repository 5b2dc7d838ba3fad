/** Kubeconfig files for kubectl, client libraries and components: one cluster, one user, one context. */
import { stringify } from 'yaml';
import { writeFileAtomic } from './files.js';

/** Credentials: a client certificate and key (PEM), or a bearer token. */
export type KubeconfigCredentials = { clientCertPem: string; clientKeyPem: string; token?: never } | { token: string; clientCertPem?: never; clientKeyPem?: never };

export type KubeconfigOptions = KubeconfigCredentials & {
  /** e.g. `https://127.0.0.1:6443`. */
  server: string;
  /** The cluster CA certificate, PEM. */
  caPem: string;
  /** Names default to `default`, as k3s writes them. */
  contextName?: string;
  clusterName?: string;
  userName?: string;
  /** Namespace for the context; omitted when undefined. */
  namespace?: string;
};

const b64 = (pem: string) => Buffer.from(pem, 'utf8').toString('base64');

/** The kubeconfig YAML text (certificate data inline, base64 of the PEM, as kubeadm and k3s write it). */
export function renderKubeconfig(o: KubeconfigOptions): string {
  const cluster = o.clusterName ?? 'default';
  const context = o.contextName ?? 'default';
  const userName = o.userName ?? 'default';
  const user =
    o.token !== undefined
      ? { token: o.token }
      : { 'client-certificate-data': b64(o.clientCertPem), 'client-key-data': b64(o.clientKeyPem) };
  const doc = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: cluster, cluster: { 'certificate-authority-data': b64(o.caPem), server: o.server } }],
    contexts: [{ name: context, context: { cluster, user: userName, ...(o.namespace !== undefined ? { namespace: o.namespace } : {}) } }],
    'current-context': context,
    preferences: {},
    users: [{ name: userName, user }],
  };
  // lineWidth 0: never fold the long base64 strings.
  return stringify(doc, { lineWidth: 0 });
}

/** Writes a kubeconfig to `path` atomically with mode 0600 (it holds a private key or token). */
export async function writeKubeconfig(path: string, opts: KubeconfigOptions): Promise<void> {
  await writeFileAtomic(path, renderKubeconfig(opts), 0o600);
}
