/**
 * The containerd process of one instance: find it (pid file, else its exact --config path), launch
 * it detached with its output in a log file, wait until CRI answers, stop it. Shims are separate
 * processes and outlive containerd, which is what lets a kubelet restart without touching pods.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import type { Logger } from '../../util/log.js';
import { CriClient } from '../cri/client.js';
import type { ContainerdPaths } from './containerd-config.js';
import { alive, cmdline, findProcesses, flagValue, terminate } from './proc.js';

/** True when argv is a containerd started with exactly this config file. */
function isOurs(argv: string[] | undefined, paths: ContainerdPaths): boolean {
  return argv !== undefined && basename(argv[0] ?? '') === 'containerd' && flagValue(argv, '--config', '-c') === paths.config;
}

/** Pid of a live containerd of this instance: the pid file if it still names one, else a /proc scan. */
export function findContainerd(paths: ContainerdPaths): number | undefined {
  try {
    const pid = Number(readFileSync(paths.pidFile, 'utf8').trim());
    if (pid > 0 && alive(pid) && isOurs(cmdline(pid), paths)) return pid;
  } catch {
    // no pid file: fall through to the scan
  }
  return findProcesses((argv) => isOurs(argv, paths))[0];
}

/** The last lines of containerd's log, for error messages. */
export function logTail(paths: ContainerdPaths, lines = 15): string {
  try {
    return readFileSync(paths.log, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

/** A containerd we launched and that answers CRI. */
export interface LaunchedContainerd {
  pid: number;
  child: ChildProcess;
  cri: CriClient;
  /** From spawn to the first answered Version call. */
  startupMs: number;
}

/**
 * Launches containerd with `paths.config` (already written) and waits until CRI answers Version.
 * containerd runs in its own session (a Ctrl-C to the kubelet's process group does not reach it)
 * and is not waited for by Node, so it survives the kubelet dying; its pid goes to `paths.pidFile`.
 */
export async function launchContainerd(paths: ContainerdPaths, log: Logger, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<LaunchedContainerd> {
  mkdirSync(paths.stateDir, { recursive: true });
  mkdirSync(paths.runDir, { recursive: true, mode: 0o700 });
  // A socket left by a containerd that died would be replaced by containerd anyway; removing it
  // first means a connection can only reach the new process.
  rmSync(paths.socket, { force: true });
  const out = openSync(paths.log, 'a');
  const started = performance.now();
  let child: ChildProcess;
  try {
    child = spawn('containerd', ['--config', paths.config], { detached: true, stdio: ['ignore', out, out] });
  } finally {
    closeSync(out); // the child has its own copy
  }
  const spawnError = new Promise<Error>((resolve) => child.once('error', resolve));
  if (child.pid === undefined) throw new Error(`containerd did not start: ${(await spawnError).message}`);
  const pid = child.pid;
  child.unref();
  writeFileSync(paths.pidFile, `${pid}\n`);

  // Stop waiting as soon as containerd exits or the caller aborts, rather than at the deadline.
  const exited = new AbortController();
  const onExit = (code: number | null, sig: NodeJS.Signals | null) => exited.abort(new Error(`containerd exited (code ${code ?? 'none'}, signal ${sig ?? 'none'})`));
  child.once('exit', onExit);
  const signal = opts.signal ? AbortSignal.any([opts.signal, exited.signal]) : exited.signal;
  try {
    const cri = await CriClient.connect(paths.socket, { timeoutMs: opts.timeoutMs ?? 30_000, signal });
    const startupMs = Math.round(performance.now() - started);
    child.off('exit', onExit);
    log.info('containerd ready', { pid, socket: paths.socket, startupMs });
    return { pid, child, cri, startupMs };
  } catch (e) {
    child.off('exit', onExit);
    if (alive(pid)) await terminate(pid, 5_000);
    rmSync(paths.pidFile, { force: true });
    const why = exited.signal.aborted ? (exited.signal.reason as Error).message : (e as Error).message;
    throw new Error(`containerd (${paths.config}) did not become ready: ${why}\n${logTail(paths)}`);
  }
}

/**
 * Stops containerd (SIGTERM, SIGKILL after `graceMs`) and removes its pid file. Only containerd:
 * shims and containers keep running.
 */
export async function stopContainerdProcess(paths: ContainerdPaths, pid: number, graceMs = 10_000): Promise<void> {
  await terminate(pid, graceMs);
  // Remove the pid file only if it still names this process (a newer containerd may have replaced it).
  try {
    if (existsSync(paths.pidFile) && Number(readFileSync(paths.pidFile, 'utf8').trim()) === pid) rmSync(paths.pidFile, { force: true });
  } catch {
    // already gone
  }
}
