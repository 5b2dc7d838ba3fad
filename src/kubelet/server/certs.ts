/**
 * The kubelet's self-signed serving certificate (as a kubelet without serving-cert bootstrap makes
 * one): ECDSA P-256, a year long, naming the node, localhost, 127.0.0.1 and the node's IPs. Kept in
 * the cert dir as kubelet.crt/kubelet.key and reused while it is valid and covers those names.
 */
import { createPrivateKey, randomBytes, webcrypto, X509Certificate } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { isIP } from 'node:net';
import { join } from 'node:path';

export interface ServingCert {
  certPem: string;
  keyPem: string;
}

const DAY_MS = 86_400_000;
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

/** The DNS names and IPs the serving certificate must carry. */
export function servingNames(nodeName: string, nodeIPs: readonly string[]): { dnsNames: string[]; ips: string[] } {
  const all = [nodeName, 'localhost', '127.0.0.1', ...nodeIPs].filter((n) => n !== '');
  const uniq = [...new Set(all)];
  return { dnsNames: uniq.filter((n) => isIP(n) === 0), ips: uniq.filter((n) => isIP(n) !== 0) };
}

/** Whether a stored pair can be served again: parsable, matching, not expiring within 30 days, naming everything. */
export function reusable(pair: ServingCert, names: { dnsNames: string[]; ips: string[] }, now = Date.now()): boolean {
  try {
    const cert = new X509Certificate(pair.certPem);
    if (!cert.checkPrivateKey(createPrivateKey(pair.keyPem))) return false;
    if (Date.parse(cert.validTo) - now < 30 * DAY_MS) return false;
    if (names.dnsNames.some((n) => cert.checkHost(n, { subject: 'never', wildcards: false }) === undefined)) return false;
    return names.ips.every((ip) => cert.checkIP(ip) !== undefined);
  } catch {
    return false;
  }
}

/** Loads the serving certificate from `certDir`, making (and storing) a new one when needed. */
export async function ensureServingCert(o: { certDir: string; nodeName: string; nodeIPs: readonly string[] }): Promise<ServingCert> {
  const certPath = join(o.certDir, 'kubelet.crt');
  const keyPath = join(o.certDir, 'kubelet.key');
  const names = servingNames(o.nodeName, o.nodeIPs);
  try {
    const pair = { certPem: await readFile(certPath, 'utf8'), keyPem: await readFile(keyPath, 'utf8') };
    if (reusable(pair, names)) return pair;
  } catch {
    /* absent or unreadable: make a new one */
  }
  const pair = await selfSigned(o.nodeName, names);
  await mkdir(o.certDir, { recursive: true, mode: 0o700 });
  // Written beside and renamed, so a crash never leaves a key that does not match its certificate.
  await writeFile(`${keyPath}.tmp`, pair.keyPem, { mode: 0o600 });
  await writeFile(`${certPath}.tmp`, pair.certPem, { mode: 0o644 });
  await rename(`${keyPath}.tmp`, keyPath);
  await rename(`${certPath}.tmp`, certPath);
  return pair;
}

async function selfSigned(nodeName: string, names: { dnsNames: string[]; ips: string[] }): Promise<ServingCert> {
  // tsyringe inside @peculiar/x509 needs the Reflect metadata polyfill first; loaded only when a
  // certificate must be made, since it costs ~100 ms.
  await import('reflect-metadata');
  const x509 = await import('@peculiar/x509');
  x509.cryptoProvider.set(webcrypto);
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const serial = randomBytes(16);
  serial[0] = ((serial[0] ?? 0) & 0x7f) | 0x01;
  const now = Date.now();
  const subject = `CN=${nodeName.replace(/[,+="<>#;\\]/g, '_')}@${Math.floor(now / 1000)}`;
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial.toString('hex'),
    name: subject,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 365 * DAY_MS),
    keys,
    signingAlgorithm: EC,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature | x509.KeyUsageFlags.keyEncipherment, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...names.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...names.ips.map((value) => ({ type: 'ip' as const, value })),
      ]),
    ],
  });
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
  const keyPem = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certPem: cert.toString('pem') + '\n', keyPem };
}
