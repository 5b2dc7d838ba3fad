/**
 * The cluster and user verbs of `kubectl config` (except set-credentials): get-clusters, get-users,
 * set-cluster, delete-cluster, delete-user.
 */
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { CliError, UsageError } from '../../errors.js';
import { cloneConfig, type Section } from '../../kubeconfig/model.js';
import type { Command, CommandContext } from '../../types.js';
import { configAccess, configFileName, parseGoBool, unexpectedArgs } from './shared.js';

function listNames(section: Section): (ctx: CommandContext) => Promise<void> {
  return (ctx) => {
    const config = configAccess(ctx).startingConfig();
    ctx.streams.stdout.write(`NAME\n${[...config[section].keys()].sort().map((n) => `${n}\n`).join('')}`);
    return Promise.resolve();
  };
}

export const getClusters: Command = {
  name: 'get-clusters',
  short: 'Display clusters defined in the kubeconfig',
  long: 'Display clusters defined in the kubeconfig.',
  usage: 'kubectl config get-clusters',
  examples: '  # List the clusters that kubectl knows about\n  kubectl config get-clusters',
  run: listNames('clusters'),
};

export const getUsers: Command = {
  name: 'get-users',
  short: 'Display users defined in the kubeconfig',
  long: 'Display users defined in the kubeconfig.',
  usage: 'kubectl config get-users',
  examples: '  # List the users that kubectl knows about\n  kubectl config get-users',
  run: listNames('users'),
};

/** Go's `os.Stat` failure text. */
function statError(path: string, e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  return `stat ${path}: ${code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : String(e)}`;
}

/** A tri-state bool flag (`--embed-certs`, `--insecure-skip-tls-verify`): undefined when not given. */
export function tristate(ctx: CommandContext, name: string): boolean | undefined {
  return ctx.flags.has(name) ? parseGoBool(ctx.flags.string(name) || 'false') : undefined;
}

export const setCluster: Command = {
  name: 'set-cluster',
  short: 'Set a cluster entry in kubeconfig',
  long: 'Set a cluster entry in kubeconfig.\n\n Specifying a name that already exists will merge new fields on top of existing values for those fields.',
  usage: 'kubectl config set-cluster NAME [--server=server] [--certificate-authority=path/to/certificate/authority] [--insecure-skip-tls-verify=true] [--tls-server-name=example.com]',
  examples: '  # Set only the server field on the e2e cluster entry without touching other values\n  kubectl config set-cluster e2e --server=https://1.2.3.4',
  flags: [
    { name: 'server', type: 'string', default: '', help: 'server for the cluster entry in kubeconfig' },
    { name: 'tls-server-name', type: 'string', default: '', help: 'tls-server-name for the cluster entry in kubeconfig' },
    { name: 'insecure-skip-tls-verify', type: 'string', default: 'false', noOptDefault: 'true', help: 'insecure-skip-tls-verify for the cluster entry in kubeconfig' },
    { name: 'certificate-authority', type: 'string', default: '', help: 'Path to certificate-authority file for the cluster entry in kubeconfig' },
    { name: 'embed-certs', type: 'string', default: 'false', noOptDefault: 'true', help: 'embed-certs for the cluster entry in kubeconfig' },
    { name: 'proxy-url', type: 'string', default: '', help: 'proxy-url for the cluster entry in kubeconfig' },
  ],
  run(ctx) {
    if (ctx.args.length !== 1) throw unexpectedArgs(ctx.args);
    const name = ctx.args[0] ?? '';
    const insecure = tristate(ctx, 'insecure-skip-tls-verify');
    const embed = tristate(ctx, 'embed-certs') ?? false;
    const ca = ctx.flags.string('certificate-authority');
    if (!name) throw new CliError('you must specify a non-empty cluster name');
    if (insecure && ca) throw new CliError('you cannot specify a certificate authority and insecure mode at the same time');
    if (embed) {
      if (!ca) throw new CliError('you must specify a --certificate-authority to embed');
      try {
        statSync(ca);
      } catch (e) {
        throw new CliError(`could not stat certificate-authority file ${ca}: ${statError(ca, e)}`);
      }
    }
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    const entry = config.clusters.get(name) ?? { fields: { server: '' }, origin: '' };
    const f = entry.fields;
    if (ctx.flags.has('server')) {
      f['server'] = ctx.flags.string('server');
      delete f['tls-server-name'];
    }
    const setOrDrop = (key: string, value: string) => (value ? (f[key] = value) : delete f[key]);
    if (ctx.flags.has('tls-server-name')) setOrDrop('tls-server-name', ctx.flags.string('tls-server-name'));
    if (insecure !== undefined) {
      if (insecure) {
        f['insecure-skip-tls-verify'] = true;
        delete f['certificate-authority'];
        delete f['certificate-authority-data'];
      } else delete f['insecure-skip-tls-verify'];
    }
    if (ctx.flags.has('certificate-authority')) {
      if (embed) {
        setOrDrop('certificate-authority-data', readFileSync(ca).toString('base64'));
        delete f['insecure-skip-tls-verify'];
        delete f['certificate-authority'];
      } else {
        setOrDrop('certificate-authority', ca ? resolve(ca) : '');
        if (ca) {
          delete f['insecure-skip-tls-verify'];
          delete f['certificate-authority-data'];
        }
      }
    }
    if (ctx.flags.has('proxy-url')) setOrDrop('proxy-url', ctx.flags.string('proxy-url'));
    config.clusters.set(name, entry);
    access.modify(config, true);
    ctx.streams.stdout.write(`Cluster "${name}" set.\n`);
    return Promise.resolve();
  },
};

function deleteEntry(section: 'clusters' | 'users', noun: string): (ctx: CommandContext) => Promise<void> {
  return (ctx) => {
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    if (ctx.args.length !== 1) {
      if (section === 'users') throw new UsageError('user to delete is required');
      throw unexpectedArgs(ctx.args);
    }
    const name = ctx.args[0] ?? '';
    const file = configFileName(access);
    if (!config[section].has(name)) throw new CliError(`cannot delete ${noun} ${name}, not in ${file}`);
    config[section].delete(name);
    access.modify(config, true);
    ctx.streams.stdout.write(`deleted ${noun} ${name} from ${file}\n`);
    return Promise.resolve();
  };
}

export const deleteCluster: Command = {
  name: 'delete-cluster',
  short: 'Delete the specified cluster from the kubeconfig',
  long: 'Delete the specified cluster from the kubeconfig.',
  usage: 'kubectl config delete-cluster NAME',
  examples: '  # Delete the minikube cluster\n  kubectl config delete-cluster minikube',
  run: deleteEntry('clusters', 'cluster'),
};

export const deleteUser: Command = {
  name: 'delete-user',
  short: 'Delete the specified user from the kubeconfig',
  long: 'Delete the specified user from the kubeconfig.',
  usage: 'kubectl config delete-user NAME',
  examples: '  # Delete the minikube user\n  kubectl config delete-user minikube',
  run: deleteEntry('users', 'user'),
};
