/**
 * What fits at the cursor of a kubectl command line: verbs and subcommands (from the registry and
 * each Command's `subcommands`), flags (the command's and the global ones), flag values
 * (namespaces, kubeconfig contexts, clusters, users, output formats), resource types (as
 * `api-resources -o name` prints them) and resource names (as `get TYPE -o name` lists them).
 */
import { resourcePath } from '../../../client/paths.js';
import { selectResources } from '../api-resources.js';
import { ConfigAccess } from '../../kubeconfig.js';
import { globalFlags } from '../../flags.js';
import { verbs } from '../../registry.js';
import type { Command, Factory, FlagSpec, ResourceMapping } from '../../types.js';

/** cobra's ShellCompDirective bits. */
export const Directive = { error: 1, noSpace: 2, noFileComp: 4 } as const;

/** Candidates and how the shell should treat them. */
export interface Completion {
  candidates: string[];
  directive: number;
}

/** Where resource listings come from (a Factory, or a fake in tests). */
export interface CompletionSource {
  /** The factory for the global flags found among the words. */
  factory(globals: Map<string, string>): Factory;
  env: NodeJS.ProcessEnv;
}

const OUTPUTS = ['json', 'yaml', 'name', 'wide', 'go-template=', 'go-template-file=', 'template=', 'templatefile=', 'jsonpath=', 'jsonpath-as-json=', 'jsonpath-file=', 'custom-columns=', 'custom-columns-file='];

/** Verbs whose arguments are TYPE [NAME…] or TYPE/NAME. */
const TYPE_AND_NAME = new Set(['get', 'describe', 'delete', 'edit', 'label', 'annotate', 'patch', 'scale', 'autoscale', 'expose', 'wait', 'rollout', 'set', 'taint']);
/** Verbs (and subcommands) whose first argument is a pod or a TYPE/NAME. */
const POD_NAME = new Set(['logs', 'exec', 'attach', 'port-forward', 'cp']);
const NODE_NAME = new Set(['cordon', 'uncordon', 'drain']);
const ROLLOUT_TYPES = ['deployments', 'daemonsets', 'statefulsets'];

/** A command line scanned up to the cursor: which command it names, its positionals, the flags set. */
interface Scan {
  path: string[];
  cmd?: Command;
  positionals: string[];
  globals: Map<string, string>;
  /** The flag whose value is being typed at the cursor, if any. */
  pendingFlag?: FlagSpec;
  afterDashDash: boolean;
}

const takesValue = (f: FlagSpec) => f.type !== 'bool' && f.noOptDefault === undefined;

function findFlag(cmd: Command | undefined, name: string, short = false): FlagSpec | undefined {
  const pick = (f: FlagSpec) => (short ? f.short === name : f.name === name);
  return (cmd?.flags ?? []).find(pick) ?? globalFlags.find(pick);
}

async function scan(words: string[]): Promise<Scan> {
  const s: Scan = { path: [], positionals: [], globals: new Map(), afterDashDash: false };
  const isGlobal = (f: FlagSpec) => globalFlags.includes(f) && !(s.cmd?.flags ?? []).some((x) => x.name === f.name);
  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (s.afterDashDash) {
      s.positionals.push(w);
      continue;
    }
    if (w === '--') {
      s.afterDashDash = true;
      continue;
    }
    let spec: FlagSpec | undefined;
    let value: string | undefined;
    if (w.startsWith('--')) {
      const eq = w.indexOf('=');
      spec = findFlag(s.cmd, eq < 0 ? w.slice(2) : w.slice(2, eq));
      if (eq >= 0) value = w.slice(eq + 1);
    } else if (w.startsWith('-') && w.length > 1) {
      spec = findFlag(s.cmd, w.slice(-1), true);
      if (w.length > 2 && spec && takesValue(spec)) {
        // -nkube-system: the value is glued on.
        spec = findFlag(s.cmd, w[1] ?? '', true);
        value = w.slice(2);
      }
    } else {
      await addPositional(s, w);
      continue;
    }
    if (!spec) continue;
    if (value === undefined && takesValue(spec)) {
      if (i + 1 >= words.length) {
        s.pendingFlag = spec;
        break;
      }
      value = words[++i] ?? '';
    }
    if (isGlobal(spec) && value !== undefined) s.globals.set(spec.name, value);
  }
  return s;
}

async function addPositional(s: Scan, w: string): Promise<void> {
  if (!s.cmd) {
    const entry = verbs[w];
    if (entry) {
      // A verb that fails to load still names the command: complete without its own flags.
      s.cmd = await entry.load().catch((): Command => ({ name: w, short: '', usage: '' }));
      s.path.push(w);
      return;
    }
    s.positionals.push(w);
    return;
  }
  const sub = s.positionals.length === 0 ? s.cmd.subcommands?.find((c) => c.name === w || c.aliases?.includes(w)) : undefined;
  if (sub) {
    s.cmd = sub;
    s.path.push(sub.name);
    return;
  }
  s.positionals.push(w);
}

function kubeconfigNames(src: CompletionSource, globals: Map<string, string>, section: 'contexts' | 'clusters' | 'users'): string[] {
  try {
    return [...new ConfigAccess(globals.get('kubeconfig') || undefined, src.env).startingConfig()[section].keys()].sort();
  } catch {
    return [];
  }
}

const qualified = (m: ResourceMapping) => (m.group ? `${m.resource}.${m.group}` : m.resource);

/** Resource types as `api-resources -o name --verbs=get` prints them (kubectl completes with exactly that). */
async function resourceTypes(factory: Factory): Promise<string[]> {
  const mapper = await factory.mapper();
  return selectResources(mapper.all(), { verbs: ['get'], categories: [], sortBy: '' }).map(qualified);
}

