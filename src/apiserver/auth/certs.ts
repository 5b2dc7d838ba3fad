/**
 * X.509 certificate and key creation: ECDSA P-256 keys, certificates built with @peculiar/x509 on
 * Node's WebCrypto. The library is imported only when something must be made, because loading it
 * costs ~100 ms and a restart that reuses its PKI should not pay that.
 */
import { createPrivateKey, generateKeyPairSync, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import type * as X509 from '@peculiar/x509';

/** A certificate and its private key, both PEM (the key as PKCS#8). */
export interface CertAndKey {
  certPem: string;
  keyPem: string;
}

/** What a leaf certificate says about its holder and how it may be used. */
export interface LeafRequest {
  /** Subject CN: the user name for client certificates. */
  commonName: string;
  /** Subject O values: the groups for client certificates. */
  organizations?: string[];
  dnsNames?: string[];
  ips?: string[];
  /** Extended key usage: TLS server, TLS client, or both. */
  usage: 'server' | 'client' | 'both';
  /** Validity from now, in days. */
  days: number;
}

const DAY_MS = 86_400_000;
/** Certificates start an hour in the past so a peer whose clock lags a little still accepts them. */
const BACKDATE_MS = 3_600_000;
const EC: webcrypto.EcKeyGenParams & webcrypto.EcdsaParams = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

type Lib = typeof X509;
let loading: Promise<Lib> | undefined;

function lib(): Promise<Lib> {
  loading ??= (async () => {
    // tsyringe, used inside @peculiar/x509, needs the Reflect metadata polyfill loaded first.
    await import('reflect-metadata');
    const x509 = await import('@peculiar/x509');
    x509.cryptoProvider.set(webcrypto);
    return x509;
  })();
  return loading;
}

/** A positive, non-zero 128-bit serial number as hex, as RFC 5280 asks (at most 20 octets). */
function serial(): string {
  const b = randomBytes(16);
  b[0] = ((b[0] ?? 0) & 0x7f) | 0x01;
  return b.toString('hex');
}

function name(commonName: string, organizations: readonly string[] = []): X509.JsonName {
  // Go's pkix.Name puts O before CN; kubeadm's certificates read "O = system:masters, CN = ...".
  return [...organizations.map((o) => ({ O: [o] })), { CN: [commonName] }];
}

async function newKeys(): Promise<webcrypto.CryptoKeyPair> {
  return webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
}

async function privatePem(key: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', key));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** Imports a PEM private key for signing: ECDSA P-256 (what we make) or RSA (a CA someone brought). */
async function signingKey(keyPem: string): Promise<{ key: webcrypto.CryptoKey; alg: webcrypto.Algorithm }> {
  const ko = createPrivateKey(keyPem);
  const der = ko.export({ type: 'pkcs8', format: 'der' });
  if (ko.asymmetricKeyType === 'ec') {
    const curve = ko.asymmetricKeyDetails?.namedCurve;
    if (curve !== 'prime256v1') throw new Error(`unsupported CA key curve ${String(curve)} (want P-256)`);
    return { key: await webcrypto.subtle.importKey('pkcs8', der, EC, false, ['sign']), alg: EC };
  }
  if (ko.asymmetricKeyType === 'rsa') {
    const alg = { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' };
    return { key: await webcrypto.subtle.importKey('pkcs8', der, alg, false, ['sign']), alg };
  }
  throw new Error(`unsupported CA key type ${String(ko.asymmetricKeyType)}`);
}

/** Makes a self-signed CA certificate and key, valid for `days`. */
export async function createCa(commonName: string, days: number): Promise<CertAndKey> {
  const x509 = await lib();
  const keys = await newKeys();
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: name(commonName),
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(now + days * DAY_MS),
    keys,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privatePem(keys.privateKey) };
}

/** Makes a key pair and a certificate for it signed by `ca`. */
export async function issueCert(ca: CertAndKey, req: LeafRequest): Promise<CertAndKey> {
  const x509 = await lib();
  const keys = await newKeys();
  const caCert = new x509.X509Certificate(ca.certPem);
  const signer = await signingKey(ca.keyPem);
  const now = Date.now();
  const notAfter = Math.min(now + req.days * DAY_MS, caCert.notAfter.getTime());
  const eku = { server: [x509.ExtendedKeyUsage.serverAuth], client: [x509.ExtendedKeyUsage.clientAuth], both: [x509.ExtendedKeyUsage.serverAuth, x509.ExtendedKeyUsage.clientAuth] }[req.usage];
  const sans = [...(req.dnsNames ?? []).map((value) => ({ type: 'dns' as const, value })), ...(req.ips ?? []).map((value) => ({ type: 'ip' as const, value }))];
  const extensions: X509.Extension[] = [
    new x509.BasicConstraintsExtension(false, undefined, true),
    new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
    new x509.ExtendedKeyUsageExtension(eku),
    await x509.AuthorityKeyIdentifierExtension.create(caCert),
  ];
  if (sans.length > 0) extensions.push(new x509.SubjectAlternativeNameExtension(sans));
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: name(req.commonName, req.organizations),
    issuer: caCert.subjectName,
    notBefore: new Date(now - BACKDATE_MS),
    notAfter: new Date(notAfter),
    publicKey: keys.publicKey,
    signingKey: signer.key,
    signingAlgorithm: signer.alg,
    extensions,
  });
  return { certPem: cert.toString('pem') + '\n', keyPem: await privatePem(keys.privateKey) };
}

/** A key pair for signing ServiceAccount JWTs (ES256), PEM: PKCS#8 private, SPKI public. */
export function createSigningKeyPair(): { privateKeyPem: string; publicKeyPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  return {
    privateKeyPem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicKeyPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

/** Why a stored certificate should not be used as it is. */
export type CertProblem = 'unparsable' | 'key-mismatch' | 'not-signed-by-ca' | 'expiring' | 'missing-names';

/**
 * Checks a stored certificate: parsable, matching its key, signed by `caCertPem` (when given), valid
 * for at least `minRemainingDays` more, and covering every DNS name and IP asked for. Returns the
 * first problem found, or undefined when it can be reused.
 */
export function checkCert(
  pair: CertAndKey,
  want: { caCertPem?: string; minRemainingDays: number; dnsNames?: readonly string[]; ips?: readonly string[]; now?: number },
): CertProblem | undefined {
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(pair.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return 'key-mismatch';
  } catch {
    return 'unparsable';
  }
  if (want.caCertPem !== undefined) {
    try {
      const ca = new X509Certificate(want.caCertPem);
      if (!cert.checkIssued(ca) || !cert.verify(ca.publicKey)) return 'not-signed-by-ca';
    } catch {
      return 'not-signed-by-ca';
    }
  }
  const now = want.now ?? Date.now();
  if (Date.parse(cert.validTo) - now < want.minRemainingDays * DAY_MS) return 'expiring';
  for (const n of want.dnsNames ?? []) if (cert.checkHost(n, { subject: 'never', wildcards: false }) === undefined) return 'missing-names';
  for (const ip of want.ips ?? []) if (cert.checkIP(ip) === undefined) return 'missing-names';
  return undefined;
}
