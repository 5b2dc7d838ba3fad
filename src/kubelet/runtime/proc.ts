/**
 * Small process and host helpers for the runtime layer: run a command, find processes by their
 * exact command line, wait for a pid to go away, pick a free loopback port, read the mount table.
 * Processes are always matched on paths unique to one instance, never on a bare program name.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';

export { run, runOk, type RunResult } from '../../util/exec.js';

/** The argv of a live process, or undefined when it is gone (or a zombie: its cmdline is empty). */
export function cmdline(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    if (raw === '') return undefined;
    return raw.replace(/\0$/, '').split('\0');
  } catch {
    return undefined;
  }
}

/** True while `pid` exists and is not a zombie. */
export function alive(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // The state letter follows the parenthesised command name, which may itself contain spaces.
    const state = stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3);
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** Pids whose argv satisfies `match`. */
export function findProcesses(match: (argv: string[]) => boolean): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const argv = cmdline(Number(name));
    if (argv && match(argv)) found.push(Number(name));
  }
  return found;
}

/** Value following `flag` in argv (`-address /x` or `--address=/x`), if present. */
export function flagValue(argv: string[], ...flags: string[]): string | undefined {
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] ?? '';
    for (const f of flags) {
      if (a === f) return argv[i + 1];
      if (a.startsWith(`${f}=`)) return a.slice(f.length + 1);
    }
  }
  return undefined;
}

/** Resolves true once `pid` is gone, false if it is still there after `timeoutMs`. */
export async function waitGone(pid: number, timeoutMs: number): Promise<boolean> {
  const until = Date.now() + timeoutMs;
  while (alive(pid)) {
    if (Date.now() >= until) return false;
    await new Promise((r) => setTimeout(r, 25));
  }
  return true;
}

/** Sends `signal` to pid, ignoring "no such process". */
export function signalPid(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(pid, signal);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ESRCH') throw e;
  }
}

/** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
export async function terminate(pid: number, graceMs: number): Promise<void> {
  signalPid(pid, 'SIGTERM');
  if (await waitGone(pid, graceMs)) return;
  signalPid(pid, 'SIGKILL');
  await waitGone(pid, 5_000);
}

/** A TCP port on 127.0.0.1 that was free a moment ago (the kernel picks it). */
export function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

/** Mount points (from /proc/self/mountinfo) at or under one of `dirs`, deepest first. */
export function mountsUnder(dirs: string[]): string[] {
  const prefixes = dirs.map((d) => d.replace(/\/+$/, ''));
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4])
    .filter((p): p is string => p !== undefined && p !== '')
    // mountinfo escapes space, tab, newline and backslash as octal.
    .map((p) => p.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8))))
    .filter((p) => prefixes.some((d) => p === d || p.startsWith(`${d}/`)));
  return [...new Set(points)].sort((a, b) => b.length - a.length);
}
