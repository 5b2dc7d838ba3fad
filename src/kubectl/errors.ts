/**
 * kubectl's error wording and exit codes. Verbs throw; `main.ts` prints what {@link errorMessage}
 * says and exits with {@link exitCodeOf}. Wording follows kubectl's `cmdutil.CheckErr`.
 */
import { ApiError } from '../api/errors.js';
import { errorText } from '../util/errors.js';

/** A failure kubectl reports as `error: <message>` (or verbatim when `raw`). */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly options: { exitCode?: number; raw?: boolean; usage?: boolean } = {},
  ) {
    super(message);
  }
  get exitCode(): number {
    return this.options.exitCode ?? 1;
  }
}

/** A usage mistake: kubectl prints `error: <message>` and `See '<cmd> -h' for help and examples`. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, { usage: true });
  }
}

/** Several failures from one run (kubectl prints each on its own line and exits 1). */
export class AggregateCliError extends Error {
  override readonly name = 'AggregateCliError';
  constructor(readonly errors: unknown[]) {
    super(errors.map(errorMessage).join('\n'));
  }
}

function connectionMessage(e: Error): string | undefined {
  const cause = (e.cause ?? e) as NodeJS.ErrnoException & { address?: string; port?: number };
  if (cause.code === 'ECONNREFUSED') {
    const where = cause.address !== undefined ? `${cause.address}:${cause.port ?? ''}` : 'the server';
    return `The connection to the server ${where} was refused - did you specify the right host or port?`;
  }
  if (cause.code === 'ENOTFOUND' || cause.code === 'EHOSTUNREACH' || cause.code === 'ETIMEDOUT' || cause.code === 'ECONNRESET') {
    return `Unable to connect to the server: ${cause.message}`;
  }
  if (typeof cause.code === 'string' && /CERT|SELF_SIGNED|TLS|SSL/.test(cause.code)) return `Unable to connect to the server: ${cause.message}`;
  return undefined;
}

/** The text kubectl prints for an error (without a trailing newline). */
export function errorMessage(e: unknown): string {
  if (e instanceof AggregateCliError) return e.message;
  if (e instanceof CliError) return e.options.raw ? e.message : `error: ${e.message}`;
  if (e instanceof ApiError) {
    const s = e.status;
    if (s.reason === 'Invalid') {
      const d = s.details;
      const head = d?.kind && d.name ? `The ${d.kind} "${d.name}" is invalid` : 'The request is invalid';
      // kubectl skips repeated causes (statusCausesToAggrError); the API server may send one per rule broken.
      const causes = [...new Set((d?.causes ?? []).map((c) => (c.field ? `${c.field}: ${c.message ?? ''}` : (c.message ?? ''))))];
      if (causes.length === 1) return `${head}: ${causes[0]}`;
      if (causes.length > 1) return `${head}: \n${causes.map((c) => `* ${c}`).join('\n')}`;
      return `${head}: ${s.message ?? ''}`.replace(/: $/, '');
    }
    if (s.reason === 'Unauthorized') return `error: You must be logged in to the server (${s.message ?? 'Unauthorized'})`;
    return s.reason ? `Error from server (${s.reason}): ${e.message}` : `Error from server: ${e.message}`;
  }
  if (e instanceof Error) {
    const conn = connectionMessage(e);
    if (conn) return conn;
    if (e.name === 'TimeoutError') return 'error: timed out waiting for the condition';
  }
  return `error: ${errorText(e)}`;
}

/** The exit status for an error: 1, or what a CliError carries (exec passes the command's code on). */
export function exitCodeOf(e: unknown): number {
  return e instanceof CliError ? e.exitCode : 1;
}

/** True for an ApiError with the given HTTP code. */
export function isStatus(e: unknown, code: number): e is ApiError {
  return e instanceof ApiError && e.code === code;
}
