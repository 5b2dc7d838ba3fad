/**
 * Command-line flags the way kubectl (cobra + pflag) reads them: `--name=value`, `--name value`,
 * `-n value`, `-nvalue`, grouped bool shorthands (`-it`), flags anywhere among the positionals,
 * and `--` ending the flags (what follows is the command of `exec`, `run`, `create job`).
 */
import { join } from 'node:path';
import { UsageError } from './errors.js';
import type { FlagSpec, Flags } from './types.js';

/**
 * Flags every verb accepts (kubectl's persistent flags), in the order `kubectl options` lists them.
 * `--cache-dir`'s default depends on the environment: see {@link defaultCacheDir}.
 */
export const globalFlags: FlagSpec[] = [
  { name: 'as', type: 'string', help: 'Username to impersonate for the operation. User could be a regular user or a service account in a namespace.' },
  { name: 'as-group', type: 'stringArray', help: 'Group to impersonate for the operation, this flag can be repeated to specify multiple groups.' },
  { name: 'as-uid', type: 'string', help: 'UID to impersonate for the operation.' },
  { name: 'cache-dir', type: 'string', help: 'Default cache directory' },
  { name: 'certificate-authority', type: 'string', help: 'Path to a cert file for the certificate authority' },
  { name: 'client-certificate', type: 'string', help: 'Path to a client certificate file for TLS' },
  { name: 'client-key', type: 'string', help: 'Path to a client key file for TLS' },
  { name: 'cluster', type: 'string', help: 'The name of the kubeconfig cluster to use' },
  { name: 'context', type: 'string', help: 'The name of the kubeconfig context to use' },
  // We never ask for gzip, so responses are never compressed: accepted, nothing to turn off.
  { name: 'disable-compression', type: 'bool', help: 'If true, opt-out of response compression for all requests to the server' },
  { name: 'insecure-skip-tls-verify', type: 'bool', help: "If true, the server's certificate will not be checked for validity. This will make your HTTPS connections insecure" },
  { name: 'kubeconfig', type: 'string', help: 'Path to the kubeconfig file to use for CLI requests.' },
  // klog's: checked as kubectl checks it, otherwise without effect (we keep no log buffer to flush).
  { name: 'log-flush-frequency', type: 'duration', default: '5s', help: 'Maximum number of seconds between log flushes' },
  { name: 'match-server-version', type: 'bool', help: 'Require server version to match client version' },
  { name: 'namespace', short: 'n', type: 'string', help: 'If present, the namespace scope for this CLI request' },
  { name: 'password', type: 'string', help: 'Password for basic authentication to the API server' },
  { name: 'profile', type: 'string', default: 'none', help: 'Name of profile to capture. One of (none|cpu|heap|goroutine|threadcreate|block|mutex)' },
  { name: 'profile-output', type: 'string', default: 'profile.pprof', help: 'Name of the file to write the profile to' },
  { name: 'request-timeout', type: 'string', default: '0', help: 'The length of time to wait before giving up on a single server request. Non-zero values should contain a corresponding time unit (e.g. 1s, 2m, 3h). A value of zero means don\'t timeout requests.' },
  { name: 'server', short: 's', type: 'string', help: 'The address and port of the Kubernetes API server' },
  { name: 'tls-server-name', type: 'string', help: 'Server name to use for server certificate validation. If it is not provided, the hostname used to contact the server is used' },
  { name: 'token', type: 'string', help: 'Bearer token for authentication to the API server' },
  { name: 'user', type: 'string', help: 'The name of the kubeconfig user to use' },
  { name: 'username', type: 'string', help: 'Username for basic authentication to the API server' },
  { name: 'v', short: 'v', type: 'int', default: 0, help: 'number for the log level verbosity' },
  // klog's moduleSpec: printed bare (`--vmodule=`), checked, then ignored like --log-flush-frequency.
  { name: 'vmodule', type: 'strings', default: '', help: 'comma-separated list of pattern=N settings for file-filtered logging (only works for the default text log format)' },
  { name: 'warnings-as-errors', type: 'bool', help: 'Treat warnings received from the server as errors and exit with a non-zero exit code' },
  { name: 'help', short: 'h', type: 'bool', help: 'help for this command' },
];

/** The global flags `kubectl options` lists: all but `--help`, which is each command's own. */
export const optionFlags = (): FlagSpec[] => globalFlags.filter((f) => f.name !== 'help' && !f.hidden);

