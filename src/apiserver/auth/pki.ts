/**
 * The cluster's PKI, made at first start and reused after, as kubeadm/k3s keep theirs: a CA, the API
 * server's serving certificate, the admin client certificate, the API server's client certificate
 * for kubelets, the ServiceAccount signing key pair and the static token file, all in one directory
 * (keys 0600).
 */
import { createPrivateKey, createPublicKey } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { checkCert, createCa, createSigningKeyPair, issueCert, type CertAndKey, type LeafRequest } from './certs.js';
import { readIfExists, writeFileAtomic } from './files.js';
import { ensureTokenFile, type StaticTokens } from './tokens.js';
import { Groups, Users } from './user.js';

/** Names beyond the defaults that the serving certificate must cover. */
export interface PkiOptions {
  /** Extra DNS names (the machine's hostname is always included). */
  hostnames?: string[];
  /** Extra IPs, e.g. the first service IP `10.43.0.1` (127.0.0.1 and ::1 are always included). */
  ips?: string[];
  /** The cluster DNS domain; default `cluster.local`. */
  clusterDomain?: string;
}

/** File names inside the PKI directory (kubeadm's names where it has them). */
export const PKI_FILES = {
  caCert: 'ca.crt',
  caKey: 'ca.key',
  servingCert: 'apiserver.crt',
  servingKey: 'apiserver.key',
  adminCert: 'admin.crt',
  adminKey: 'admin.key',
  kubeletClientCert: 'apiserver-kubelet-client.crt',
  kubeletClientKey: 'apiserver-kubelet-client.key',
  serviceAccountKey: 'sa.key',
  serviceAccountPub: 'sa.pub',
  tokens: 'tokens.csv',
} as const;

/** Everything `ensurePki` made or found. PEM throughout. */
export interface Pki {
  dir: string;
  paths: { [K in keyof typeof PKI_FILES]: string };
  ca: CertAndKey;
  serving: CertAndKey;
  admin: CertAndKey;
  /** What the API server presents to kubelets (logs, exec, port-forward): kube-apiserver-kubelet-client in system:masters. */
  kubeletClient: CertAndKey;
  serviceAccount: { privateKeyPem: string; publicKeyPem: string };
  tokens: StaticTokens;
  adminToken: string;
  joinToken: string;
  /** The names the serving certificate was checked against or made for. */
  servingNames: { dnsNames: string[]; ips: string[] };
  /** What this call generated, e.g. `['ca', 'serving', 'admin', 'kubeletClient', 'serviceAccount', 'tokens']`; empty on a clean reuse. */
  generated: string[];
}

/** The user of the API server's client certificate for kubelets (kubeadm's name). */
export const KUBELET_CLIENT_USER = 'kube-apiserver-kubelet-client';

/** CA lifetime: 10 years. Leaf lifetime: 1 year, renewed at start when fewer than 90 days remain (as k3s does). */
export const CA_DAYS = 3650;
export const LEAF_DAYS = 365;
export const RENEW_BEFORE_DAYS = 90;

/** The DNS names and IPs the API server's certificate must cover. */
export function servingNames(opts: PkiOptions = {}): { dnsNames: string[]; ips: string[] } {
  const domain = opts.clusterDomain ?? 'cluster.local';
  const dns = ['localhost', 'kubernetes', 'kubernetes.default', 'kubernetes.default.svc', `kubernetes.default.svc.${domain}`, hostname(), ...(opts.hostnames ?? [])];
  const ips = ['127.0.0.1', '::1', ...(opts.ips ?? [])];
  return { dnsNames: [...new Set(dns.map((n) => n.toLowerCase()).filter((n) => n !== ''))], ips: [...new Set(ips)] };
}

async function readPair(certPath: string, keyPath: string): Promise<CertAndKey | undefined> {
  const [certPem, keyPem] = await Promise.all([readIfExists(certPath), readIfExists(keyPath)]);
  return certPem !== undefined && keyPem !== undefined ? { certPem, keyPem } : undefined;
}

async function writePair(pair: CertAndKey, certPath: string, keyPath: string): Promise<void> {
  // Key first: a crash between the two leaves a mismatch that the next start detects and repairs.
  await writeFileAtomic(keyPath, pair.keyPem, 0o600);
  await writeFileAtomic(certPath, pair.certPem, 0o644);
}

function validSigningKey(priv: string | undefined, pub: string | undefined): boolean {
  if (priv === undefined || pub === undefined) return false;
  try {
    const derived = createPublicKey(createPrivateKey(priv)).export({ type: 'spki', format: 'der' });
    return derived.equals(createPublicKey(pub).export({ type: 'spki', format: 'der' }));
  } catch {
    return false;
  }
}

