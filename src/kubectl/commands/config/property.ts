/**
 * `kubectl config set` and `unset`: a dotted PROPERTY_NAME walks clientcmd's internal Config type
 * (`clusters.NAME.server`, `contexts.NAME.namespace`, `current-context`, `preferences.colors`),
 * where a map key runs up to the next part that names a field of the entry type, so keys may hold
 * dots (`clusters.my.cluster.server`). Wording of the errors follows kubectl's.
 */
import { CliError } from '../../errors.js';
import { cloneConfig, type KubeConfig, type Section } from '../../kubeconfig/model.js';
import type { Command, CommandContext } from '../../types.js';
import { configAccess, parseGoBool, unexpectedArgs } from './shared.js';

/** The Go type of a field of the internal config types, as `%v` prints it. */
type FieldType = 'string' | 'bool' | '[]uint8' | '[]string' | 'map[string][]string' | 'map[string]runtime.Object' | 'api.Preferences' | 'map[string]*api.Cluster' | 'map[string]*api.AuthInfo' | 'map[string]*api.Context' | '*api.AuthProviderConfig' | '*api.ExecConfig';

const STRUCTS: Record<string, Record<string, FieldType>> = {
  'api.Config': { kind: 'string', apiVersion: 'string', preferences: 'api.Preferences', clusters: 'map[string]*api.Cluster', users: 'map[string]*api.AuthInfo', contexts: 'map[string]*api.Context', 'current-context': 'string', extensions: 'map[string]runtime.Object' },
  'api.Preferences': { colors: 'bool', extensions: 'map[string]runtime.Object' },
  'api.Cluster': { '-': 'string', server: 'string', 'tls-server-name': 'string', 'insecure-skip-tls-verify': 'bool', 'certificate-authority': 'string', 'certificate-authority-data': '[]uint8', 'proxy-url': 'string', 'disable-compression': 'bool', extensions: 'map[string]runtime.Object' },
  'api.AuthInfo': { '-': 'string', 'client-certificate': 'string', 'client-certificate-data': '[]uint8', 'client-key': 'string', 'client-key-data': '[]uint8', token: 'string', tokenFile: 'string', 'act-as': 'string', 'act-as-uid': 'string', 'act-as-groups': '[]string', 'act-as-user-extra': 'map[string][]string', username: 'string', password: 'string', 'auth-provider': '*api.AuthProviderConfig', exec: '*api.ExecConfig', extensions: 'map[string]runtime.Object' },
  'api.Context': { '-': 'string', cluster: 'string', user: 'string', namespace: 'string', extensions: 'map[string]runtime.Object' },
};

const SECTION_OF: Record<string, Section> = { clusters: 'clusters', users: 'users', contexts: 'contexts' };

/** The internal field names that differ from the v1 file's. */
const V1_NAME: Record<string, string> = { 'act-as': 'as', 'act-as-uid': 'as-uid', 'act-as-groups': 'as-groups', 'act-as-user-extra': 'as-user-extra' };

interface Step {
  value: string;
  type: string;
}

const fmtSteps = (steps: Step[]) => `[${steps.map((s) => `{${s.value} ${s.type}}`).join(' ')}]`;

/** Splits PROPERTY_NAME into steps as kubectl's navigation parser does. */
export function navigationSteps(path: string): Step[] {
  const parts = path.split('.');
  const steps: Step[] = [];
  let type: string = 'api.Config';
  for (let i = 0; i < parts.length; ) {
    const map = /^map\[string\]\*?(.+)$/.exec(type);
    if (map) {
      const valueType = map[1] ?? '';
      const fields = STRUCTS[valueType];
      if (!fields) throw new CliError(`${valueType} is not of type struct`);
      // The key runs up to the first later part that names a field of the value type.
      const rest = parts.slice(i);
      const known = rest.slice(1).findIndex((p) => p in fields);
      const key = (known < 0 ? rest : rest.slice(0, known + 1)).join('.');
      steps.push({ value: key, type: `*${valueType}` });
      i += key.split('.').length;
      type = valueType;
    } else if (STRUCTS[type]) {
      const part = parts[i] ?? '';
      const fieldType = STRUCTS[type]?.[part];
      if (!fieldType) throw new CliError(`unable to parse ${path} after ${fmtSteps(steps)} at ${type}`);
      steps.push({ value: part, type: fieldType });
      i++;
      type = fieldType;
    } else {
      throw new CliError(`unable to parse one or more field values of ${path}`);
    }
  }
  return steps;
}

function decodeBase64(text: string): string {
  const bad = /[^A-Za-z0-9+/=\r\n]/.exec(text);
  const unpadded = text.replace(/[\r\n]/g, '');
  const padAt = unpadded.indexOf('=');
  const badAt = bad ? bad.index : unpadded.length % 4 !== 0 ? unpadded.length - (unpadded.length % 4) : padAt >= 0 && /[^=]/.test(unpadded.slice(padAt)) ? padAt : -1;
  if (badAt >= 0) throw new CliError(`error decoding input value: illegal base64 data at input byte ${badAt}`);
  return Buffer.from(unpadded, 'base64').toString('base64');
}

