/** `kubectl config set-credentials`: create or change a user entry, merging the given fields over it. */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError } from '../../errors.js';
import { cloneConfig } from '../../kubeconfig/model.js';
import type { Command, CommandContext } from '../../types.js';
import { tristate } from './entries.js';
import { configAccess } from './shared.js';

type Obj = Record<string, unknown>;

/** kubectl's ParsePairs: `k=v` sets, `k-` removes. */
function parsePairs(items: string[], flag: string): { set: Array<[string, string]>; remove: string[] } {
  const set: Array<[string, string]> = [];
  const remove: string[] = [];
  const invalid: string[] = [];
  for (const item of items) {
    const eq = item.indexOf('=');
    if (eq >= 0) set.push([item.slice(0, eq), item.slice(eq + 1)]);
    else if (item.endsWith('-')) remove.push(item.slice(0, -1));
    else invalid.push(item);
  }
  if (invalid.length > 0) throw new CliError(`invalid ${flag}: ${invalid.join('')}`);
  return { set, remove };
}

function validate(ctx: CommandContext, name: string, embed: boolean): void {
  if (!name) throw new CliError('you must specify a non-empty user name');
  const methods: string[] = [];
  if (ctx.flags.string('token')) methods.push('--token');
  if (ctx.flags.string('username') || ctx.flags.string('password')) methods.push('--username/--password');
  if (methods.length > 1) throw new CliError(`you cannot specify more than one authentication method at the same time: ${methods.join(', ')}`);
  if (embed) {
    const cert = ctx.flags.string('client-certificate');
    const key = ctx.flags.string('client-key');
    if (!cert && !key) throw new CliError('you must specify a --client-certificate or --client-key to embed');
    for (const [flag, path] of [['client-certificate', cert], ['client-key', key]] as const) {
      if (!path) continue;
      try {
        statSync(path);
      } catch {
        throw new CliError(`could not stat ${flag} file ${path}: stat ${path}: no such file or directory`);
      }
    }
  }
  if (ctx.flags.has('exec-interactive-mode') && !['IfAvailable', 'Always', 'Never'].includes(ctx.flags.string('exec-interactive-mode'))) {
    throw new CliError('invalid interactive mode type, can be only IfAvailable, Never, Always');
  }
}

/** Sets a cert or key from a file: embedded as base64 data, or as the file's absolute path. */
function material(f: Obj, flag: string, value: string, embed: boolean): void {
  if (embed) {
    f[`${flag}-data`] = readFileSync(value).toString('base64');
    if (f[`${flag}-data`] === '') delete f[`${flag}-data`];
    delete f[flag];
  } else if (value) {
    f[flag] = resolve(value);
    delete f[`${flag}-data`];
  } else delete f[flag];
}

function applyExec(ctx: CommandContext, f: Obj): void {
  if (ctx.flags.has('exec-command')) {
    const prev = f['exec'] as Obj | undefined;
    if (prev) {
      prev['command'] = ctx.flags.string('exec-command');
      prev['args'] = null;
    } else f['exec'] = { command: ctx.flags.string('exec-command'), args: null, env: null, provideClusterInfo: false };
  }
  const exec = f['exec'] as Obj | undefined;
  if (!exec) return;
  if (ctx.flags.has('exec-api-version')) exec['apiVersion'] = ctx.flags.string('exec-api-version');
  const args = ctx.flags.strings('exec-arg');
  if (args.length > 0) exec['args'] = args;
  if (ctx.flags.has('exec-interactive-mode')) exec['interactiveMode'] = ctx.flags.string('exec-interactive-mode');
  const provide = tristate(ctx, 'exec-provide-cluster-info');
  if (provide !== undefined) exec['provideClusterInfo'] = provide;
  const envFlags = ctx.flags.strings('exec-env');
  if (envFlags.length > 0) {
    const { set, remove } = parsePairs(envFlags, 'exec-env');
    let env = ((exec['env'] as Obj[] | null) ?? []).filter((e) => !remove.includes(String(e['name'])));
    for (const [k, v] of set) {
      const hit = env.find((e) => e['name'] === k);
      if (hit) hit['value'] = v;
      else env = [...env, { name: k, value: v }];
    }
    exec['env'] = env;
  }
  // Keep the v1 field order (command, args, env, apiVersion, installHint, provideClusterInfo, interactiveMode).
  const order = ['command', 'args', 'env', 'apiVersion', 'installHint', 'provideClusterInfo', 'interactiveMode'];
  f['exec'] = Object.fromEntries(order.filter((k) => exec[k] !== undefined && exec[k] !== '').map((k) => [k, exec[k]]));
}

function applyAuthProvider(ctx: CommandContext, f: Obj): void {
  if (ctx.flags.has('auth-provider')) {
    const name = ctx.flags.string('auth-provider');
    const prev = f['auth-provider'] as Obj | undefined;
    if (!prev || prev['name'] !== name) f['auth-provider'] = { name, config: null };
  }
  const provider = f['auth-provider'] as Obj | undefined;
  if (!provider) return;
  const config = { ...((provider['config'] as Record<string, string> | null) ?? {}) };
  const { set, remove } = parsePairs(ctx.flags.strings('auth-provider-arg'), 'auth-provider-arg');
  for (const k of remove) delete config[k];
  for (const [k, v] of set) config[k] = v;
  provider['config'] = config;
}