/** Names of the objects of a type (in the namespace for namespaced types), sorted. */
async function resourceNames(factory: Factory, type: string): Promise<string[]> {
  const mapping = await (await factory.mapper()).resolve(type);
  const list = await factory.client().request<{ items?: Array<{ metadata?: { name?: string } }> }>({
    method: 'GET',
    path: resourcePath(mapping, { namespace: mapping.namespaced ? factory.namespace().namespace : undefined }),
  });
  return (list.items ?? []).map((i) => i.metadata?.name ?? '').filter((n) => n !== '');
}

async function flagValues(src: CompletionSource, s: Scan, flag: FlagSpec): Promise<Completion> {
  const none = { candidates: [], directive: Directive.noFileComp };
  switch (flag.name) {
    case 'namespace':
      return { candidates: await resourceNames(src.factory(s.globals), 'namespaces'), directive: Directive.noFileComp };
    case 'context':
      return { candidates: kubeconfigNames(src, s.globals, 'contexts'), directive: Directive.noFileComp };
    case 'cluster':
      return { candidates: kubeconfigNames(src, s.globals, 'clusters'), directive: Directive.noFileComp };
    case 'user':
      return { candidates: kubeconfigNames(src, s.globals, 'users'), directive: Directive.noFileComp };
    case 'output':
      return { candidates: OUTPUTS, directive: Directive.noFileComp };
    case 'kubeconfig':
    case 'filename':
    case 'certificate-authority':
    case 'client-certificate':
    case 'client-key':
      return { candidates: [], directive: 0 }; // files
    default:
      return none;
  }
}

/** The arguments that fit after this command (types, names, kubeconfig entries). */
async function argumentValues(src: CompletionSource, s: Scan, cur: string): Promise<string[]> {
  const [verb = '', sub = ''] = s.path;
  const n = s.positionals.length;
  const config = (section: 'contexts' | 'clusters' | 'users') => (n === 0 ? kubeconfigNames(src, s.globals, section) : []);
  if (verb === 'config') {
    if (['use-context', 'delete-context', 'rename-context', 'set-context'].includes(sub)) return config('contexts');
    if (['delete-cluster', 'set-cluster'].includes(sub)) return config('clusters');
    if (['delete-user', 'set-credentials'].includes(sub)) return config('users');
    return [];
  }
  const factory = () => src.factory(s.globals);
  if (verb === 'explain') return n === 0 ? resourceTypes(factory()) : [];
  if (NODE_NAME.has(verb) || (verb === 'top' && sub === 'node')) return resourceNames(factory(), 'nodes');
  if (verb === 'top' && sub === 'pod') return resourceNames(factory(), 'pods');
  if (POD_NAME.has(verb)) return n === 0 ? resourceNames(factory(), 'pods') : [];
  if (verb === 'taint') return n === 0 ? ['nodes'] : n === 1 ? resourceNames(factory(), 'nodes') : [];
  if (!TYPE_AND_NAME.has(verb)) return [];
  // TYPE/NAME at the cursor: names of that type, written the same way.
  const slash = cur.indexOf('/');
  if (slash > 0) {
    const type = cur.slice(0, slash);
    return (await resourceNames(factory(), type)).map((name) => `${type}/${name}`);
  }
  if (n === 0) return verb === 'rollout' ? ROLLOUT_TYPES : resourceTypes(factory());
  const type = s.positionals[0] ?? '';
  if (type.includes('/') || type.includes(',')) return [];
  const given = new Set(s.positionals.slice(1));
  return (await resourceNames(factory(), type)).filter((name) => !given.has(name));
}

/** Completes the word `cur` after `words` (the words typed before it, program name excluded). */
export async function complete(words: string[], cur: string, src: CompletionSource): Promise<Completion> {
  const s = await scan(words);
  const byPrefix = (c: Completion): Completion => ({ ...c, candidates: c.candidates.filter((x) => x.startsWith(cur)) });
  try {
    if (s.pendingFlag) return byPrefix(await flagValues(src, s, s.pendingFlag));
    if (cur.startsWith('-') && !s.afterDashDash) {
      const eq = cur.indexOf('=');
      if (cur.startsWith('--') && eq > 0) {
        const spec = findFlag(s.cmd, cur.slice(2, eq));
        if (!spec) return { candidates: [], directive: Directive.noFileComp };
        const values = await flagValues(src, s, spec);
        return byPrefix({ ...values, candidates: values.candidates.map((v) => `${cur.slice(0, eq + 1)}${v}`) });
      }
      const flags = [...(s.cmd?.flags ?? []), ...globalFlags].filter((f) => !f.hidden);
      const names = [...new Set(flags.map((f) => `--${f.name}`))];
      if (cur === '-') names.push(...flags.filter((f) => f.short).map((f) => `-${f.short ?? ''}`));
      return byPrefix({ candidates: names, directive: Directive.noFileComp });
    }
    if (!s.cmd) {
      if (s.positionals.length > 0) return { candidates: [], directive: Directive.noFileComp };
      return byPrefix({ candidates: [...Object.keys(verbs).filter((v) => !v.startsWith('_')), 'help'].sort(), directive: Directive.noFileComp });
    }
    if (s.cmd.subcommands?.length && s.path.length === 1 && s.positionals.length === 0) {
      return byPrefix({ candidates: s.cmd.subcommands.filter((c) => !c.hidden).map((c) => c.name).sort(), directive: Directive.noFileComp });
    }
    return byPrefix({ candidates: await argumentValues(src, s, cur), directive: Directive.noFileComp });
  } catch {
    // No server, no such type: nothing to offer, and no file names either.
    return { candidates: [], directive: Directive.noFileComp };
  }
}