/** Applies one set or unset to `config` (kubectl's modifyConfig). */
export function modifyProperty(config: KubeConfig, steps: Step[], value: string, unset: boolean, rawBytes: boolean): void {
  const [top, key, field, ...more] = steps;
  const canNotSetMap = (names: Iterable<string>) => new CliError(`can't set a map to a value: map[${[...names].sort().join(' ')}]`);
  if (!top) throw new CliError('you must specify a property');
  if (top.value === 'current-context') {
    config.currentContext = unset ? '' : value;
    return;
  }
  if (top.value === 'kind' || top.value === 'apiVersion') return; // not kept: files always say v1 Config
  if (top.value === 'preferences') {
    if (!key) {
      if (!unset) throw new CliError(`unable to locate path {  } under {false map[]}`);
      config.preferences = {};
    } else if (key.value === 'colors') {
      if (unset || !parseGoBool(value)) delete config.preferences['colors'];
      else config.preferences['colors'] = true;
    } else if (unset) delete config.preferences['extensions'];
    else throw canNotSetMap([]);
    return;
  }
  const section = SECTION_OF[top.value];
  if (!section) {
    if (unset) return; // top-level extensions: nothing of ours to clear
    throw canNotSetMap([]);
  }
  const entries = config[section];
  if (!key) {
    if (!unset) throw canNotSetMap(entries.keys());
    entries.clear();
    return;
  }
  if (!field) {
    if (!unset) throw canNotSetMap(entries.keys());
    entries.delete(key.value);
    return;
  }
  let entry = entries.get(key.value);
  if (!entry) {
    if (unset) throw new CliError(`current map key \`${key.value}\` is invalid`);
    entry = { fields: section === 'clusters' ? { server: '' } : section === 'contexts' ? { cluster: '', user: '' } : {}, origin: '' };
    entries.set(key.value, entry);
  }
  const name = V1_NAME[field.value] ?? field.value;
  if (more.length > 0) throw new CliError(`can't have more steps after a ${field.type}. ${fmtSteps(more)}`);
  if (unset) {
    if (name === '-') return;
    if (name === 'server' || (section === 'contexts' && (name === 'cluster' || name === 'user'))) entry.fields[name] = '';
    else delete entry.fields[name];
    return;
  }
  switch (field.type) {
    case 'string':
      if (name !== '-') entry.fields[name] = value;
      return;
    case 'bool':
      if (parseGoBool(value)) entry.fields[name] = true;
      else delete entry.fields[name];
      return;
    case '[]uint8': {
      const data = rawBytes ? Buffer.from(value).toString('base64') : decodeBase64(value);
      if (data) entry.fields[name] = data;
      else delete entry.fields[name];
      return;
    }
    case '[]string':
      throw new CliError('unrecognized slice type. string');
    default:
      throw new CliError(field.type.startsWith('map') ? `can't set a map to a value: map[]` : `unrecognized type: ${field.type}`);
  }
}

function run(ctx: CommandContext, unset: boolean): Promise<void> {
  const want = unset ? 1 : 2;
  if (ctx.args.length !== want) throw unexpectedArgs(ctx.args);
  const [property = '', value = ''] = ctx.args;
  if (!unset && value === '') throw new CliError('you cannot use set to unset a property');
  if (property === '') throw new CliError('you must specify a property');
  const access = configAccess(ctx);
  const config = cloneConfig(access.startingConfig());
  const rawBytes = ctx.flags.has('set-raw-bytes') && parseGoBool(ctx.flags.string('set-raw-bytes') || 'false');
  modifyProperty(config, navigationSteps(property), value, unset, rawBytes);
  access.modify(config, false);
  ctx.streams.stdout.write(`Property "${property}" ${unset ? 'unset' : 'set'}.\n`);
  return Promise.resolve();
}

export const setProperty: Command = {
  name: 'set',
  short: 'Set an individual value in a kubeconfig file',
  long: "Set an individual value in a kubeconfig file.\n\n PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.\n\n PROPERTY_VALUE is the new value you want to set. Binary fields such as 'certificate-authority-data' expect a base64 encoded string unless the --set-raw-bytes flag is used.\n\n Specifying an attribute name that already exists will merge new fields on top of existing values.",
  usage: 'kubectl config set PROPERTY_NAME PROPERTY_VALUE',
  examples: '  # Set the server field on the my-cluster cluster to https://1.2.3.4\n  kubectl config set clusters.my-cluster.server https://1.2.3.4',
  flags: [{ name: 'set-raw-bytes', type: 'string', default: 'false', noOptDefault: 'true', help: 'When writing a []byte PROPERTY_VALUE, write the given string directly without base64 decoding.' }],
  run: (ctx) => run(ctx, false),
};

export const unsetProperty: Command = {
  name: 'unset',
  short: 'Unset an individual value in a kubeconfig file',
  long: 'Unset an individual value in a kubeconfig file.\n\n PROPERTY_NAME is a dot delimited name where each token represents either an attribute name or a map key.  Map keys may not contain dots.',
  usage: 'kubectl config unset PROPERTY_NAME',
  examples: '  # Unset the current-context\n  kubectl config unset current-context\n  \n  # Unset namespace in foo context\n  kubectl config unset contexts.foo.namespace',
  run: (ctx) => run(ctx, true),
};
