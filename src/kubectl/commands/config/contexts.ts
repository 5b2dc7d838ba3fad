/**
 * The context verbs of `kubectl config`: use-context, current-context, get-contexts, set-context,
 * delete-context, rename-context; messages and table as kubectl 1.32 prints them.
 */
import { AggregateCliError, CliError } from '../../errors.js';
import { cloneConfig } from '../../kubeconfig/model.js';
import { tabbed } from '../../printers/tabwriter.js';
import type { Command } from '../../types.js';
import { configAccess, configFileName, unexpectedArgs } from './shared.js';

export const useContext: Command = {
  name: 'use-context',
  aliases: ['use'],
  short: 'Set the current-context in a kubeconfig file',
  long: 'Set the current-context in a kubeconfig file.',
  usage: 'kubectl config use-context CONTEXT_NAME',
  examples: '  # Use the context for the minikube cluster\n  kubectl config use-context minikube',
  run(ctx) {
    if (ctx.args.length !== 1) throw unexpectedArgs(ctx.args);
    const name = ctx.args[0] ?? '';
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    if (!name) throw new CliError('empty context names are not allowed');
    if (!config.contexts.has(name)) throw new CliError(`no context exists with the name: "${name}"`);
    config.currentContext = name;
    access.modify(config, true);
    ctx.streams.stdout.write(`Switched to context "${name}".\n`);
    return Promise.resolve();
  },
};

export const currentContext: Command = {
  name: 'current-context',
  short: 'Display the current-context',
  long: 'Display the current-context.',
  usage: 'kubectl config current-context',
  examples: '  # Display the current-context\n  kubectl config current-context',
  run(ctx) {
    const config = configAccess(ctx).startingConfig();
    if (!config.currentContext) throw new CliError('current-context is not set');
    ctx.streams.stdout.write(`${config.currentContext}\n`);
    return Promise.resolve();
  },
};

export const getContexts: Command = {
  name: 'get-contexts',
  short: 'Describe one or many contexts',
  long: 'Display one or many contexts from the kubeconfig file.',
  usage: 'kubectl config get-contexts [(-o|--output=)name)]',
  examples: '  # List all the contexts in your kubeconfig file\n  kubectl config get-contexts\n  \n  # Describe one context in your kubeconfig file\n  kubectl config get-contexts my-context',
  flags: [
    { name: 'no-headers', type: 'bool', default: false, help: "When using the default or custom-column output format, don't print headers (default print headers)." },
    { name: 'output', short: 'o', type: 'string', default: '', help: 'Output format. One of: (name).' },
  ],
  run(ctx) {
    const output = ctx.flags.string('output');
    if (output !== '' && output !== 'name') throw new CliError(`--output ${output} is not available in kubectl config get-contexts; resetting to default output format`);
    const nameOnly = output === 'name';
    const config = configAccess(ctx).startingConfig();
    const errors: CliError[] = [];
    const names = ctx.args.length === 0 ? [...config.contexts.keys()] : ctx.args.filter((n) => config.contexts.has(n) || (errors.push(new CliError(`context ${n} not found`)), false));
    let text = !nameOnly && !ctx.flags.bool('no-headers') ? 'CURRENT\tNAME\tCLUSTER\tAUTHINFO\tNAMESPACE\n' : '';
    for (const name of names.sort()) {
      if (nameOnly) {
        text += `${name}\n`;
        continue;
      }
      const c = config.contexts.get(name)?.fields ?? {};
      const field = (k: string) => (typeof c[k] === 'string' ? c[k] : '');
      text += `${config.currentContext === name ? '*' : ' '}\t${name}\t${field('cluster')}\t${field('user')}\t${field('namespace')}\n`;
    }
    ctx.streams.stdout.write(tabbed(text));
    // kubectl prints one error as `error: …`, several bare, one per line (CheckErr's aggregate case).
    const [only] = errors;
    if (only && errors.length === 1) throw only;
    if (errors.length > 1) throw new AggregateCliError(errors.map((e) => new CliError(e.message, { raw: true })));
    return Promise.resolve();
  },
};

