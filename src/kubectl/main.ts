/**
 * kubectl's entry: finds the verb (and subcommand) among the arguments, parses its flags with the
 * global ones, runs it with a Factory, and turns what it throws into kubectl's messages and exit
 * codes. Only the chosen verb's module is loaded.
 */
import { ApiError } from '../api/errors.js';
import { AggregateCliError, CliError, errorMessage, exitCodeOf, UsageError } from './errors.js';
import { createFactory } from './factory.js';
import { defaultCacheDir, FlagError, globalFlags, optionFlags, parseFlags } from './flags.js';
import { PrintError } from './printers/output.js';
import { groups, verbs } from './registry.js';
import type { Command, FlagSpec, Flags, Streams } from './types.js';

const NAME = 'kubectl';

/** Global flags that take a value: needed to skip them while looking for the verb. */
const valueFlags = new Set(globalFlags.filter((f) => f.type !== 'bool').flatMap((f) => [`--${f.name}`, ...(f.short ? [`-${f.short}`] : [])]));

/** Index of the first positional argument (the verb), skipping leading global flags. */
function verbIndex(argv: string[]): number {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    if (a === '--') return -1;
    if (!a.startsWith('-')) return i;
    if (valueFlags.has(a)) i++;
  }
  return -1;
}

function flagLine(f: FlagSpec): string {
  const def = f.default === undefined ? (f.type === 'bool' ? 'false' : f.type === 'strings' || f.type === 'stringArray' ? '[]' : '') : Array.isArray(f.default) ? `[${f.default.join(',')}]` : String(f.default);
  const names = f.short ? `-${f.short}, --${f.name}` : `--${f.name}`;
  // pflag quotes only string values: --output='', --replicas=1, --filename=[].
  const value = f.type === 'string' ? `='${def}'` : `=${def}`;
  return `    ${names}${value}:\n\t${f.help}\n`;
}

/** The help text of a command, in kubectl's layout. */
export function helpText(cmd: Command, path: string): string {
  let out = `${cmd.long ?? cmd.short}\n\n`;
  if (cmd.examples) out += `Examples:\n${cmd.examples}\n\n`;
  if (cmd.subcommands?.length) {
    out += 'Available Commands:\n';
    const width = Math.max(...cmd.subcommands.map((s) => s.name.length));
    for (const s of cmd.subcommands.filter((c) => !c.hidden)) out += `  ${s.name.padEnd(width)}   ${s.short}\n`;
    out += '\n';
  }
  const flags = (cmd.flags ?? []).filter((f) => !f.hidden).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  if (flags.length) out += `Options:\n${flags.map(flagLine).join('\n')}\n`;
  out += `Usage:\n  ${cmd.usage}${cmd.usage.endsWith('[options]') ? '' : ' [options]'}\n\n`;
  if (cmd.subcommands?.length) out += `Use "${path} <command> --help" for more information about a given command.\n`;
  out += `Use "${NAME} options" for a list of global command-line options (applies to all commands).\n`;
  return out;
}

/**
 * `kubectl help`: each group's verbs with their one-line summaries. Every verb module is loaded for
 * its summary (only here). Names are padded as kubectl's templater pads them: to the longest name
 * listed (at least 11), then three spaces.
 */
async function rootHelp(): Promise<string> {
  const listed = Object.entries(verbs).filter(([n]) => !n.startsWith('_'));
  const summaries = new Map(await Promise.all(listed.map(async ([n, v]) => [n, (await v.load()).short] as const)));
  const width = Math.max(11, ...listed.map(([n]) => n.length));
  let out = 'kubectl controls the Kubernetes cluster manager.\n\n Find more information at: https://kubernetes.io/docs/reference/kubectl/\n\n';
  for (const g of groups) {
    const lines = listed.filter(([, v]) => v.group === g).map(([n]) => `  ${n.padEnd(width)}   ${summaries.get(n) ?? ''}`);
    if (lines.length) out += `${g}:\n${lines.join('\n')}\n\n`;
  }
  out += `Usage:\n  ${NAME} [flags] [options]\n\nUse "${NAME} <command> --help" for more information about a given command.\nUse "${NAME} options" for a list of global command-line options (applies to all commands).\n`;
  return out;
}

/** `kubectl options`: every global flag, by name, `--cache-dir` with the default this environment gives it. */
export function optionsHelp(env: NodeJS.ProcessEnv): string {
  const flags = optionFlags()
    .map((f) => (f.name === 'cache-dir' ? { ...f, default: defaultCacheDir(env) } : f))
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `The following options can be passed to any command:\n\n${flags.map(flagLine).join('\n')}\n`;
}

/**
 * `kubectl options [anything]`: global flags only (a bad one is refused with the command's own
 * hint), `-h` prints nothing at all, as kubectl's help function for it does.
 */
function runOptions(argv: string[], streams: Streams, env: NodeJS.ProcessEnv): number {
  try {
    const { flags } = parseFlags(argv, []);
    if (flags.bool('help')) return 0;
    checkProfile(flags);
  } catch (e) {
    streams.stderr.write(`${errorMessage(e)}\n`);
    if (e instanceof FlagError) streams.stderr.write(`Run '${NAME} options' without flags.\n`);
    return exitCodeOf(e);
  }
  streams.stdout.write(optionsHelp(env));
  return 0;
}

const GO_PROFILES = new Set(['cpu', 'heap', 'goroutine', 'threadcreate', 'block', 'mutex']);

/**
 * kubectl starts `--profile` before running any command. Its Go runtime profiles do not exist
 * here: only `none` is accepted; the others are refused rather than silently writing nothing.
 */
