/**
 * The kubeconfig file format as client-go's clientcmd reads and writes it: a file parses into a
 * {@link KubeConfig} (clusters, users and contexts keyed by name, each remembering the file it came
 * from), and a KubeConfig prints back as clientcmd's `v1.Config` would: named lists sorted by name,
 * only the fields the v1 types know, zero values left out where Go's `omitempty` leaves them out,
 * `null` for an empty list, keys sorted in YAML. Unknown fields are dropped, as Go's decoder drops them.
 */
import { parse as parseYaml } from 'yaml';
import { toYaml } from '../printers/yaml.js';

type Obj = Record<string, unknown>;

/** How one v1 field is read and written (which Go type and whether it is `omitempty`). */
type FieldKind =
  | 'string' // string, omitempty
  | 'stringKeep' // string without omitempty: always printed, `""` when unset
  | 'bool' // bool, omitempty
  | 'bytes' // []byte: base64 text, omitempty
  | 'strings' // []string, omitempty
  | 'stringsMap' // map[string][]string, omitempty
  | 'extensions' // []NamedExtension, omitempty
  | 'authProvider'
  | 'exec';

/** Field order is the v1 struct's (JSON output keeps it; YAML sorts keys). */
export const CLUSTER_FIELDS: ReadonlyArray<readonly [string, FieldKind]> = [
  ['server', 'stringKeep'],
  ['tls-server-name', 'string'],
  ['insecure-skip-tls-verify', 'bool'],
  ['certificate-authority', 'string'],
  ['certificate-authority-data', 'bytes'],
  ['proxy-url', 'string'],
  ['disable-compression', 'bool'],
  ['extensions', 'extensions'],
];

export const USER_FIELDS: ReadonlyArray<readonly [string, FieldKind]> = [
  ['client-certificate', 'string'],
  ['client-certificate-data', 'bytes'],
  ['client-key', 'string'],
  ['client-key-data', 'bytes'],
  ['token', 'string'],
  ['tokenFile', 'string'],
  ['as', 'string'],
  ['as-uid', 'string'],
  ['as-groups', 'strings'],
  ['as-user-extra', 'stringsMap'],
  ['username', 'string'],
  ['password', 'string'],
  ['auth-provider', 'authProvider'],
  ['exec', 'exec'],
  ['extensions', 'extensions'],
];

export const CONTEXT_FIELDS: ReadonlyArray<readonly [string, FieldKind]> = [
  ['cluster', 'stringKeep'],
  ['user', 'stringKeep'],
  ['namespace', 'string'],
  ['extensions', 'extensions'],
];

/** One cluster, user or context: its v1 fields (normalized) and the file that defined it ('' when new). */
export interface Entry {
  fields: Obj;
  origin: string;
}

/** The three named sections of a kubeconfig, by their v1 list names. */
export type Section = 'clusters' | 'users' | 'contexts';

/** clientcmd's internal `api.Config`: maps by name, each entry knowing its file. */
export interface KubeConfig {
  preferences: Obj;
  clusters: Map<string, Entry>;
  users: Map<string, Entry>;
  contexts: Map<string, Entry>;
  currentContext: string;
  /** Top-level named extensions, kept as written. */
  extensions: Obj[];
}

export const SECTION_FIELDS: Record<Section, ReadonlyArray<readonly [string, FieldKind]>> = {
  clusters: CLUSTER_FIELDS,
  users: USER_FIELDS,
  contexts: CONTEXT_FIELDS,
};

/** The v1 key that holds an entry's fields inside its named item (`- name: x\n  cluster: {…}`). */
export const ITEM_KEY: Record<Section, string> = { clusters: 'cluster', users: 'user', contexts: 'context' };

export const emptyConfig = (): KubeConfig => ({
  preferences: {},
  clusters: new Map(),
  users: new Map(),
  contexts: new Map(),
  currentContext: '',
  extensions: [],
});

const asObj = (v: unknown): Obj => (v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : {});
const asArr = (v: unknown): unknown[] => (Array.isArray(v) ? v : []);
/** A scalar as Go would see a string field (YAML may have typed `server: 8080` as a number). */
const asStr = (v: unknown): string => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : '');

/** Base64 as Go's encoding/json writes a []byte (canonical padding, no line breaks). */
const canonicalBase64 = (text: string): string => Buffer.from(text, 'base64').toString('base64');