/** `--cache-dir`'s default, as kubectl computes it: `$KUBECACHEDIR`, else `$HOME/.kube/cache` (`.kube/cache` without a HOME). */
export function defaultCacheDir(env: NodeJS.ProcessEnv): string {
  return env['KUBECACHEDIR'] || join(env['HOME'] ?? '', '.kube', 'cache');
}

/** A flag pflag cannot parse: kubectl adds `See '<command> --help' for usage.` (not the usage-error hint). */
export class FlagError extends UsageError {}

/** How pflag names a flag in its errors: `--output`, or `-v, --v` when it has a shorthand. */
const flagName = (spec: FlagSpec): string => (spec.short ? `-${spec.short}, --${spec.name}` : `--${spec.name}`);

/** klog's checks of its own flags' values, run as pflag sets them (their wording is klog's). */
const GLOBAL_CHECKS: Record<string, (raw: string) => string | undefined> = {
  v: (raw) => (/^[+-]?\d+$/.test(raw) ? undefined : `strconv.ParseInt: parsing ${JSON.stringify(raw)}: invalid syntax`),
  'log-flush-frequency': (raw) => (isGoDuration(raw) ? undefined : 'parse error'),
  vmodule: (raw) => {
    for (const pat of raw.split(',')) {
      if (pat === '') continue;
      const parts = pat.split('=');
      if (parts.length !== 2 || parts[0] === '' || parts[1] === '' || !/^[+-]?\d+$/.test(parts[1] ?? '')) return 'syntax error: expect comma-separated list of filename=N';
      if (Number(parts[1]) < 0) return 'negative value for vmodule level';
    }
    return undefined;
  },
};

