/**
 * Running the user's editor on a temporary file, as kubectl does: `$KUBE_EDITOR`, else `$EDITOR`,
 * else `vi`; an editor with spaces is split into arguments, or run through `$SHELL -c` when it
 * holds quotes or backslashes. The file is `kubectl-edit-<random>.yaml` (or `.json`) in the
 * temporary directory and is left in place; the caller removes it when the edit is done.
 */
import { spawn } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CliError } from '../../errors.js';

/** How to run the editor: the argument list, and whether the last one is a shell command line. */
export interface EditorCommand {
  args: string[];
  shell: boolean;
}

/** The editor kubectl would run for this environment. */
export function editorCommand(env: NodeJS.ProcessEnv): EditorCommand {
  const editor = env['KUBE_EDITOR'] || env['EDITOR'] || 'vi';
  if (!editor.includes(' ')) return { args: [editor], shell: false };
  if (!/["'\\]/.test(editor)) return { args: editor.split(' '), shell: false };
  return { args: [env['SHELL'] || '/bin/bash', '-c', editor], shell: true };
}

/** The argument list for one file (Go's %q quoting for the shell form). */
export function editorArgs(cmd: EditorCommand, path: string): string[] {
  if (!cmd.shell) return [...cmd.args, path];
  const args = [...cmd.args];
  args[args.length - 1] = `${args[args.length - 1] ?? ''} ${JSON.stringify(path)}`;
  return args;
}

/** Writes `content` to a new temporary file; returns its path. */
export function writeTempFile(env: NodeJS.ProcessEnv, ext: string, content: string): string {
  const dir = env['TMPDIR'] || '/tmp';
  for (;;) {
    const path = join(dir, `kubectl-edit-${randomInt(0, 2 ** 32 - 1)}${ext}`);
    try {
      writeFileSync(path, content, { flag: 'wx', mode: 0o600 });
      return path;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** Runs the editor on `path` with the terminal handed over; resolves with the file's new content. */
export async function launchEditor(cmd: EditorCommand, path: string, env: NodeJS.ProcessEnv): Promise<string> {
  const [file = 'vi', ...rest] = editorArgs(cmd, path);
  const shown = cmd.args.join(' ');
  await new Promise<void>((resolve, reject) => {
    const child = spawn(file, rest, { stdio: 'inherit', env });
    // Go reports "not found" only for a name looked up in PATH; a missing path fails like any other error.
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(new CliError(e.code === 'ENOENT' && !file.includes('/') ? `unable to launch the editor ${JSON.stringify(shown)}` : `there was a problem with the editor ${JSON.stringify(shown)}`)),
    );
    child.on('close', (code) => (code === 0 ? resolve() : reject(new CliError(`there was a problem with the editor ${JSON.stringify(shown)}`))));
  });
  return readFileSync(path, 'utf8');
}
