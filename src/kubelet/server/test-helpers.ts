/** Test-only PKI: a CA and client certificates signed by it, for calling the kubelet API with a certificate. */
import 'reflect-metadata';
import { createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto);
const EC = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' };

export interface Pem {
  certPem: string;
  keyPem: string;
}

async function keyPem(k: webcrypto.CryptoKey): Promise<string> {
  const der = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', k));
  return createPrivateKey({ key: der, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }).toString();
}

/** A CA and a function issuing client certificates (CN = user) from it. */
export async function testCa(name: string): Promise<{ ca: Pem; client(cn: string): Promise<Pem> }> {
  const keys = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
  const now = Date.now();
  const caCert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '01',
    name: `CN=${name}`,
    notBefore: new Date(now - 3_600_000),
    notAfter: new Date(now + 86_400_000),
    keys,
    signingAlgorithm: EC,
    extensions: [new x509.BasicConstraintsExtension(true, undefined, true), new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.digitalSignature, true)],
  });
  const ca = { certPem: caCert.toString('pem') + '\n', keyPem: await keyPem(keys.privateKey) };
  let serial = 2;
  return {
    ca,
    client: async (cn) => {
      const k = await webcrypto.subtle.generateKey(EC, true, ['sign', 'verify']);
      const cert = await x509.X509CertificateGenerator.create({
        serialNumber: (serial++).toString(16).padStart(2, '0'),
        subject: `CN=${cn}`,
        issuer: caCert.subject,
        notBefore: new Date(now - 3_600_000),
        notAfter: new Date(now + 86_400_000),
        publicKey: k.publicKey,
        signingKey: keys.privateKey,
        signingAlgorithm: EC,
        extensions: [new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.clientAuth])],
      });
      return { certPem: cert.toString('pem') + '\n', keyPem: await keyPem(k.privateKey) };
    },
  };
}
