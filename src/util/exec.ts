/** Running a program without a shell: bounded in time, stdin optionally fed, a non-zero exit a value. */
import { execFile } from 'node:child_process';

/** Result of {@link run}: a non-zero exit is a value, not an exception. */
export interface RunResult {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a program (no shell) with a bounded time, optionally feeding stdin. */
export function run(file: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = execFile(file, args, { timeout: opts.timeoutMs ?? 30_000, maxBuffer: 64 * 1024 * 1024 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr: stderr || (err && code === -1 ? err.message : '') });
    });
    // A program that exits before reading all its input (e.g. iptables-restore failing on line 1)
    // makes the write fail with EPIPE; its exit code already says what happened.
    child.stdin?.on('error', () => {});
    if (opts.input !== undefined) child.stdin?.end(opts.input);
  });
}

/** Like {@link run} but throws with the program's stderr when it exits non-zero. */
export async function runOk(file: string, args: string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const r = await run(file, args, opts);
  if (r.code !== 0) throw new Error(`${file} ${args.join(' ')}: exit ${r.code}: ${r.stderr.trim()}`);
  return r.stdout;
}
