/**
 * kubectl's entry: finds the verb (and subcommand) among the arguments, parses its flags with the
 * global ones, runs it with a Factory, and turns what it throws into kubectl's messages and exit
 * codes. Only the chosen verb's module is loaded.
 */
import { ApiError } from '../api/errors.js';
import { AggregateCliError, CliError, errorMessage, exitCodeOf, UsageError } from './errors.js';
import { createFactory } from './factory.js';
import { globalFlags, parseFlags } from './flags.js';
import { PrintError } from './printers/output.js';
import { groups, verbs } from './registry.js';
import type { Command, FlagSpec, Streams } from './types.js';

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

function optionsHelp(): string {
  return `The following options can be passed to any command:\n\n${globalFlags.filter((f) => !f.hidden).map(flagLine).join('\n')}`;
}

function printError(streams: Streams, e: unknown, path: string): void {
  // A go-template that failed half way: kubectl has already printed what it produced, and a dump.
  if (e instanceof PrintError) streams.stdout.write(e.output);
  if (e instanceof AggregateCliError) {
    // kubectl's MultipleErrors: one error prints as usual; several print one per line, API errors
    // in their "Error from server" form and anything else as its bare message.
    if (e.errors.length === 1) return printError(streams, e.errors[0], path);
    for (const err of e.errors) streams.stderr.write(`${err instanceof ApiError ? errorMessage(err) : err instanceof Error ? err.message : String(err)}\n`);
    return;
  }
  streams.stderr.write(`${errorMessage(e)}\n`);
  if (e instanceof UsageError) streams.stderr.write(`See '${path} -h' for help and examples\n`);
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
  if (verb === 'options') {
    streams.stdout.write(optionsHelp());
    return 0;
  }
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
    const factory = createFactory(flags, factoryStreams, env);
    try {
      return (await cmd.run({ args, dashArgs, flags, factory, streams, path })) ?? 0;
    } finally {
      factory.close();
    }
  } catch (e) {
    printError(streams, e, path);
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
