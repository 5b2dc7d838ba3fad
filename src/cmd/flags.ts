/** Shared flag handling for the entry points: Kubernetes-style `--flag value` / `--flag=value`. */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { errorText } from '../util/errors.js';

export class UsageError extends Error {}

export function parse<T extends NonNullable<ParseArgsConfig['options']>>(args: string[], options: T) {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (e) {
    throw new UsageError(errorText(e));
  }
}

/** Default data directory: /var/lib/k8ts as root (like k3s's /var/lib/rancher), ~/.k8ts otherwise. */
export function defaultDataDir(): string {
  return process.getuid?.() === 0 ? '/var/lib/k8ts' : join(homedir(), '.k8ts');
}

/** An AbortSignal that fires on SIGINT/SIGTERM, so every long-lived part stops in order. */
export function shutdownSignal(): AbortSignal {
  const ac = new AbortController();
  const stop = () => ac.abort();
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  return ac.signal;
}