/**
 * Makes or reuses the PKI in `pkiDir` (pass `<dataDir>/pki`). On first start everything is created;
 * later starts reuse what is valid and regenerate only what is missing, unreadable, not signed by the
 * CA, close to expiry, or — for the serving certificate — not covering the requested names. A new CA
 * forces new leaves. The ServiceAccount key and the tokens are never replaced while they are readable,
 * since that would invalidate every token issued.
 */
export async function ensurePki(pkiDir: string, opts: PkiOptions = {}): Promise<Pki> {
  await mkdir(pkiDir, { recursive: true, mode: 0o700 });
  const paths = Object.fromEntries(Object.entries(PKI_FILES).map(([k, f]) => [k, join(pkiDir, f)])) as Pki['paths'];
  const generated: string[] = [];
  const names = servingNames(opts);

  let ca = await readPair(paths.caCert, paths.caKey);
  if (ca === undefined || checkCert(ca, { minRemainingDays: 0 }) !== undefined) {
    ca = await createCa('k8ts-ca', CA_DAYS);
    await writePair(ca, paths.caCert, paths.caKey);
    generated.push('ca');
  }
  const caPair = ca;

  const leaf = async (what: string, certPath: string, keyPath: string, req: LeafRequest): Promise<CertAndKey> => {
    const have = await readPair(certPath, keyPath);
    const problem = have && checkCert(have, { caCertPem: caPair.certPem, minRemainingDays: RENEW_BEFORE_DAYS, dnsNames: req.dnsNames, ips: req.ips });
    if (have !== undefined && problem === undefined) return have;
    const made = await issueCert(caPair, req);
    await writePair(made, certPath, keyPath);
    generated.push(what);
    return made;
  };
  const [serving, admin, kubeletClient] = await Promise.all([
    leaf('serving', paths.servingCert, paths.servingKey, { commonName: 'kube-apiserver', ...names, usage: 'server', days: LEAF_DAYS }),
    leaf('admin', paths.adminCert, paths.adminKey, { commonName: Users.admin, organizations: [Groups.masters], usage: 'client', days: LEAF_DAYS }),
    leaf('kubeletClient', paths.kubeletClientCert, paths.kubeletClientKey, { commonName: KUBELET_CLIENT_USER, organizations: [Groups.masters], usage: 'client', days: LEAF_DAYS }),
  ]);

  let privateKeyPem = await readIfExists(paths.serviceAccountKey);
  let publicKeyPem = await readIfExists(paths.serviceAccountPub);
  if (privateKeyPem !== undefined && !validSigningKey(privateKeyPem, publicKeyPem)) {
    try {
      // The private key is what matters; rebuild a lost or stale public half from it.
      publicKeyPem = createPublicKey(createPrivateKey(privateKeyPem)).export({ type: 'spki', format: 'pem' }).toString();
      await writeFileAtomic(paths.serviceAccountPub, publicKeyPem, 0o644);
    } catch {
      privateKeyPem = undefined;
    }
  }
  if (privateKeyPem === undefined || publicKeyPem === undefined) {
    ({ privateKeyPem, publicKeyPem } = createSigningKeyPair());
    await writeFileAtomic(paths.serviceAccountKey, privateKeyPem, 0o600);
    await writeFileAtomic(paths.serviceAccountPub, publicKeyPem, 0o644);
    generated.push('serviceAccount');
  }

  const tf = await ensureTokenFile(paths.tokens);
  if (tf.written) generated.push('tokens');

  return {
    dir: pkiDir,
    paths,
    ca: caPair,
    serving,
    admin,
    kubeletClient,
    serviceAccount: { privateKeyPem, publicKeyPem },
    tokens: tf.tokens,
    adminToken: tf.adminToken,
    joinToken: tf.joinToken,
    servingNames: names,
    generated,
  };
}

/**
 * Options for `https.createServer` serving with this PKI: the serving pair, and client certificates
 * requested (not required) and checked against the cluster CA, so `authenticate` can read
 * `socket.authorized`. Unverified or absent client certificates still connect, as with Go's
 * `tls.RequestClientCert`, and fall through to tokens or anonymous.
 */
export function tlsServerOptions(pki: Pick<Pki, 'ca' | 'serving'>): { key: string; cert: string; ca: string; requestCert: true; rejectUnauthorized: false; minVersion: 'TLSv1.2' } {
  return { key: pki.serving.keyPem, cert: pki.serving.certPem, ca: pki.ca.certPem, requestCert: true, rejectUnauthorized: false, minVersion: 'TLSv1.2' };
}
