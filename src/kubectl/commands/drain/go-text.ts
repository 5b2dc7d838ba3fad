/**
 * Go's renderings that kubectl's messages are built from, for the verbs that print them verbatim:
 * `err.Error()` of API errors and of apimachinery's error aggregates, `time.Duration.String()`,
 * cmdutil.CheckErr's treatment of aggregates (one raw line per error), and the `Warning:` lines of
 * cli-runtime's WarningPrinter (yellow on a colour terminal).
 */
import { ApiError } from '../../../api/errors.js';
import { CliError, errorMessage } from '../../errors.js';
import type { Streams } from '../../types.js';

/** apimachinery's errors.Aggregate: several errors reported as one. */
export class Aggregate extends Error {
  override readonly name = 'Aggregate';
  constructor(readonly errors: readonly unknown[]) {
    super(aggregateText(errors));
  }
}

/** utilerrors.NewAggregate: undefined for no errors. */
export function aggregateOf(errors: readonly unknown[]): Aggregate | undefined {
  return errors.length === 0 ? undefined : new Aggregate(errors);
}

/** The text of an error as Go's `err.Error()` gives it (a Status's message, not kubectl's "Error from server" line). */
export function goErrorText(e: unknown): string {
  if (e instanceof ApiError || e instanceof Error) return e.message;
  return String(e);
}

/** Aggregate.Error(): one error alone, else the distinct messages in brackets. */
function aggregateText(errors: readonly unknown[]): string {
  if (errors.length === 1) return goErrorText(errors[0]);
  const seen = [...new Set(errors.map(goErrorText))];
  return seen.length === 1 ? (seen[0] ?? '') : `[${seen.join(', ')}]`;
}

/** cmdutil's messageForError: the standard `Error from server (…)` line for API errors, else the text. */
function messageForError(e: unknown): string {
  return e instanceof ApiError ? errorMessage(e) : goErrorText(e);
}

/**
 * What cmdutil.CheckErr prints for an error, as a raw CliError: an aggregate (after unwrapping one
 * level of a single-error aggregate) prints one unprefixed line per error; anything else gets
 * kubectl's usual `error: ` or `Error from server` form.
 */
export function checkErrError(e: unknown): unknown {
  let err = e;
  if (err instanceof Aggregate && err.errors.length === 1) err = err.errors[0];
  if (err instanceof Aggregate) return new CliError(err.errors.map(messageForError).join('\n'), { raw: true });
  if (err instanceof ApiError || err instanceof CliError) return err;
  const text = goErrorText(err);
  return new CliError(text.startsWith('error: ') ? text : `error: ${text}`, { raw: true });
}

const UNITS: Array<[string, number]> = [
  ['h', 3_600_000],
  ['m', 60_000],
];

function trimFraction(n: number, digits: number): string {
  return n.toFixed(digits).replace(/\.?0+$/, '');
}

/** time.Duration.String() for a whole number of milliseconds or more: `5s`, `1m30s`, `2h0m0s`, `1.5s`, `300ms`, `0s`. */
export function goDuration(ms: number): string {
  if (ms === 0) return '0s';
  const sign = ms < 0 ? '-' : '';
  let rest = Math.abs(ms);
  if (rest < 1000) {
    if (rest >= 1) return `${sign}${trimFraction(rest, 6)}ms`;
    if (rest >= 0.001) return `${sign}${trimFraction(rest * 1000, 3)}µs`;
    return `${sign}${Math.round(rest * 1e6)}ns`;
  }
  let out = '';
  let started = false;
  for (const [unit, size] of UNITS) {
    const n = Math.floor(rest / size);
    if (n > 0 || started) {
      out += `${n}${unit}`;
      started = true;
    }
    rest -= n * size;
  }
  return `${sign}${out}${trimFraction(rest / 1000, 9)}s`;
}

/** The duration Go prints for `time.Duration(math.MaxInt64)`, kubectl's "no timeout". */
export const FOREVER_TEXT = '2562047h47m16.854775807s';

/** True when kubectl would colour this stream (a terminal, TERM not dumb, NO_COLOR unset). */
export function allowsColor(stream: Streams['stderr'], env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && env['TERM'] !== 'dumb' && env['NO_COLOR'] === undefined;
}

/** cli-runtime's WarningPrinter.Print. */
export function printWarning(stderr: Streams['stderr'], message: string, env: NodeJS.ProcessEnv = process.env): void {
  stderr.write(allowsColor(stderr, env) ? `\u001b[33;1mWarning:\u001b[0m ${message}\n` : `Warning: ${message}\n`);
}
