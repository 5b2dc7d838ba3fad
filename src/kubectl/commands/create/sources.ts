/**
 * Where `create configmap` and `create secret generic` get their data: `--from-literal=k=v`,
 * `--from-file=[key=]path` (a file, or every regular file of a directory), `--from-env-file`, and
 * the `--append-hash` suffix. Errors are worded as kubectl's.
 */
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, statSync, type Stats } from 'node:fs';
import { basename, join } from 'node:path';
import { isEnvVarName } from '../../../api/validation/names.js';
import { CliError } from '../../errors.js';
import { goJSON } from './gojson.js';

/** `key=value` of `--from-literal` (the value may contain `=`). */
export function parseLiteralSource(source: string): [string, string] {
  const eq = source.indexOf('=');
  if (eq <= 0) throw new CliError(`invalid literal source ${source}, expected key=value`);
  return [source.slice(0, eq), source.slice(eq + 1)];
}

/** `[key=]path` of `--from-file`: the key defaults to the file's base name. */
export function parseFileSource(source: string): [string, string] {
  const n = source.split('=').length - 1;
  if (n === 0) return [basename(source.replace(/\\/g, '/')) || '.', source];
  if (n === 1 && source.startsWith('=')) throw new CliError(`key name for file path ${source.slice(1)} missing`);
  if (n === 1 && source.endsWith('=')) throw new CliError(`file path for key name ${source.slice(0, -1)} missing`);
  if (n > 1) throw new CliError("key names or file paths cannot contain '='");
  const [k = '', p = ''] = source.split('=');
  return [k, p];
}

function goErrno(e: unknown): string {
  const code = (e as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'no such file or directory';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'is a directory';
  return e instanceof Error ? e.message : String(e);
}

function statOrThrow(path: string): Stats {
  try {
    return statSync(path);
  } catch (e) {
    throw new CliError(`error reading ${path}: ${goErrno(e)}`);
  }
}

/**
 * Visits each `--from-file` source as (key, bytes). A directory contributes its regular files in
 * name order, keyed by file name; giving a key for a directory is an error.
 */
export function visitFileSources(sources: string[], add: (key: string, data: Buffer) => void): void {
  for (const source of sources) {
    const [key, path] = parseFileSource(source);
    const st = statOrThrow(path);
    if (st.isDirectory()) {
      if (source.includes('=')) throw new CliError('cannot give a key name for a directory path');
      let entries;
      try {
        entries = readdirSync(path, { withFileTypes: true });
      } catch (e) {
        throw new CliError(`error listing files in ${path}: ${goErrno(e)}`);
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      for (const entry of entries) if (entry.isFile()) add(entry.name, readFileSync(join(path, entry.name)));
    } else {
      let data: Buffer;
      try {
        data = readFileSync(path);
      } catch (e) {
        throw new CliError(`open ${path}: ${goErrno(e)}`);
      }
      add(key, data);
    }
  }
}

/**
 * Visits each `--from-env-file` as (key, value) lines: blank lines and `#` comments skipped, a
 * UTF-8 BOM dropped from the first line, `KEY` alone taking its value from the environment.
 */
export function visitEnvFiles(files: string[], what: 'config' | 'secret', add: (key: string, value: string) => void, env: NodeJS.ProcessEnv = process.env): void {
  for (const file of files) {
    const st = statOrThrow(file);
    if (st.isDirectory()) throw new CliError(`env ${what} file cannot be a directory`);
    const raw = readFileSync(file);
    // bufio.Scanner's lines: split on \n, drop one trailing \r, no empty last line.
    const lines = raw.toString('latin1').split('\n');
    if (lines[lines.length - 1] === '') lines.pop();
    lines.forEach((latin, i) => {
      let bytes = Buffer.from(latin.endsWith('\r') ? latin.slice(0, -1) : latin, 'latin1');
      const text = bytes.toString('utf8');
      if (Buffer.from(text, 'utf8').compare(bytes) !== 0) {
        throw new CliError(`env file ${file} contains invalid utf8 bytes at line ${i + 1}: [${[...bytes].join(' ')}]`);
      }
      if (i === 0 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
      const line = bytes.toString('utf8').replace(/^\s+/u, '');
      if (line === '' || line.startsWith('#')) return;
      const eq = line.indexOf('=');
      const key = eq < 0 ? line : line.slice(0, eq);
      const errs = isEnvVarName(key);
      if (errs.length > 0) throw new CliError(`${JSON.stringify(key)} is not a valid key name: ${errs.join(';')}`);
      add(key, eq < 0 ? (env[key] ?? '') : line.slice(eq + 1));
    });
  }
}

/** kubectl's hash suffix: the first 10 hex digits of a SHA-256, with vowel-ish digits swapped out. */
function encodeHash(hex: string): string {
  const swap: Record<string, string> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' };
  return [...hex.slice(0, 10)].map((c) => swap[c] ?? c).join('');
}

const sha = (s: string) => createHash('sha256').update(s, 'utf8').digest('hex');

/** `--append-hash` for a ConfigMap (hash.ConfigMapHash): over kind, name, data and binaryData. */
export function configMapHash(cm: { name: string; data: Record<string, string>; binaryData: Record<string, string> }): string {
  const m: Record<string, unknown> = { kind: 'ConfigMap', name: cm.name, data: cm.data };
  if (Object.keys(cm.binaryData).length > 0) m['binaryData'] = cm.binaryData;
  return encodeHash(sha(goJSON(m, { sortKeys: true })));
}

/** `--append-hash` for a Secret (hash.SecretHash): over kind, type, name and data (base64). */
export function secretHash(s: { name: string; type: string; data: Record<string, string> }): string {
  return encodeHash(sha(goJSON({ kind: 'Secret', type: s.type, name: s.name, data: s.data }, { sortKeys: true })));
}
