/**
 * `kubectl completion bash|zsh` prints a completion script; the hidden `__complete` verb
 * ({@link completeCommand}) answers the script's questions:
 * `kubectl __complete -- <words before the cursor> <word at the cursor>` prints one candidate per
 * line and then `:<directive>`, as cobra's `__complete` does.
 */
import { UsageError } from '../errors.js';
import { createFactory } from '../factory.js';
import { parseFlags } from '../flags.js';
import type { Command, Factory } from '../types.js';
import { complete } from './completion/complete.js';
import { bashScript, zshScript } from './completion/scripts.js';

const SCRIPTS: Record<string, string> = { bash: bashScript, zsh: zshScript };

export const command: Command = {
  name: 'completion',
  short: 'Output shell completion code for the specified shell (bash, zsh)',
  long: 'Output shell completion code for the specified shell (bash or zsh). The shell code must be evaluated to provide interactive completion of kubectl commands. This can be done by sourcing it from the .bash_profile.\n\n The script completes `kubectl`, `k8ts-kubectl` and `k8ts kubectl`.',
  usage: 'kubectl completion SHELL',
  examples: [
    '  # Load the kubectl completion code for bash into the current shell',
    '  source <(kubectl completion bash)',
    '  ',
    '  # Load the kubectl completion code for zsh into the current shell',
    '  source <(kubectl completion zsh)',
  ].join('\n'),
  run(ctx) {
    if (ctx.args.length === 0) throw new UsageError('Shell not specified.');
    if (ctx.args.length > 1) throw new UsageError('Too many arguments. Expected only the shell type.');
    const script = SCRIPTS[ctx.args[0] ?? ''];
    if (!script) throw new UsageError(`Unsupported shell type "${ctx.args[0] ?? ''}".`);
    ctx.streams.stdout.write(script);
    return Promise.resolve();
  },
};

/** The hidden verb the completion scripts call; register it as `__complete`. */
export const completeCommand: Command = {
  name: '__complete',
  hidden: true,
  short: 'Request shell completion choices for the specified command-line',
  usage: 'kubectl __complete -- [command-line words...] [word at the cursor]',
  async run(ctx) {
    const words = ctx.dashArgs.length > 0 ? ctx.dashArgs : ctx.args;
    const cur = words[words.length - 1] ?? '';
    let made: Factory | undefined;
    try {
      const result = await complete(words.slice(0, -1), cur, {
        env: process.env,
        factory(globals) {
          // The global flags typed on the line (--context, -n, --kubeconfig…) choose the cluster.
          made ??= createFactory(parseFlags([...globals].map(([name, value]) => `--${name}=${value}`), []).flags, ctx.streams, process.env);
          return made;
        },
      });
      ctx.streams.stdout.write(result.candidates.map((c) => `${c}\n`).join('') + `:${result.directive}\n`);
    } finally {
      made?.close();
    }
  },
};