export const setCredentials: Command = {
  name: 'set-credentials',
  short: 'Set a user entry in kubeconfig',
  long: 'Set a user entry in kubeconfig.\n\n Specifying a name that already exists will merge new fields on top of existing values.\n\n        Client-certificate flags:\n        --client-certificate=certfile --client-key=keyfile\n\n        Bearer token flags:\n          --token=bearer_token\n\n        Basic auth flags:\n          --username=basic_user --password=basic_password\n\n Bearer token and basic auth are mutually exclusive.',
  usage: 'kubectl config set-credentials NAME [--client-certificate=path/to/certfile] [--client-key=path/to/keyfile] [--token=bearer_token] [--username=basic_user] [--password=basic_password] [--auth-provider=provider_name] [--auth-provider-arg=key=value] [--exec-command=exec_command] [--exec-api-version=exec_api_version] [--exec-arg=arg] [--exec-env=key=value]',
  examples: '  # Set only the "client-key" field on the "cluster-admin"\n  # entry, without touching other values\n  kubectl config set-credentials cluster-admin --client-key=~/.kube/admin.key',
  flags: [
    { name: 'client-certificate', type: 'string', default: '', help: 'Path to client-certificate file for the user entry in kubeconfig' },
    { name: 'client-key', type: 'string', default: '', help: 'Path to client-key file for the user entry in kubeconfig' },
    { name: 'token', type: 'string', default: '', help: 'token for the user entry in kubeconfig' },
    { name: 'username', type: 'string', default: '', help: 'username for the user entry in kubeconfig' },
    { name: 'password', type: 'string', default: '', help: 'password for the user entry in kubeconfig' },
    { name: 'auth-provider', type: 'string', default: '', help: 'Auth provider for the user entry in kubeconfig' },
    { name: 'auth-provider-arg', type: 'strings', default: [], help: "'key=value' arguments for the auth provider" },
    { name: 'exec-command', type: 'string', default: '', help: 'Command for the exec credential plugin for the user entry in kubeconfig' },
    { name: 'exec-api-version', type: 'string', default: '', help: 'API version of the exec credential plugin for the user entry in kubeconfig' },
    { name: 'exec-interactive-mode', type: 'string', default: '', help: 'InteractiveMode of the exec credentials plugin for the user entry in kubeconfig' },
    { name: 'exec-provide-cluster-info', type: 'string', default: 'false', noOptDefault: 'true', help: 'ProvideClusterInfo of the exec credentials plugin for the user entry in kubeconfig' },
    { name: 'exec-arg', type: 'strings', default: [], help: 'New arguments for the exec credential plugin command for the user entry in kubeconfig' },
    { name: 'exec-env', type: 'stringArray', default: [], help: "'key=value' environment values for the exec credential plugin" },
    { name: 'embed-certs', type: 'string', default: 'false', noOptDefault: 'true', help: 'Embed client cert/key for the user entry in kubeconfig' },
  ],
  run(ctx) {
    if (ctx.args.length !== 1) throw new CliError(`unexpected args: [${ctx.args.join(' ')}]`);
    const name = ctx.args[0] ?? '';
    const embed = tristate(ctx, 'embed-certs') ?? false;
    validate(ctx, name, embed);
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    const entry = config.users.get(name) ?? { fields: {}, origin: '' };
    const f = entry.fields;
    if (ctx.flags.has('client-certificate')) material(f, 'client-certificate', ctx.flags.string('client-certificate'), embed);
    if (ctx.flags.has('client-key')) material(f, 'client-key', ctx.flags.string('client-key'), embed);
    const setOrDrop = (key: string, value: string) => (value ? (f[key] = value) : delete f[key]);
    let setToken = false;
    let setBasic = false;
    if (ctx.flags.has('token')) {
      setOrDrop('token', ctx.flags.string('token'));
      setToken = ctx.flags.string('token') !== '';
    }
    for (const k of ['username', 'password']) {
      if (!ctx.flags.has(k)) continue;
      setOrDrop(k, ctx.flags.string(k));
      setBasic ||= ctx.flags.string(k) !== '';
    }
    applyAuthProvider(ctx, f);
    applyExec(ctx, f);
    // A token and basic auth exclude each other: setting one clears the other.
    if (setToken && !setBasic) {
      delete f['username'];
      delete f['password'];
    }
    if (setBasic && !setToken) delete f['token'];
    config.users.set(name, { ...entry, fields: reorder(f) });
    access.modify(config, true);
    ctx.streams.stdout.write(`User "${name}" set.\n`);
    return Promise.resolve();
  },
};

/** The v1 AuthInfo field order, so JSON output matches Go's. */
function reorder(f: Obj): Obj {
  const order = ['client-certificate', 'client-certificate-data', 'client-key', 'client-key-data', 'token', 'tokenFile', 'as', 'as-uid', 'as-groups', 'as-user-extra', 'username', 'password', 'auth-provider', 'exec', 'extensions'];
  return Object.fromEntries(order.filter((k) => f[k] !== undefined).map((k) => [k, f[k]]));
}
