/** What the `kubectl config` subcommands share: the files they act on, and kubectl's wording of argument errors. */
import { CliError } from '../../errors.js';
import { ConfigAccess } from '../../kubeconfig.js';
import type { CommandContext } from '../../types.js';

/** The kubeconfig files of this invocation (`--kubeconfig`, `$KUBECONFIG` or `~/.kube/config`). */
export function configAccess(ctx: CommandContext): ConfigAccess {
  return new ConfigAccess(ctx.flags.string('kubeconfig') || undefined, process.env);
}

/** The file kubectl names in its messages: the explicit one, else where new entries would go. */
export function configFileName(access: ConfigAccess): string {
  return access.explicitPath ?? access.defaultFilename();
}

/** Go's `%v` of a string slice: `[a b]`. */
export const goList = (items: string[]): string => `[${items.join(' ')}]`;

/** kubectl's `helpErrorf(cmd, "Unexpected args: %v", args)`. */
export const unexpectedArgs = (args: string[]): CliError => new CliError(`Unexpected args: ${goList(args)}`);

/** Go's strconv.ParseBool, with its error text. */
export function parseGoBool(text: string): boolean {
  if (/^(1|t|T|TRUE|true|True)$/.test(text)) return true;
  if (/^(0|f|F|FALSE|false|False)$/.test(text)) return false;
  throw new CliError(`strconv.ParseBool: parsing "${text}": invalid syntax`);
}