function namedExtensions(v: unknown): Obj[] {
  return asArr(v)
    .map(asObj)
    .map((e) => ({ name: asStr(e['name']), extension: e['extension'] ?? null }))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

function execConfig(v: unknown): Obj {
  const e = asObj(v);
  const apiVersion = asStr(e['apiVersion']);
  const interactiveMode = asStr(e['interactiveMode']);
  const out: Obj = {
    command: asStr(e['command']),
    args: Array.isArray(e['args']) ? e['args'].map(asStr) : null,
    env: Array.isArray(e['env']) ? e['env'].map(asObj).map((x) => ({ name: asStr(x['name']), value: asStr(x['value']) })) : null,
  };
  if (apiVersion) out['apiVersion'] = apiVersion;
  if (asStr(e['installHint'])) out['installHint'] = asStr(e['installHint']);
  out['provideClusterInfo'] = e['provideClusterInfo'] === true;
  if (interactiveMode) out['interactiveMode'] = interactiveMode;
  return out;
}

/**
 * v1 decoding defaults (SetDefaults_ExecConfig): the beta and alpha exec APIs mean "interactive
 * when a terminal is there". Applied when a file is read, not when an entry is made in memory.
 */
function defaultExec(exec: Obj | undefined): void {
  if (!exec || exec['interactiveMode']) return;
  const v = exec['apiVersion'];
  if (v === 'client.authentication.k8s.io/v1beta1' || v === 'client.authentication.k8s.io/v1alpha1') exec['interactiveMode'] = 'IfAvailable';
}

/** Keeps the fields the v1 type knows, in struct order, with Go's zero-value omissions. */
export function normalizeFields(section: Section, raw: Obj): Obj {
  const out: Obj = {};
  for (const [name, kind] of SECTION_FIELDS[section]) {
    const v = raw[name];
    switch (kind) {
      case 'stringKeep':
        out[name] = asStr(v);
        break;
      case 'string':
        if (asStr(v) !== '') out[name] = asStr(v);
        break;
      case 'bool':
        if (v === true) out[name] = true;
        break;
      case 'bytes':
        if (typeof v === 'string' && v !== '' && canonicalBase64(v) !== '') out[name] = canonicalBase64(v);
        break;
      case 'strings':
        if (asArr(v).length > 0) out[name] = asArr(v).map(asStr);
        break;
      case 'stringsMap': {
        const m = Object.entries(asObj(v)).map(([k, x]) => [k, asArr(x).map(asStr)] as const);
        if (m.length > 0) out[name] = Object.fromEntries(m);
        break;
      }
      case 'extensions':
        if (asArr(v).length > 0) out[name] = namedExtensions(v);
        break;
      case 'authProvider':
        if (v !== null && typeof v === 'object') {
          const p = asObj(v);
          const config = p['config'] !== null && typeof p['config'] === 'object' ? Object.fromEntries(Object.entries(asObj(p['config'])).map(([k, x]) => [k, asStr(x)])) : null;
          out[name] = { name: asStr(p['name']), config };
        }
        break;
      case 'exec':
        if (v !== null && typeof v === 'object') out[name] = execConfig(v);
        break;
    }
  }
  return out;
}

function normalizePreferences(raw: Obj): Obj {
  const out: Obj = {};
  if (raw['colors'] === true) out['colors'] = true;
  if (asArr(raw['extensions']).length > 0) out['extensions'] = namedExtensions(raw['extensions']);
  return out;
}

/**
 * Parses kubeconfig text (YAML or JSON) into a KubeConfig whose entries remember `origin`.
 * Empty text is an empty config, as clientcmd.Load treats it. Throws on malformed text.
 */
export function parseConfig(text: string, origin: string): KubeConfig {
  const config = emptyConfig();
  if (text.trim() === '') return config;
  const doc = asObj(parseYaml(text) as unknown);
  config.currentContext = asStr(doc['current-context']);
  config.preferences = normalizePreferences(asObj(doc['preferences']));
  config.extensions = namedExtensions(doc['extensions']);
  for (const section of ['clusters', 'users', 'contexts'] as const) {
    for (const item of asArr(doc[section]).map(asObj)) {
      const name = asStr(item['name']);
      // clientcmd rejects a duplicate name outright; keeping the first is the gentler reading.
      if (config[section].has(name)) continue;
      const fields = normalizeFields(section, asObj(item[ITEM_KEY[section]]));
      defaultExec(fields['exec'] as Obj | undefined);
      config[section].set(name, { fields, origin });
    }
  }
  return config;
}

/** A deep copy (entries are values: changing a copy never changes the original). */
export function cloneConfig(c: KubeConfig): KubeConfig {
  const copy = (m: Map<string, Entry>) => new Map([...m].map(([k, e]) => [k, { fields: structuredClone(e.fields), origin: e.origin }]));
  return {
    preferences: structuredClone(c.preferences),
    clusters: copy(c.clusters),
    users: copy(c.users),
    contexts: copy(c.contexts),
    currentContext: c.currentContext,
    extensions: structuredClone(c.extensions),
  };
}

/** True when two entries are the same, origin included (reflect.DeepEqual on the internal type). */
export function sameEntry(a: Entry | undefined, b: Entry | undefined): boolean {
  if (!a || !b) return a === b;
  return a.origin === b.origin && JSON.stringify(a.fields) === JSON.stringify(b.fields);
}

const byName = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

function namedList(section: Section, m: Map<string, Entry>): Obj[] | null {
  if (m.size === 0) return null;
  return [...m.keys()].sort(byName).map((name) => ({ name, [ITEM_KEY[section]]: m.get(name)?.fields ?? {} }));
}

/** The v1 `Config` object clientcmd prints, in Go struct field order. */
export function toV1(c: KubeConfig): Obj {
  const out: Obj = {
    kind: 'Config',
    apiVersion: 'v1',
    preferences: c.preferences,
    clusters: namedList('clusters', c.clusters),
    users: namedList('users', c.users),
    contexts: namedList('contexts', c.contexts),
    'current-context': c.currentContext,
  };
  if (c.extensions.length > 0) out['extensions'] = c.extensions;
  return out;
}

/** YAML as clientcmd and kubectl write it (sigs.k8s.io/yaml over go-yaml v2). */
export { toYaml };

/** The file text clientcmd writes for this config. */
export function serializeConfig(c: KubeConfig): string {
  return toYaml(toV1(c));
}
