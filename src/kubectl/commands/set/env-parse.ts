/**
 * kubectl's env argument handling (set/env/env_parse.go): splitting resources from `KEY=VALUE` and
 * `KEY-` arguments, parsing them (and `-` for lines from stdin), and merging into a container's env.
 */
import type { EnvVar } from '../../../api/generated/core/v1.js';
import { CliError } from '../../errors.js';

const ENV_NAME = /^[-._a-zA-Z][-._a-zA-Z0-9]*$/;
const ENV_NAME_ERROR =
  "a valid environment variable name must consist of alphabetic characters, digits, '_', '-', or '.', and must not start with a digit (e.g. 'my.env-name',  or 'MY_ENV.NAME',  or 'MyEnvName1', regex used for validation is '[-._a-zA-Z][-._a-zA-Z0-9]*')";

/** True for `anything=anything` (the value may be empty) and for `KEY-`. */
const isEnvArg = (s: string): boolean => /^[\s\S]+=[\s\S]*$/.test(s) || s.endsWith('-');

/** Resources must come before env arguments; returns undefined when they do not. */
export function splitEnvironmentFromResources(args: string[]): { resources: string[]; envArgs: string[] } | undefined {
  const resources: string[] = [];
  const envArgs: string[] = [];
  for (const s of args) {
    if (isEnvArg(s)) envArgs.push(s);
    else if (envArgs.length > 0) return undefined;
    else resources.push(s);
  }
  return { resources, envArgs };
}

/** `NAME=value` lines, `#` comments cut (kubectl's readEnv). */
export function readEnvLines(text: string): EnvVar[] {
  const out: EnvVar[] = [];
  for (let line of text.split('\n')) {
    const hash = line.indexOf('#');
    if (hash >= 0) line = line.slice(0, hash);
    const eq = line.indexOf('=');
    if (eq >= 0) out.push({ name: line.slice(0, eq), value: line.slice(eq + 1) });
  }
  return out;
}

/** kubectl's ParseEnv: variables to set, names to remove, and whether stdin was read. */
export function parseEnv(specs: string[], stdin: () => string): { env: EnvVar[]; remove: string[]; usedStdin: boolean } {
  const env: EnvVar[] = [];
  const remove: string[] = [];
  const set = new Set<string>();
  let usedStdin = false;
  for (const spec of specs) {
    if (spec === '-') {
      env.push(...readEnvLines(stdin()));
      usedStdin = true;
    } else if (spec.includes('=')) {
      const eq = spec.indexOf('=');
      const name = spec.slice(0, eq);
      if (!ENV_NAME.test(name)) throw new CliError(`"${name}" is not a valid key name: ${ENV_NAME_ERROR}`);
      set.add(name);
      env.push({ name, value: spec.slice(eq + 1) });
    } else if (spec.endsWith('-')) {
      remove.push(spec.slice(0, -1));
    } else {
      throw new CliError(`unknown environment variable: ${spec}`);
    }
  }
  if (remove.some((r) => set.has(r))) throw new CliError('can not both modify and remove the same environment variable in the same command');
  return { env, remove, usedStdin };
}

/**
 * kubectl's updateEnv: replace variables of the same name in place, drop removed ones, append the
 * new ones; unrelated duplicates stay. A removal wins over an addition.
 */
export function updateEnv(existing: EnvVar[], env: EnvVar[], remove: string[]): EnvVar[] {
  const out: EnvVar[] = [];
  const covered = new Set(remove);
  for (const e of existing) {
    if (covered.has(e.name)) continue;
    const newer = env.find((x) => x.name === e.name);
    if (newer) {
      covered.add(e.name);
      out.push(newer);
      continue;
    }
    out.push(e);
  }
  for (const e of env) {
    if (covered.has(e.name)) continue;
    covered.add(e.name);
    out.push(e);
  }
  return out;
}