function checkProfile(flags: Flags): void {
  const profile = flags.string('profile');
  if (profile === 'none') return;
  if (!GO_PROFILES.has(profile)) throw new CliError(`unknown profile '${profile}'`);
  throw new CliError(`--profile=${profile} is not supported: k8ts kubectl has no Go runtime to profile (only --profile=none)`);
}

/** After a command succeeded: `--warnings-as-errors` turns the server's warnings into a failure. */
function warningsAsErrors(flags: Flags, factory: { warningCount(): number }, streams: Streams): number {
  if (!flags.bool('warnings-as-errors')) return 0;
  const n = factory.warningCount();
  if (n === 0) return 0;
  streams.stderr.write(`error: ${n} warning${n === 1 ? '' : 's'} received\n`);
  return 1;
}

function printError(streams: Streams, e: unknown, path: string, flagErrorsAsUsage = false): void {
  // A go-template that failed half way: kubectl has already printed what it produced, and a dump.
  if (e instanceof PrintError) streams.stdout.write(e.output);
  if (e instanceof AggregateCliError) {
    // kubectl's MultipleErrors: one error prints as usual; several print one per line, API errors
    // in their "Error from server" form and anything else as its bare message.
    if (e.errors.length === 1) return printError(streams, e.errors[0], path, flagErrorsAsUsage);
    for (const err of e.errors) streams.stderr.write(`${err instanceof ApiError ? errorMessage(err) : err instanceof Error ? err.message : String(err)}\n`);
    return;
  }
  streams.stderr.write(`${errorMessage(e)}\n`);
  // kubectl points flag errors at --help, usage errors (and diff's flag errors) at -h.
  if (e instanceof FlagError && !flagErrorsAsUsage) streams.stderr.write(`See '${path} --help' for usage.\n`);
  else if (e instanceof UsageError) streams.stderr.write(`See '${path} -h' for help and examples\n`);
  if (!(e instanceof CliError) && !(e instanceof ApiError) && process.env['K8TS_DEBUG'] && e instanceof Error) streams.stderr.write(`${e.stack ?? ''}\n`);
}

/** Runs kubectl with these arguments (without the program name) and returns the exit code. */
export async function runKubectl(argv: string[], streams: Streams, env: NodeJS.ProcessEnv = process.env): Promise<number> {
  const at = verbIndex(argv);
  const verb = at < 0 ? undefined : argv[at];
  if (verb === undefined || verb === 'help' && at === argv.length - 1) {
    streams.stdout.write(await rootHelp());
    return 0;
  }
  if (verb === 'options') return runOptions([...argv.slice(0, at), ...argv.slice(at + 1)], streams, env);
  // kubectl's help for `options` prints nothing.
  if (verb === 'help' && argv[at + 1] === 'options') return 0;
  let rest = [...argv.slice(0, at), ...argv.slice(at + 1)];
  let asHelp = false;
  let name = verb;
  if (verb === 'help') {
    asHelp = true;
    name = argv[at + 1] ?? '';
    rest = argv.slice(at + 2);
  }
  const entry = verbs[name];
  if (!entry) {
    streams.stderr.write(`error: unknown command "${name}" for "${NAME}"\n`);
    return 1;
  }
  let cmd = await entry.load();
  let path = `${NAME} ${cmd.name}`;
  // Descend into subcommands named by the next positional (rollout status, set image, create deployment).
  for (;;) {
    if (!cmd.subcommands?.length) break;
    const i = verbIndex(rest);
    const sub = i < 0 ? undefined : cmd.subcommands.find((s) => s.name === rest[i] || s.aliases?.includes(rest[i] ?? ''));
    if (!sub) break;
    rest = [...rest.slice(0, i), ...rest.slice(i + 1)];
    cmd = sub;
    path = `${path} ${sub.name}`;
  }
  const factoryStreams = streams;
  try {
    const { flags, args, dashArgs } = parseFlags(rest, cmd.flags ?? []);
    if (asHelp || flags.bool('help') || !cmd.run) {
      if (!cmd.run && args.length > 0 && cmd.subcommands?.length) throw new UsageError(`unknown command "${args[0]}" for "${path}"`);
      streams.stdout.write(helpText(cmd, path));
      return 0;
    }
    checkProfile(flags);
    const factory = createFactory(flags, factoryStreams, env);
    try {
      const code = (await cmd.run({ args, dashArgs, flags, factory, streams, path })) ?? 0;
      // A command that failed has already exited in kubectl: only success is checked for warnings.
      return code === 0 ? warningsAsErrors(flags, factory, streams) : code;
    } finally {
      factory.close();
    }
  } catch (e) {
    printError(streams, e, path, cmd.flagErrorsAsUsage);
    return cmd.failureExitCode ?? exitCodeOf(e);
  }
}

const drained = (s: NodeJS.WriteStream): Promise<void> => (s.writableLength > 0 ? new Promise((r) => s.once('drain', () => r())) : Promise.resolve());

/**
 * The process entry (`k8ts kubectl …`, `k8ts-kubectl …`): runs, waits until stdout and stderr are
 * written out (a pipe takes output asynchronously), then exits with kubectl's code even if a verb
 * left stdin or a socket referenced.
 */
export async function main(argv: string[]): Promise<number> {
  // `kubectl get pods | head` closes the pipe early: that is not an error.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => {
    if (e.code === 'EPIPE') process.exit(0);
  });
  const code = await runKubectl(argv, { stdin: process.stdin, stdout: process.stdout, stderr: process.stderr });
  await Promise.all([drained(process.stdout), drained(process.stderr)]);
  process.exitCode = code;
  setTimeout(() => process.exit(code), 0).unref();
  return code;
}