export const setContext: Command = {
  name: 'set-context',
  short: 'Set a context entry in kubeconfig',
  long: 'Set a context entry in kubeconfig.\n\n Specifying a name that already exists will merge new fields on top of existing values for those fields.',
  usage: 'kubectl config set-context [NAME | --current] [--cluster=cluster_nickname] [--user=user_nickname] [--namespace=namespace]',
  examples: '  # Set the user field on the gce context entry without touching other values\n  kubectl config set-context gce --user=cluster-admin',
  flags: [
    { name: 'current', type: 'bool', default: false, help: 'Modify the current context' },
    { name: 'cluster', type: 'string', default: '', help: 'cluster for the context entry in kubeconfig' },
    { name: 'user', type: 'string', default: '', help: 'user for the context entry in kubeconfig' },
    { name: 'namespace', type: 'string', default: '', help: 'namespace for the context entry in kubeconfig' },
  ],
  run(ctx) {
    if (ctx.args.length > 1) throw unexpectedArgs(ctx.args);
    const current = ctx.flags.bool('current');
    let name = ctx.args[0] ?? '';
    if (!name && !current) throw new CliError('you must specify a non-empty context name or --current');
    if (name && current) throw new CliError('you cannot specify both a context name and --current');
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    if (current) {
      if (!config.currentContext) throw new CliError('no current context is set');
      name = config.currentContext;
    }
    const existing = config.contexts.get(name);
    const entry = existing ?? { fields: { cluster: '', user: '' }, origin: '' };
    for (const flag of ['cluster', 'user', 'namespace']) {
      if (!ctx.flags.has(flag)) continue;
      const value = ctx.flags.string(flag);
      if (value === '' && flag === 'namespace') delete entry.fields[flag];
      else entry.fields[flag] = value;
    }
    config.contexts.set(name, entry);
    access.modify(config, true);
    ctx.streams.stdout.write(`Context "${name}" ${existing ? 'modified' : 'created'}.\n`);
    return Promise.resolve();
  },
};

export const deleteContext: Command = {
  name: 'delete-context',
  short: 'Delete the specified context from the kubeconfig',
  long: 'Delete the specified context from the kubeconfig.',
  usage: 'kubectl config delete-context NAME',
  examples: '  # Delete the context for the minikube cluster\n  kubectl config delete-context minikube',
  run(ctx) {
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    if (ctx.args.length !== 1) throw unexpectedArgs(ctx.args);
    const name = ctx.args[0] ?? '';
    const file = configFileName(access);
    if (!config.contexts.has(name)) throw new CliError(`cannot delete context ${name}, not in ${file}`);
    if (config.currentContext === name) ctx.streams.stderr.write('warning: this removed your active context, use "kubectl config use-context" to select a different one\n');
    config.contexts.delete(name);
    access.modify(config, true);
    ctx.streams.stdout.write(`deleted context ${name} from ${file}\n`);
    return Promise.resolve();
  },
};

export const renameContext: Command = {
  name: 'rename-context',
  short: 'Rename a context from the kubeconfig file',
  long: "Renames a context from the kubeconfig file.\n\n CONTEXT_NAME is the context name that you want to change.\n\n NEW_NAME is the new name you want to set.\n\n Note: If the context being renamed is the 'current-context', this field will also be updated.",
  usage: 'kubectl config rename-context CONTEXT_NAME NEW_NAME',
  examples: "  # Rename the context 'old-name' to 'new-name' in your kubeconfig file\n  kubectl config rename-context old-name new-name",
  run(ctx) {
    if (ctx.args.length !== 2) throw unexpectedArgs(ctx.args);
    const [from = '', to = ''] = ctx.args;
    if (!to) throw new CliError('You must specify a new non-empty context name');
    const access = configAccess(ctx);
    const config = cloneConfig(access.startingConfig());
    const file = configFileName(access);
    const entry = config.contexts.get(from);
    if (!entry) throw new CliError(`cannot rename the context "${from}", it's not in ${file}`);
    if (config.contexts.has(to)) throw new CliError(`cannot rename the context "${from}", the context "${to}" already exists in ${file}`);
    config.contexts.delete(from);
    config.contexts.set(to, entry);
    if (config.currentContext === from) config.currentContext = to;
    access.modify(config, true);
    ctx.streams.stdout.write(`Context "${from}" renamed to "${to}".\n`);
    return Promise.resolve();
  },
};
