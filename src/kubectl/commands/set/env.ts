/** `kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N`: add, change, remove or list container env. */
import type { EnvVar } from '../../../api/generated/core/v1.js';
import type { KubeObject } from '../../../client/types.js';
import { CliError } from '../../errors.js';
import type { Command, CommandContext } from '../../types.js';
import { dryRunStrategy, outputFormat } from '../../workloads/common.js';
import { podSpecOf, selectContainers } from '../../workloads/podspec.js';
import { selectInfos } from '../../workloads/select.js';
import { parseEnv, splitEnvironmentFromResources, updateEnv } from './env-parse.js';
import { EnvResolver, listEnv } from './env-resolve.js';
import { applySet, setFlags, setInfos } from './shared.js';

async function readAll(ctx: CommandContext): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of ctx.streams.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

/** A config map's or secret's keys as env vars (`--from`, `--keys`), names made env-safe with a warning. */
async function envFrom(ctx: CommandContext, from: string, keys: string[]): Promise<EnvVar[]> {
  const { infos, errors } = await selectInfos(ctx, [from], { all: true, selector: false });
  if (errors.length > 0) throw errors[0];
  const env: EnvVar[] = [];
  for (const info of infos) {
    const obj = (info.object ?? {}) as KubeObject & { data?: Record<string, string> };
    const kind = info.mapping.group === '' ? info.mapping.kind : '';
    if (kind !== 'Secret' && kind !== 'ConfigMap') throw new CliError('unsupported resource specified in --from');
    for (const key of Object.keys(obj.data ?? {}).sort()) {
      if (keys.length > 0 && !keys.includes(key)) continue;
      const name = key.replace(/[^a-zA-Z0-9_]/g, '_').toUpperCase();
      if (name !== key) ctx.streams.stderr.write(`Warning: key ${key} transferred to ${name}\n`);
      const ref = { name: info.name, key };
      env.push({ name, valueFrom: kind === 'Secret' ? { secretKeyRef: ref } : { configMapKeyRef: ref } });
    }
  }
  return env;
}

