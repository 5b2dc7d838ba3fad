/** `kubectl create ingress NAME --rule=host/path=svc:port[,tls[=secret]] … [--default-backend=svc:port] [--class=c] [--annotation=k=v]`. */
import { CliError } from '../../errors.js';
import type { Command } from '../../types.js';
import { generatorFlags, nameFromArgs } from './options.js';
import { createGenerated } from './run.js';

// kubectl's rule pattern; like Go's MatchString it only has to match a prefix of the rule.
const RULE_RE = /^([\w*\-.]*)(\/.*)=([\w-]+):([\w-]+)(,(tls)=?([\w-]+)?)?/;

/** `svc:80` or `svc:http` → an IngressBackend (port by number or by name). */
function backend(service: string): Record<string, unknown> {
  const [name = '', port = ''] = service.split(':');
  const isInt = /^[+-]?[0-9]+$/.test(port) && Math.abs(Number(port)) <= 2147483647;
  return { service: { name, port: isInt ? { number: Number(port) } : { name: port } } };
}

/** `path=svc:port` (after the host): a trailing `*` makes the path a Prefix match. */
function httpPath(pathSvc: string): Record<string, unknown> {
  const parts = pathSvc.split('=');
  let path = `/${parts[0] ?? ''}`;
  let pathType = 'Exact';
  if (path.endsWith('*')) {
    pathType = 'Prefix';
    path = path.slice(0, -1);
  }
  return { path, pathType, backend: backend(parts[1] ?? '') };
}

interface Rule {
  host?: string;
  http: { paths: Array<Record<string, unknown>> };
}

/** Rules grouped by host, in the order hosts first appear. */
export function ingressRules(rules: string[]): Rule[] {
  const out: Rule[] = [];
  for (const rule of rules) {
    const withoutTLS = rule.split(',')[0] ?? '';
    const slash = withoutTLS.indexOf('/');
    const host = withoutTLS.slice(0, slash);
    const path = httpPath(withoutTLS.slice(slash + 1));
    const existing = out.find((r) => (r.host ?? '') === host);
    if (existing) existing.http.paths.push(path);
    else out.push({ host: host || undefined, http: { paths: [path] } });
  }
  return out;
}

/** TLS entries: hosts sharing a secret share an entry; each host counts once. */
export function ingressTLS(rules: string[]): Array<{ hosts?: string[]; secretName?: string }> {
  const out: Array<{ hosts?: string[]; secretName?: string }> = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const parts = rule.split(',');
    if (parts.length !== 2) continue;
    const host = rule.split('/')[0] ?? '';
    const secret = (parts[1] ?? '').split('=')[1] ?? '';
    if (seen.has(host)) continue;
    const same = out.find((t) => (t.secretName ?? '') === secret);
    if (same) {
      (same.hosts ??= []).push(host);
    } else if (host !== '' || secret !== '') {
      out.push({ hosts: host ? [host] : undefined, secretName: secret || undefined });
    }
    seen.add(host);
  }
  return out;
}

export const ingress: Command = {
  name: 'ingress',
  aliases: ['ing'],
  short: 'Create an ingress with the specified name',
  long: 'Create an ingress with the specified name.',
  usage: 'kubectl create ingress NAME --rule=host/path=service:port[,tls[=secret]] ',
  examples: `  # Create a single ingress called 'simple' that directs requests to foo.com/bar to svc
  # svc1:8080 with a TLS secret "my-cert"
  kubectl create ingress simple --rule="foo.com/bar=svc1:8080,tls=my-cert"

  # Create a catch all ingress of "/path" pointing to service svc:port and Ingress Class as "otheringress"
  kubectl create ingress catch-all --class=otheringress --rule="/path=svc:port"`,
  flags: generatorFlags([
    { name: 'class', type: 'string', default: '', help: 'Ingress Class to be used' },
    { name: 'rule', type: 'stringArray', default: [], help: "Rule in format host/path=service:port[,tls=secretname]. Paths containing the leading character '*' are considered pathType=Prefix. tls argument is optional." },
    { name: 'default-backend', type: 'string', default: '', help: 'Default service for backend, in format of svcname:port' },
    { name: 'annotation', type: 'stringArray', default: [], help: 'Annotation to insert in the ingress object, in the format annotation=value' },
  ]),
  async run(ctx) {
    const name = nameFromArgs(ctx);
    const rules = ctx.flags.strings('rule');
    const defaultBackend = ctx.flags.string('default-backend');
    const annotationArgs = ctx.flags.strings('annotation');
    if (defaultBackend === '' && rules.length === 0) {
      throw new CliError('not enough information provided: every ingress has to either specify a default-backend (which catches all traffic) or a list of rules (which catch specific paths)');
    }
    for (const rule of rules) if (!RULE_RE.test(rule)) throw new CliError(`rule ${rule} is invalid and should be in format host/path=svcname:svcport[,tls[=secret]]`);
    const annotations: Record<string, string> = {};
    for (const a of annotationArgs) {
      const eq = a.indexOf('=');
      if (eq < 0) throw new CliError(`annotation ${a} is invalid and should be in format key=[value]`);
      annotations[a.slice(0, eq)] = a.slice(eq + 1);
    }
    if (defaultBackend !== '' && defaultBackend.split(':').length !== 2) throw new CliError('default-backend should be in format servicename:serviceport');
    const keys = Object.keys(annotations).sort();
    const tls = ingressTLS(rules);
    const ruleList = ingressRules(rules);
    const obj = {
      kind: 'Ingress',
      apiVersion: 'networking.k8s.io/v1',
      metadata: { name, creationTimestamp: null, annotations: keys.length ? Object.fromEntries(keys.map((k) => [k, annotations[k] ?? ''])) : undefined },
      spec: {
        ingressClassName: ctx.flags.string('class') || undefined,
        defaultBackend: defaultBackend ? backend(defaultBackend) : undefined,
        tls: tls.length ? tls : undefined,
        rules: ruleList.length ? ruleList : undefined,
      },
      status: { loadBalancer: {} },
    };
    await createGenerated(ctx, obj, { group: 'networking.k8s.io', version: 'v1', resource: 'ingresses', namespaced: true, errorPrefix: 'failed to create ingress: ' });
  },
};
