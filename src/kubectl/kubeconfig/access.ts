/**
 * Which kubeconfig files are read and written, as client-go's clientcmd decides: `--kubeconfig`
 * alone, else every file in `$KUBECONFIG` (merged: the first file to name a cluster, user or
 * context wins, and the first to set current-context), else `~/.kube/config`. Files that do not
 * exist are skipped. A change is written back to the file that defined the changed entry; a new
 * entry goes to the first existing file of the list (or the last one when none exists yet).
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join, relative, resolve } from 'node:path';
import { CliError } from '../errors.js';
import { errorText } from '../../util/errors.js';
import { emptyConfig, normalizeFields, parseConfig, sameEntry, serializeConfig, type Entry, type KubeConfig, type Section } from './model.js';

const SECTIONS: Section[] = ['clusters', 'users', 'contexts'];

const isMissing = (e: unknown): boolean => (e as NodeJS.ErrnoException | undefined)?.code === 'ENOENT';

/** `~/.kube/config`, with `$HOME` taken from the given environment. */
export function homeKubeconfig(env: NodeJS.ProcessEnv): string {
  return join(env['HOME'] || homedir(), '.kube', 'config');
}

/** `$KUBECONFIG` as a list: split on `:`, empty entries and repeats dropped. */
export function envKubeconfigFiles(env: NodeJS.ProcessEnv): string[] {
  const value = env['KUBECONFIG'] ?? '';
  return [...new Set(value.split(':').filter((p) => p !== ''))];
}

/** Reads one file, or undefined when it does not exist. Other failures throw clientcmd's message. */
export function readConfigFile(path: string): KubeConfig | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    if (isMissing(e)) return undefined;
    throw new CliError(`error loading config file "${path}": ${errorText(e)}`);
  }
  try {
    return parseConfig(text, path);
  } catch (e) {
    throw new CliError(`error loading config file "${path}": ${errorText(e)}`);
  }
}

/** Merges configs in precedence order: for every map key and every scalar, the first file to set it wins. */
export function mergeConfigs(configs: KubeConfig[]): KubeConfig {
  const out = emptyConfig();
  for (const c of configs) {
    for (const s of SECTIONS) for (const [name, entry] of c[s]) if (!out[s].has(name)) out[s].set(name, entry);
    if (!out.currentContext) out.currentContext = c.currentContext;
    if (out.preferences['colors'] === undefined && c.preferences['colors'] !== undefined) out.preferences['colors'] = c.preferences['colors'];
    const seen = new Set(out.extensions.map((e) => e['name']));
    out.extensions.push(...c.extensions.filter((e) => !seen.has(e['name'])));
  }
  return out;
}

/** Loads and merges the files that exist among `files` (in order). */
export function loadFiles(files: string[]): KubeConfig {
  return mergeConfigs(files.map(readConfigFile).filter((c): c is KubeConfig => c !== undefined));
}

/** The paths of an entry that name files, which clientcmd resolves against the kubeconfig's directory. */
export function filePathFields(section: Section, fields: Record<string, unknown>): string[] {
  if (section === 'clusters') return ['certificate-authority'];
  if (section !== 'users') return [];
  const names = ['client-certificate', 'client-key', 'tokenFile'];
  const exec = fields['exec'] as { command?: string } | undefined;
  // An exec command is a path only when it has a slash; otherwise it is looked up in $PATH.
  if (exec?.command?.includes('/')) names.push('exec.command');
  return names;
}

/** Reads or sets a possibly nested (`exec.command`) string field. */
function pathField(fields: Record<string, unknown>, name: string, value?: string): string {
  const [head = '', sub] = name.split('.');
  const holder = sub ? (fields[head] as Record<string, unknown> | undefined) : fields;
  const key = sub ?? head;
  if (!holder) return '';
  if (value !== undefined) holder[key] = value;
  return typeof holder[key] === 'string' ? holder[key] : '';
}

/** Makes the entry's relative file paths absolute against the directory of the file it came from. */
export function resolveEntryPaths(section: Section, entry: Entry): void {
  if (!entry.origin) return;
  const base = dirname(resolve(entry.origin));
  for (const name of filePathFields(section, entry.fields)) {
    const p = pathField(entry.fields, name);
    if (p && !isAbsolute(p)) pathField(entry.fields, name, join(base, p));
  }
}

/** The reverse, before writing: paths under the file's directory become relative to it; others stay absolute. */
function relativizeEntryPaths(section: Section, entry: Entry): void {
  const base = dirname(resolve(entry.origin));
  for (const name of filePathFields(section, entry.fields)) {
    const p = pathField(entry.fields, name);
    if (!p) continue;
    const abs = isAbsolute(p) ? p : join(base, p);
    const rel = relative(base, abs) || '.';
    pathField(entry.fields, name, rel.startsWith('../') ? abs : rel);
  }
}

