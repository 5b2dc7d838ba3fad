/** `kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key=value] [--from-env-file=f]`. */
import { isConfigMapKey } from '../../../api/validation/names.js';
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';
import { configMapHash, parseLiteralSource, visitEnvFiles, visitFileSources } from './sources.js';

interface Draft {
  name: string;
  data: Map<string, string>;
  binaryData: Map<string, string>;
}

function checkKey(cm: Draft, key: string): void {
  const errs = isConfigMapKey(key);
  if (errs.length > 0) throw new CliError(`${JSON.stringify(key)} is not a valid key name for a ConfigMap: ${errs.join(',')}`);
  if (cm.data.has(key)) throw new CliError(`cannot add key ${JSON.stringify(key)}, another key by that name already exists in Data for ConfigMap ${JSON.stringify(cm.name)}`);
  if (cm.binaryData.has(key)) throw new CliError(`cannot add key ${JSON.stringify(key)}, another key by that name already exists in BinaryData for ConfigMap ${JSON.stringify(cm.name)}`);
}

function addText(cm: Draft, key: string, value: string): void {
  checkKey(cm, key);
  cm.data.set(key, value);
}

/** Valid UTF-8 goes to `data`, anything else to `binaryData` (base64), as kubectl decides. */
function addFile(cm: Draft, key: string, bytes: Buffer): void {
  const text = bytes.toString('utf8');
  if (Buffer.from(text, 'utf8').equals(bytes)) return addText(cm, key, text);
  checkKey(cm, key);
  cm.binaryData.set(key, bytes.toString('base64'));
}

/** The ConfigMap kubectl would build from these flags (no server involved). */
export function buildConfigMap(ctx: CommandContext, name: string): Record<string, unknown> {
  const files = ctx.flags.strings('from-file');
  const literals = ctx.flags.strings('from-literal');
  const envFiles = ctx.flags.strings('from-env-file');
  if (envFiles.length > 0 && (files.length > 0 || literals.length > 0)) throw new CliError('from-env-file cannot be combined with from-file or from-literal');
  const cm: Draft = { name, data: new Map(), binaryData: new Map() };
  visitFileSources(files, (k, bytes) => addFile(cm, k, bytes));
  for (const lit of literals) addText(cm, ...parseLiteralSource(lit));
  visitEnvFiles(envFiles, 'config', (k, v) => addText(cm, k, v));
  // Go maps marshal with sorted keys.
  const sorted = (m: Map<string, string>) => Object.fromEntries([...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  const data = sorted(cm.data);
  const binaryData = sorted(cm.binaryData);
  const finalName = ctx.flags.bool('append-hash') ? `${name}-${configMapHash({ name, data, binaryData })}` : name;
  return {
    kind: 'ConfigMap',
    apiVersion: 'v1',
    metadata: { name: finalName, creationTimestamp: null },
    data: cm.data.size ? data : undefined,
    binaryData: cm.binaryData.size ? binaryData : undefined,
  };
}

export const configmap: Command = {
  name: 'configmap',
  aliases: ['cm'],
  short: 'Create a config map from a local file, directory or literal value',
  long: `Create a config map based on a file, directory, or specified literal value.

 A single config map may package one or more key/value pairs.

 When creating a config map based on a file, the key will default to the basename of the file, and the value will default to the file content.  If the basename is an invalid key, you may specify an alternate key.

 When creating a config map based on a directory, each file whose basename is a valid key in the directory will be packaged into the config map.  Any directory entries except regular files are ignored (e.g. subdirectories, symlinks, devices, pipes, etc).`,
  usage: 'kubectl create configmap NAME [--from-file=[key=]source] [--from-literal=key1=value1] [--dry-run=server|client|none]',
  examples: `  # Create a new config map named my-config based on folder bar
  kubectl create configmap my-config --from-file=path/to/bar

  # Create a new config map named my-config with specified keys instead of file basenames on disk
  kubectl create configmap my-config --from-file=key1=/path/to/bar/file1.txt --from-file=key2=/path/to/bar/file2.txt

  # Create a new config map named my-config with key1=config1 and key2=config2
  kubectl create configmap my-config --from-literal=key1=config1 --from-literal=key2=config2

  # Create a new config map named my-config from the key=value pairs in the file
  kubectl create configmap my-config --from-file=path/to/bar

  # Create a new config map named my-config from an env file
  kubectl create configmap my-config --from-env-file=path/to/foo.env --from-env-file=path/to/bar.env`,
  flags: generatorFlags([
    { name: 'from-file', type: 'strings', default: [], help: 'Key file can be specified using its file path, in which case file basename will be used as configmap key, or optionally with a key and file path, in which case the given key will be used.  Specifying a directory will iterate each named file in the directory whose basename is a valid configmap key.' },
    { name: 'from-literal', type: 'stringArray', default: [], help: 'Specify a key and literal value to insert in configmap (i.e. mykey=somevalue)' },
    { name: 'from-env-file', type: 'strings', default: [], help: 'Specify the path to a file to read lines of key=val pairs to create a configmap.' },
    { name: 'append-hash', type: 'bool', default: false, help: 'Append a hash of the configmap to its name.' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const cm = buildConfigMap(ctx, name);
    await createGenerated(ctx, cm, { group: '', version: 'v1', resource: 'configmaps', namespaced: true, errorPrefix: 'failed to create configmap: ' });
  },
};
