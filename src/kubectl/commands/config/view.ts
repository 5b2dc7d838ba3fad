/**
 * `kubectl config view`: the merged kubeconfig (or one file with `--merge=false`), secrets redacted
 * and certificate data shortened to `DATA+OMITTED` unless `--raw`; `--minify` keeps only what the
 * current context uses; `--flatten` inlines referenced files.
 */
import { readFileSync } from 'node:fs';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { CliError, UsageError } from '../../errors.js';
import { cloneConfig, toV1, toYaml, type KubeConfig } from '../../kubeconfig/model.js';
import { loadFiles } from '../../kubeconfig/access.js';
import type { Command } from '../../types.js';
import { configAccess, goList, parseGoBool } from './shared.js';

/** clientcmdapi.MinifyConfig: only the current context, its cluster and its user. */
export function minify(config: KubeConfig): void {
  if (!config.currentContext) throw new CliError('current-context must exist in order to minify');
  const context = config.contexts.get(config.currentContext);
  if (!context) throw new CliError(`cannot locate context ${config.currentContext}`);
  const keep = (section: 'clusters' | 'users', name: string, noun: string) => {
    const entry = name ? config[section].get(name) : undefined;
    if (name && !entry) throw new CliError(`cannot locate ${noun} ${name}`);
    config[section] = new Map(entry ? [[name, entry]] : []);
  };
  const name = (k: string) => (typeof context.fields[k] === 'string' ? context.fields[k] : '');
  keep('clusters', name('cluster'), 'cluster');
  keep('users', name('user'), 'user');
  config.contexts = new Map([[config.currentContext, context]]);
}

/** clientcmdapi.FlattenConfig: referenced certificate files become inline data. */
export function flatten(config: KubeConfig): void {
  const inline = (fields: Record<string, unknown>, fileKey: string, origin: string) => {
    const path = typeof fields[fileKey] === 'string' ? fields[fileKey] : '';
    if (!path) return;
    if (fields[`${fileKey}-data`]) throw new CliError('cannot have values for both path and contents');
    const base = isAbsolute(dirname(origin)) ? dirname(origin) : resolve(dirname(origin));
    const abs = isAbsolute(path) ? path : join(base, path);
    let data: Buffer;
    try {
      data = readFileSync(abs);
    } catch {
      throw new CliError(`open ${abs}: no such file or directory`);
    }
    if (data.length > 0) fields[`${fileKey}-data`] = data.toString('base64');
    delete fields[fileKey];
  };
  for (const user of config.users.values()) {
    inline(user.fields, 'client-certificate', user.origin);
    inline(user.fields, 'client-key', user.origin);
  }
  for (const cluster of config.clusters.values()) inline(cluster.fields, 'certificate-authority', cluster.origin);
}

/** RedactSecrets then ShortenConfig, as view does without --raw. */
export function redact(config: KubeConfig): void {
  for (const user of config.users.values()) {
    const f = user.fields;
    for (const k of ['token', 'password']) if (f[k]) f[k] = 'REDACTED';
    for (const k of ['client-key-data', 'client-certificate-data']) if (f[k]) f[k] = 'DATA+OMITTED';
  }
  for (const cluster of config.clusters.values()) if (cluster.fields['certificate-authority-data']) cluster.fields['certificate-authority-data'] = 'DATA+OMITTED';
}

/** Go's encoding/json escaping of HTML-significant characters, which kubectl's JSON printer keeps. */
export function goJson(v: unknown, indent: string): string {
  return JSON.stringify(v, null, indent).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

export const view: Command = {
  name: 'view',
  short: 'Display merged kubeconfig settings or a specified kubeconfig file',
  long: 'Display merged kubeconfig settings or a specified kubeconfig file.\n\n You can use --output jsonpath={...} to extract specific values using a jsonpath expression.',
  usage: 'kubectl config view',
  examples: '  # Show merged kubeconfig settings\n  kubectl config view\n  \n  # Show merged kubeconfig settings, raw certificate data, and exposed secrets\n  kubectl config view --raw\n  \n  # Get the password for the e2e user\n  kubectl config view -o jsonpath=\'{.users[?(@.name == "e2e")].user.password}\'',
  flags: [
    { name: 'output', short: 'o', type: 'string', default: 'yaml', help: 'Output format. One of: (json, yaml, name, go-template, go-template-file, template, templatefile, jsonpath, jsonpath-as-json, jsonpath-file).' },
    { name: 'template', type: 'string', default: '', help: 'Template string or path to template file to use when -o=go-template, -o=go-template-file. The template format is golang templates [http://golang.org/pkg/text/template/#pkg-overview].' },
    { name: 'allow-missing-template-keys', type: 'bool', default: true, help: 'If true, ignore any errors in templates when a field or map key is missing in the template. Only applies to golang and jsonpath output formats.' },
    { name: 'show-managed-fields', type: 'bool', default: false, help: 'If true, keep the managedFields when printing objects in JSON or YAML format.' },
    { name: 'merge', type: 'string', default: 'true', noOptDefault: 'true', help: 'Merge the full hierarchy of kubeconfig files' },
    { name: 'raw', type: 'bool', default: false, help: 'Display raw byte data and sensitive data' },
    { name: 'flatten', type: 'bool', default: false, help: 'Flatten the resulting kubeconfig file into self-contained output (useful for creating portable kubeconfig files)' },
    { name: 'minify', type: 'bool', default: false, help: 'Remove all information not used by current-context from the output' },
  ],
  async run(ctx) {
    if (ctx.args.length > 0) throw new UsageError(`unexpected arguments: ${goList(ctx.args)}`);
    const access = configAccess(ctx);
    const merge = ctx.flags.has('merge') ? parseGoBool(ctx.flags.string('merge')) : !access.isExplicit();
    if (!merge && !access.isExplicit()) throw new CliError('if merge==false a precise file must be specified');
    const config = cloneConfig(merge ? access.startingConfig() : loadFiles([access.explicitPath ?? '']));
    if (ctx.flags.bool('minify')) {
      const context = ctx.flags.string('context');
      if (context) config.currentContext = context;
      minify(config);
    }
    if (ctx.flags.bool('flatten')) flatten(config);
    else if (!ctx.flags.bool('raw')) redact(config);
    const v1 = toV1(config);
    const output = ctx.flags.string('output');
    if (output === 'yaml') ctx.streams.stdout.write(toYaml(v1));
    else if (output === 'json') ctx.streams.stdout.write(`${goJson(v1, '    ')}\n`);
    else if (output === 'name') ctx.streams.stdout.write('config/<unknown>\n');
    else {
      const { formatObjects } = await import('../../printers/output.js');
      ctx.streams.stdout.write(formatObjects([v1], output, { single: true, template: ctx.flags.string('template'), allowMissingKeys: ctx.flags.bool('allow-missing-template-keys') }));
    }
  },
};