async function run(ctx: CommandContext): Promise<void> {
  const { flags } = ctx;
  if (flags.bool('all') && flags.string('selector') !== '') throw new CliError('cannot set --all and --selector at the same time');
  const split = splitEnvironmentFromResources(ctx.args);
  if (!split) throw new CliError(`all resources must be specified before environment changes: ${ctx.args.join(' ')}`);
  const dryRun = dryRunStrategy(flags);
  if (flags.bool('local') && dryRun === 'server') throw new CliError('cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
  if (flags.strings('filename').length === 0 && split.resources.length < 1) throw new CliError('one or more resources must be specified as <resource> <name> or <resource>/<name>');
  const list = flags.bool('list');
  if (list && outputFormat(flags) !== '') throw new CliError('--list and --output may not be specified together');
  const from = flags.string('from');
  const keys = flags.strings('keys');
  if (keys.length > 0 && from === '') throw new CliError('when specifying --keys, a configmap or secret must be provided with --from');
  const specs = [...flags.strings('env'), ...split.envArgs];
  const stdinText = specs.includes('-') ? await readAll(ctx) : '';
  const parsed = parseEnv(specs, () => stdinText);
  const env = [...parsed.env, ...(from !== '' && !flags.bool('local') ? await envFrom(ctx, from, keys) : [])];
  const prefix = flags.string('prefix');
  if (prefix) for (const e of env) e.name = `${prefix}${e.name}`;
  const infos = await setInfos(ctx, split.resources);
  const pattern = flags.string('containers');
  const overwrite = flags.bool('overwrite');

  if (list) {
    const resolver = flags.bool('resolve') ? new EnvResolver(ctx.factory, ctx.factory.namespace().namespace) : undefined;
    for (const info of infos) {
      const obj = structuredClone(info.object ?? {});
      const spec = podSpecOf(obj);
      if (!spec) continue;
      for (const c of selectContainers(spec, pattern)) {
        const r = await listEnv({ kind: obj.kind ?? info.mapping.kind, name: info.name, container: c, env: updateEnv(c.env ?? [], env, parsed.remove), obj, resolver });
        ctx.streams.stdout.write(r.text);
        for (const e of r.errors) ctx.streams.stderr.write(`${e}\n`);
      }
    }
    return;
  }

  await applySet(ctx, infos, {
    operation: 'env updated',
    failure: 'failed to patch env update to pod template: ',
    errors: [],
    mutate: (spec, obj, info) => {
      const containers = selectContainers(spec, pattern);
      if (containers.length === 0) {
        ctx.streams.stderr.write(`Warning: ${obj.kind ?? info.mapping.kind}/${info.name} does not have any containers matching "${pattern}"\n`);
        return;
      }
      for (const c of containers) {
        if (!overwrite) {
          for (const e of env) {
            const current = (c.env ?? []).find((x) => x.name === e.name);
            if (current && current.value !== e.value) throw new Error(`'${current.name}' already has a value (${current.value ?? ''}), and --overwrite is false`);
          }
        }
        c.env = updateEnv(c.env ?? [], env, parsed.remove);
      }
    },
  });
}

export const env: Command = {
  name: 'env',
  short: 'Update environment variables on a pod template',
  long: `Update environment variables on a pod template.

 List environment variable definitions in one or more pods, pod templates. Add, update, or remove container environment variable definitions in one or more pod templates (within replication controllers or deployment configurations). View or modify the environment variable definitions on all containers in the specified pods or pod templates, or just those that match a wildcard.

 If "--env -" is passed, environment variables can be read from STDIN using the standard env syntax.

 Possible resources include (case insensitive):

  pod (po), replicationcontroller (rc), deployment (deploy), daemonset (ds), statefulset (sts), cronjob (cj), replicaset (rs)`,
  usage: 'kubectl set env RESOURCE/NAME KEY_1=VAL_1 ... KEY_N=VAL_N',
  examples: `  # Update deployment 'registry' with a new environment variable
  kubectl set env deployment/registry STORAGE_DIR=/local

  # List the environment variables defined on a deployments 'sample-build'
  kubectl set env deployment/sample-build --list

  # List the environment variables defined on all pods
  kubectl set env pods --all --list

  # Output modified deployment in YAML, and does not alter the object on the server
  kubectl set env deployment/sample-build STORAGE_DIR=/data -o yaml

  # Update all containers in all replication controllers in the project to have ENV=prod
  kubectl set env rc --all ENV=prod

  # Import environment from a secret
  kubectl set env --from=secret/mysecret deployment/myapp

  # Import environment from a config map with a prefix
  kubectl set env --from=configmap/myconfigmap --prefix=MYSQL_ deployment/myapp

  # Import specific keys from a config map
  kubectl set env --keys=my-example-key --from=configmap/myconfigmap deployment/myapp

  # Remove the environment variable ENV from container 'c1' in all deployment configs
  kubectl set env deployments --all --containers="c1" ENV-

  # Remove the environment variable ENV from a deployment definition on disk and
  # update the deployment config on the server
  kubectl set env -f deploy.json ENV-

  # Set some of the local shell environment into a deployment config on the server
  env | grep RAILS_ | kubectl set env -e - deployment/registry`,
  flags: setFlags('the resource to update the env', [
    { name: 'containers', short: 'c', type: 'string', default: '*', help: 'The names of containers in the selected pod templates to change - may use wildcards' },
    { name: 'env', short: 'e', type: 'stringArray', default: [], help: 'Specify a key-value pair for an environment variable to set into each container.' },
    { name: 'from', type: 'string', help: 'The name of a resource from which to inject environment variables' },
    { name: 'keys', type: 'strings', default: [], help: 'Comma-separated list of keys to import from specified resource' },
    { name: 'list', type: 'bool', help: 'If true, display the environment and any changes in the standard format. this flag will removed when we have kubectl view env.' },
    { name: 'overwrite', type: 'bool', default: true, help: 'If true, allow environment to be overwritten, otherwise reject updates that overwrite existing environment.' },
    { name: 'prefix', type: 'string', help: 'Prefix to append to variable names' },
    { name: 'resolve', type: 'bool', help: 'If true, show secret or configmap references when listing variables' },
  ]),
  run,
};
