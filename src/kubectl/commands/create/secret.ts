/** `kubectl create secret (generic | tls | docker-registry)`: the group and its `generic` subcommand. */
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';
import { addSecretKey, appendHashFlag, secretObject, secretTarget, type SecretDraft } from './secret-data.js';
import { secretDockerRegistry } from './secret-docker.js';
import { secretTLS } from './secret-tls.js';
import { parseLiteralSource, visitEnvFiles, visitFileSources } from './sources.js';

const generic: Command = {
  name: 'generic',
  short: 'Create a secret from a local file, directory, or literal value',
  long: `Create a secret based on a file, directory, or specified literal value.

 A single secret may package one or more key/value pairs.

 When creating a secret based on a file, the key will default to the basename of the file, and the value will default to the file content. If the basename is an invalid key or you wish to chose your own, you may specify an alternate key.

 When creating a secret based on a directory, each file whose basename is a valid key in the directory will be packaged into the secret. Any directory entries except regular files are ignored (e.g. subdirectories, symlinks, devices, pipes, etc).`,
  usage: 'kubectl create secret generic NAME [--type=string] [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]',
  examples: `  # Create a new secret named my-secret with keys for each file in folder bar
  kubectl create secret generic my-secret --from-file=path/to/bar

  # Create a new secret named my-secret with key1=supersecret and key2=topsecret
  kubectl create secret generic my-secret --from-literal=key1=supersecret --from-literal=key2=topsecret`,
  flags: generatorFlags([
    { name: 'from-file', type: 'strings', default: [], help: 'Key files can be specified using their file path, in which case a default name will be given to them, or optionally with a name and file path, in which case the given name will be used.  Specifying a directory will iterate each named file in the directory that is a valid secret key.' },
    { name: 'from-literal', type: 'stringArray', default: [], help: 'Specify a key and literal value to insert in secret (i.e. mykey=somevalue)' },
    { name: 'from-env-file', type: 'strings', default: [], help: 'Specify the path to a file to read lines of key=val pairs to create a secret.' },
    { name: 'type', type: 'string', default: '', help: 'The type of secret to create' },
    appendHashFlag,
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const files = ctx.flags.strings('from-file');
    const literals = ctx.flags.strings('from-literal');
    const envFiles = ctx.flags.strings('from-env-file');
    if (envFiles.length > 0 && (files.length > 0 || literals.length > 0)) throw new CliError('from-env-file cannot be combined with from-file or from-literal');
    const s: SecretDraft = { name, type: ctx.flags.string('type'), data: new Map() };
    // kubectl's order: literals, then files, then env files (it decides which duplicate is reported).
    for (const lit of literals) {
      const [k, v] = parseLiteralSource(lit);
      addSecretKey(s, k, Buffer.from(v, 'utf8'));
    }
    visitFileSources(files, (k, bytes) => addSecretKey(s, k, bytes));
    visitEnvFiles(envFiles, 'secret', (k, v) => addSecretKey(s, k, Buffer.from(v, 'utf8')));
    await createGenerated(ctx, secretObject(ctx, s), secretTarget);
  },
};

export const secret: Command = {
  name: 'secret',
  short: 'Create a secret using a specified subcommand',
  long: `Create a secret with specified type.

 A docker-registry type secret is for accessing a container registry.

 A generic type secret indicate an Opaque secret type.

 A tls type secret holds TLS certificate and its associated key.`,
  usage: 'kubectl create secret (docker-registry | generic | tls)',
  subcommands: [secretDockerRegistry, generic, secretTLS],
};
