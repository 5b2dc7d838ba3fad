/**
 * The external diff program `kubectl diff` runs on its two directories: `$KUBECTL_EXTERNAL_DIFF`
 * (split on spaces; of its arguments only those made of letters, digits, `-` and `=` are kept, and
 * they go after the directories) or `diff -u -N`. Its exit status is kubectl's convention too:
 * 0 same, 1 different, anything else a failure.
 */
import { spawn, type StdioOptions } from 'node:child_process';
import type { Writable } from 'node:stream';
import { CliError } from '../errors.js';

/** The program and its arguments for comparing `from` with `to`. */
export function diffCommand(externalDiff: string | undefined, from: string, to: string): { program: string; args: string[] } {
  if (externalDiff === undefined || externalDiff === '') return { program: 'diff', args: ['-u', '-N', from, to] };
  const [program = '', ...rest] = externalDiff.split(' ');
  // kubectl drops anything that could be shell syntax or a path (a guard against injection).
  return { program, args: [from, to, ...rest.filter((a) => /^[a-zA-Z0-9-=]+$/.test(a))] };
}

/** Where the program's output goes: the process's own descriptors are handed down (so a colouring diff sees the terminal). */
export interface ProgramStreams {
  stdout: Writable;
  stderr: Writable;
}

/**
 * Runs the diff program and returns its exit status when that is 0 or 1 (a signal counts as 1, as
 * Go reports -1 for it). Other statuses, and a program that cannot start, throw kubectl's
 * `failed to run "<program>": …`.
 */
export async function runDiffProgram(cmd: { program: string; args: string[] }, streams: ProgramStreams): Promise<number> {
  const stdio: StdioOptions = [
    'ignore',
    streams.stdout === process.stdout ? 'inherit' : 'pipe',
    streams.stderr === process.stderr ? 'inherit' : 'pipe',
  ];
  const child = spawn(cmd.program, cmd.args, { stdio });
  child.stdout?.pipe(streams.stdout, { end: false });
  child.stderr?.pipe(streams.stderr, { end: false });
  const result = await new Promise<{ code: number | null; error?: NodeJS.ErrnoException }>((resolve) => {
    child.once('error', (error: NodeJS.ErrnoException) => resolve({ code: null, error }));
    child.once('close', (code) => resolve({ code }));
  });
  const failed = (why: string) => new CliError(`failed to run ${JSON.stringify(cmd.program)}: ${why}`);
  if (result.error) {
    if (result.error.code === 'ENOENT') {
      // Go looks a bare name up in $PATH, but only stats a path.
      if (cmd.program.includes('/')) throw failed(`exec: ${JSON.stringify(cmd.program)}: stat ${cmd.program}: no such file or directory`);
      throw failed('executable file not found in $PATH');
    }
    throw failed(result.error.message);
  }
  if (result.code === null || result.code <= 1) return result.code ?? 1;
  throw failed(`exit status ${result.code}`);
}
