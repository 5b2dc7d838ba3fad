/**
 * Reading `-f` arguments (YAML 1.1, as kubectl's go-yaml reads them: `y` and `on` are booleans): files, directories (`.json`, `.yaml`, `.yml`; recursive with `-R`),
 * `-` for stdin and http(s) URLs. Multi-document YAML is split, `List` kinds are flattened, and
 * YAML aliases are capped so an alias bomb is refused instead of eating memory.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import type { Readable } from 'node:stream';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../client/types.js';
import { CliError } from './errors.js';

/** One object from a manifest and where it came from (the path, `STDIN` or the URL). */
export interface Manifest {
  object: KubeObject;
  source: string;
}

const EXTENSIONS = new Set(['.json', '.yaml', '.yml']);

async function readAll(stream: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

function listDir(dir: string, recursive: boolean): string[] {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    const p = join(dir, name);
    const st = statSync(p);
    if (st.isDirectory()) {
      if (recursive) out.push(...listDir(p, recursive));
    } else if (EXTENSIONS.has(extname(name))) {
      out.push(p);
    }
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Splits text into objects; throws CliError worded as kubectl's decode and validation errors. */
export function parseManifestText(text: string, source: string): Manifest[] {
  const out: Manifest[] = [];
  const docs = parseAllDocuments(text, { uniqueKeys: false, version: '1.1' });
  for (const doc of Array.isArray(docs) ? docs : [docs]) {
    if (doc.errors.length > 0) {
      throw new CliError(`error parsing ${source}: ${doc.errors[0]?.message.split('\n')[0] ?? 'invalid YAML'}`);
    }
    let value: unknown;
    try {
      value = doc.toJS({ maxAliasCount: 100 });
    } catch (e) {
      throw new CliError(`error parsing ${source}: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (value === null || value === undefined) continue;
    if (!isObject(value)) throw new CliError(`error validating "${source}": error validating data: invalid object to validate; if you choose to ignore these errors, turn validation off with --validate=false`);
    const missing = [...(typeof value['apiVersion'] === 'string' && value['apiVersion'] ? [] : ['apiVersion not set']), ...(typeof value['kind'] === 'string' && value['kind'] ? [] : ['kind not set'])];
    if (missing.length > 0) throw new CliError(`error validating "${source}": error validating data: [${missing.join(', ')}]; if you choose to ignore these errors, turn validation off with --validate=false`);
    const kind = value['kind'] as string;
    if (kind.endsWith('List') && Array.isArray(value['items'])) {
      for (const item of value['items']) if (isObject(item)) out.push({ object: item, source });
      continue;
    }
    out.push({ object: value, source });
  }
  return out;
}

/** Reads every `-f` argument in order. */
export async function readManifests(filenames: string[], o: { recursive?: boolean; stdin: Readable }): Promise<Manifest[]> {
  const out: Manifest[] = [];
  for (const name of filenames) {
    if (name === '-') {
      out.push(...parseManifestText(await readAll(o.stdin), 'STDIN'));
      continue;
    }
    if (/^https?:\/\//.test(name)) {
      const res = await fetch(name);
      if (!res.ok) throw new CliError(`unable to read URL "${name}", server reported ${res.status} ${res.statusText}, status code=${res.status}`);
      out.push(...parseManifestText(await res.text(), name));
      continue;
    }
    let st;
    try {
      st = statSync(name);
    } catch {
      throw new CliError(`the path "${name}" does not exist`);
    }
    const files = st.isDirectory() ? listDir(name, o.recursive ?? false) : [name];
    for (const file of files) out.push(...parseManifestText(readFileSync(file, 'utf8'), file));
  }
  // No objects is for the verb to word ("no objects passed to create" / "… to apply").
  return out;
}
