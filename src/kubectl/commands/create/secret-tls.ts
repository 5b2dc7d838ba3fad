/** `kubectl create secret tls NAME --cert=path --key=path`: the pair must parse and match, as Go's tls.X509KeyPair checks. */
import { createPrivateKey, X509Certificate } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';
import { appendHashFlag, secretObject, secretTarget } from './secret-data.js';

function readPem(path: string): Buffer {
  try {
    return readFileSync(path);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : String(e);
    throw new CliError(`Cannot read file ${path}, open ${path}: ${why}`);
  }
}

/** Go's tls.X509KeyPair failures, worded as Go words them. */
function checkKeyPair(cert: Buffer, key: Buffer): void {
  if (!/-----BEGIN [A-Z ]*CERTIFICATE-----/.test(cert.toString('latin1'))) {
    throw new CliError(/-----BEGIN/.test(cert.toString('latin1')) ? 'tls: failed to find "CERTIFICATE" PEM block in certificate input after skipping PEM blocks of the following types: [PRIVATE KEY]' : 'tls: failed to find any PEM data in certificate input');
  }
  if (!/-----BEGIN [A-Z ]*PRIVATE KEY-----/.test(key.toString('latin1'))) {
    throw new CliError(/-----BEGIN/.test(key.toString('latin1')) ? 'tls: found a certificate rather than a key in the PEM for the private key' : 'tls: failed to find any PEM data in key input');
  }
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (e) {
    throw new CliError(`x509: malformed certificate (${e instanceof Error ? e.message : String(e)})`);
  }
  let pk;
  try {
    pk = createPrivateKey(key);
  } catch {
    throw new CliError('tls: failed to parse private key');
  }
  if (!x509.checkPrivateKey(pk)) throw new CliError('tls: private key does not match public key');
}

export const secretTLS: Command = {
  name: 'tls',
  short: 'Create a TLS secret',
  long: `Create a TLS secret from the given public/private key pair.

 The public/private key pair must exist beforehand. The public key certificate must be .PEM encoded and match the given private key.`,
  usage: 'kubectl create secret tls NAME --cert=path/to/cert/file --key=path/to/key/file [--dry-run=server|client|none]',
  examples: `  # Create a new TLS secret named tls-secret with the given key pair
  kubectl create secret tls tls-secret --cert=path/to/tls.crt --key=path/to/tls.key`,
  flags: generatorFlags([
    { name: 'cert', type: 'string', default: '', help: 'Path to PEM encoded public key certificate.' },
    { name: 'key', type: 'string', default: '', help: 'Path to private key associated with given certificate.' },
    appendHashFlag,
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const certPath = ctx.flags.string('cert');
    const keyPath = ctx.flags.string('key');
    if (certPath === '' || keyPath === '') throw new CliError('key and cert must be specified');
    const cert = readPem(certPath);
    const key = readPem(keyPath);
    checkKeyPair(cert, key);
    const data = new Map([
      ['tls.crt', cert.toString('base64')],
      ['tls.key', key.toString('base64')],
    ]);
    await createGenerated(ctx, secretObject(ctx, { name, type: 'kubernetes.io/tls', data }), secretTarget);
  },
};