/** Writes a config file as clientcmd.WriteToFile does (parent directories made, new files mode 0600). */
export function writeConfigFile(config: KubeConfig, path: string): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o755 });
  writeFileSync(path, serializeConfig(config), { mode: 0o600 });
}

/** One file's config for rewriting: an absent file is an empty config. */
function fileConfig(path: string): KubeConfig {
  return readConfigFile(path) ?? emptyConfig();
}

/** The kubeconfig files `kubectl config` reads and writes (clientcmd's PathOptions). */
export class ConfigAccess {
  constructor(
    /** `--kubeconfig`, when given. */
    readonly explicitPath: string | undefined,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  isExplicit(): boolean {
    return !!this.explicitPath;
  }

  /** The files read, in precedence order. */
  precedence(): string[] {
    if (this.explicitPath) return [this.explicitPath];
    const files = envKubeconfigFiles(this.env);
    return files.length > 0 ? files : [homeKubeconfig(this.env)];
  }

  /** Where new entries go: the explicit file, else the first existing `$KUBECONFIG` file (the last when none exists), else `~/.kube/config`. */
  defaultFilename(): string {
    if (this.explicitPath) return this.explicitPath;
    const files = envKubeconfigFiles(this.env);
    if (files.length === 0) return homeKubeconfig(this.env);
    if (files.length === 1) return files[0] ?? '';
    for (const f of files) {
      try {
        readFileSync(f);
        return f;
      } catch {
        // try the next one
      }
    }
    return files[files.length - 1] ?? '';
  }

  /** The merged config as written (paths not resolved); no files at all is an empty config. */
  startingConfig(): KubeConfig {
    return loadFiles(this.precedence());
  }

  /**
   * Writes `next` back (clientcmd.ModifyConfig): only what differs from the files' current merged
   * state is written, each entry to the file it came from. `relativize` rewrites file paths relative
   * to the file they are written to, as the set-cluster and set-credentials verbs do.
   */
  modify(next: KubeConfig, relativize: boolean): void {
    const start = this.startingConfig();
    if (start.currentContext !== next.currentContext) this.#writeCurrentContext(next.currentContext);
    if (JSON.stringify(start.preferences) !== JSON.stringify(next.preferences)) this.#writePreferences(next.preferences);
    for (const section of SECTIONS) {
      const batch = new Map<string, KubeConfig>();
      for (const [name, entry] of next[section]) {
        const before = start[section].get(name);
        if (before && sameEntry(before, entry)) continue;
        const dest = entry.origin || this.defaultFilename();
        const target = batch.get(dest) ?? fileConfig(dest);
        batch.set(dest, target);
        const written: Entry = { fields: normalizeFields(section, structuredClone(entry.fields)), origin: dest };
        // Contexts hold no paths; clientcmd relativizes only clusters and users.
        if (relativize && section !== 'contexts') relativizeEntryPaths(section, written);
        target[section].set(name, written);
      }
      for (const [name, entry] of start[section]) {
        if (next[section].has(name)) continue;
        const dest = entry.origin || this.defaultFilename();
        const target = batch.get(dest) ?? fileConfig(dest);
        batch.set(dest, target);
        target[section].delete(name);
      }
      for (const [dest, config] of batch) writeConfigFile(config, dest);
    }
  }

  #writeCurrentContext(name: string): void {
    if (this.explicitPath) {
      const c = fileConfig(this.explicitPath);
      c.currentContext = name;
      writeConfigFile(c, this.explicitPath);
      return;
    }
    if (name) {
      const dest = this.defaultFilename();
      const c = fileConfig(dest);
      c.currentContext = name;
      writeConfigFile(c, dest);
      return;
    }
    // Unsetting: clear it in the first file that sets it.
    for (const f of this.precedence()) {
      const c = readConfigFile(f);
      if (c?.currentContext) {
        c.currentContext = '';
        writeConfigFile(c, f);
        return;
      }
    }
    throw new CliError('no config found to write context');
  }

  #writePreferences(prefs: Record<string, unknown>): void {
    const files = this.explicitPath ? [this.explicitPath] : this.precedence();
    for (const f of files) {
      const c = fileConfig(f);
      if (JSON.stringify(c.preferences) === JSON.stringify(prefs)) continue;
      c.preferences = structuredClone(prefs);
      writeConfigFile(c, f);
      return;
    }
    throw new CliError('no config found to write preferences');
  }
}