/** Go's time.ParseDuration syntax: `0`, or signed runs of `<number><unit>`. */
function isGoDuration(text: string): boolean {
  return text === '0' || /^[+-]?(?:(?:\d+\.?\d*|\.\d+)(?:ns|us|µs|μs|ms|s|m|h))+$/.test(text);
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, 'µs': 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Parses a Go duration (`300ms`, `1m30s`, `2h`, `0`) into milliseconds; throws on anything else. */
export function parseDuration(text: string): number {
  const t = text.trim();
  if (t === '0') return 0;
  const re = /(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g;
  let total = 0;
  let consumed = 0;
  for (const m of t.matchAll(re)) {
    if (m.index !== consumed) break;
    total += Number(m[1]) * (UNITS[m[2] ?? 's'] ?? 1000);
    consumed += m[0].length;
  }
  if (consumed === 0 || consumed !== t.length) throw new UsageError(`time: invalid duration "${text}"`);
  return total;
}

type Value = string | boolean | string[];

class ParsedFlags implements Flags {
  constructor(
    private readonly specs: Map<string, FlagSpec>,
    private readonly values: Map<string, Value>,
  ) {}
  has(name: string): boolean {
    return this.values.has(name);
  }
  /** True when `name` is the global flag, not a verb's own flag of the same name (`create rolebinding --user`). */
  isGlobal(name: string): boolean {
    return globalFlags.includes(this.#spec(name));
  }
  #spec(name: string): FlagSpec {
    const spec = this.specs.get(name);
    if (!spec) throw new Error(`flag --${name} is not declared`);
    return spec;
  }
  string(name: string): string {
    const v = this.values.get(name) ?? this.#spec(name).default;
    return v === undefined ? '' : Array.isArray(v) ? v.join(',') : String(v);
  }
  bool(name: string): boolean {
    const v = this.values.get(name) ?? this.#spec(name).default;
    return v === true || v === 'true';
  }
  int(name: string): number {
    const spec = this.#spec(name);
    const v = this.values.get(name);
    if (v === undefined) return typeof spec.default === 'number' ? spec.default : Number(spec.default ?? 0);
    const n = Number(v);
    if (!Number.isInteger(n)) throw new UsageError(`invalid argument "${String(v)}" for "--${name}" flag: strconv.ParseInt: parsing "${String(v)}": invalid syntax`);
    return n;
  }
  strings(name: string): string[] {
    const v = this.values.get(name) ?? this.#spec(name).default;
    if (v === undefined || v === '') return [];
    return Array.isArray(v) ? v : [String(v)];
  }
  duration(name: string): number {
    const v = this.values.get(name) ?? this.#spec(name).default;
    if (v === undefined || v === '') return 0;
    if (typeof v === 'number') return v;
    const text = String(v);
    // kubectl accepts a bare integer for some duration flags (e.g. --timeout=30 is rejected, but 0 is fine).
    return parseDuration(text);
  }
}

/** True when the parsed `--name` is the global flag (a verb may declare its own of the same name). */
export function isGlobalFlag(flags: Flags, name: string): boolean {
  return !(flags instanceof ParsedFlags) || flags.isGlobal(name);
}

/** The result of {@link parseFlags}. */
export interface ParsedArgs {
  flags: Flags;
  args: string[];
  dashArgs: string[];
}

function setValue(values: Map<string, Value>, spec: FlagSpec, raw: string): void {
  const problem = globalFlags.includes(spec) ? GLOBAL_CHECKS[spec.name]?.(raw) : undefined;
  if (problem !== undefined) throw new FlagError(`invalid argument "${raw}" for "${flagName(spec)}" flag: ${problem}`);
  if (spec.type === 'strings' || spec.type === 'stringArray') {
    const prev = values.get(spec.name);
    const list = Array.isArray(prev) ? prev : [];
    const parts = spec.type === 'strings' ? (raw === '' ? [] : raw.split(',')) : [raw];
    values.set(spec.name, [...list, ...parts]);
  } else if (spec.type === 'bool') {
    if (!/^(true|false|1|0|t|f|TRUE|FALSE|True|False)$/.test(raw)) {
      throw new FlagError(`invalid argument "${raw}" for "${flagName(spec)}" flag: strconv.ParseBool: parsing "${raw}": invalid syntax`);
    }
    values.set(spec.name, /^(true|1|t|TRUE|True)$/.test(raw));
  } else {
    values.set(spec.name, raw);
  }
}

/**
 * Parses argv against the verb's flags plus the global ones. Unknown flags and bad values are a
 * FlagError worded as pflag's (`unknown flag: --foo`, `unknown shorthand flag: 'x' in -x`).
 */
export function parseFlags(argv: string[], specs: FlagSpec[]): ParsedArgs {
  const byName = new Map<string, FlagSpec>();
  const byShort = new Map<string, FlagSpec>();
  for (const s of [...globalFlags, ...specs]) {
    byName.set(s.name, s);
    if (s.short) byShort.set(s.short, s);
  }
  const values = new Map<string, Value>();
  const args: string[] = [];
  let dashArgs: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') {
      dashArgs = argv.slice(i + 1);
      break;
    }
    if (a.startsWith('--') && a.length > 2) {
      const eq = a.indexOf('=');
      const name = eq < 0 ? a.slice(2) : a.slice(2, eq);
      const spec = byName.get(name);
      if (!spec) throw new FlagError(`unknown flag: --${name}`);
      if (eq >= 0) setValue(values, spec, a.slice(eq + 1));
      else if (spec.type === 'bool') setValue(values, spec, spec.noOptDefault ?? 'true');
      else if (spec.noOptDefault !== undefined) setValue(values, spec, spec.noOptDefault);
      else {
        if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: --${name}`);
        setValue(values, spec, argv[++i] ?? '');
      }
      continue;
    }
    if (a.startsWith('-') && a.length > 1) {
      // A run of shorthands: bools may group (-it); a value-taking one eats the rest or the next arg.
      for (let j = 1; j < a.length; j++) {
        const c = a[j] ?? '';
        const spec = byShort.get(c);
        if (!spec) throw new FlagError(`unknown shorthand flag: '${c}' in ${a}`);
        const rest = a.slice(j + 1);
        if (spec.type === 'bool') {
          if (rest.startsWith('=')) {
            setValue(values, spec, rest.slice(1));
            break;
          }
          setValue(values, spec, spec.noOptDefault ?? 'true');
          continue;
        }
        if (rest !== '') setValue(values, spec, rest.startsWith('=') ? rest.slice(1) : rest);
        else if (spec.noOptDefault !== undefined) setValue(values, spec, spec.noOptDefault);
        else {
          if (i + 1 >= argv.length) throw new FlagError(`flag needs an argument: '${c}' in -${c}`);
          setValue(values, spec, argv[++i] ?? '');
        }
        break;
      }
      continue;
    }
    args.push(a);
  }
  return { flags: new ParsedFlags(byName, values), args, dashArgs };
}
