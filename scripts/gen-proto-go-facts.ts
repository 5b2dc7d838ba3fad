// Generates spec/generated/proto-go-facts.json: what the Go API types say about each protobuf
// field that the .proto files cannot: its JSON name, whether it is inlined into the parent's JSON
// (`json:",inline"`), whether Go drops its zero value from JSON (a non-pointer `omitempty` scalar),
// whether a message is a Go slice type (Verbs, ExtraValue), which fields are Go pointers and which
// have no omitempty (for encoding a typed object as Go does), and each API group's name (doc.go
// `+groupName`). The protobuf codec needs these to turn a Go-encoded body into the JSON that
// kube-apiserver would see (see src/api/proto/facts.ts).
//
// The Go sources are read from git repositories of the upstream staging repos at the pinned
// commits below (the same commits as spec/proto/SOURCE.md). Only derived facts are written.
//
// Run: node dist/scripts/gen-proto-go-facts.js --git k8s.io/api=<git dir> --git k8s.io/apimachinery=<git dir> \
//        --git k8s.io/apiextensions-apiserver=<git dir> --git k8s.io/metrics=<git dir>
// (after scripts/gen-proto.ts has written spec/generated/k8s-proto.json).
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import protobuf from 'protobufjs';
import { specPath } from '../src/api/spec-path.js';

/** Upstream module → commit of tag v0.32.13 (spec/proto/SOURCE.md). */
const pinned: Record<string, string> = {
  'k8s.io/api': '67a30ffc59c51566a502318fe0275fed1af3fdb7',
  'k8s.io/apimachinery': '59e9003f02d6f0c8fff53719a7a0604ec82ee9a9',
  'k8s.io/apiextensions-apiserver': '0cbd15053b9a5638d8d83495c10ffc44e8414128',
  'k8s.io/metrics': 'ffc42c084114e2add55457b62cd6155bf2f107cf',
};

interface GoField {
  name: string;
  type: string;
  json: string | undefined;
  omitempty: boolean;
  inline: boolean;
  protoNumber: number;
}

interface GoPackage {
  structs: Map<string, GoField[]>;
  sliceTypes: Set<string>;
  /** `type List metav1.List`: a named copy of another package's struct (same JSON as its fields). */
  aliases: Set<string>;
  groupName: string | undefined;
}

interface MessageFacts {
  json?: Record<string, string>;
  inline?: string[];
  omitZero?: string[];
  pointer?: string[];
  always?: string[];
  slice?: true;
}

function parseArgs(argv: string[]): Map<string, string> {
  const git = new Map<string, string>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const value = argv[i + 1];
    if (arg === '--git' && value !== undefined) {
      const eq = value.indexOf('=');
      if (eq < 0) throw new Error(`--git wants <module>=<git dir>, got ${value}`);
      git.set(value.slice(0, eq), value.slice(eq + 1));
      i++;
    } else {
      throw new Error(`unknown argument ${String(arg)}`);
    }
  }
  return git;
}

function git(gitDir: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitDir, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 });
}

/** Reads `key:"value"` pairs of a Go struct tag. */
function parseTag(tag: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const m of tag.matchAll(/(\w+):"([^"]*)"/g)) out.set(m[1] ?? '', m[2] ?? '');
  return out;
}

function parseField(line: string): GoField | undefined {
  const m = /^\s*(?:(\w+)\s+)?([^\s`]+)\s+`([^`]*)`/.exec(line);
  if (!m) return undefined;
  const tags = parseTag(m[3] ?? '');
  const pb = tags.get('protobuf');
  if (pb === undefined || pb === '-') return undefined;
  const protoNumber = Number(pb.split(',')[1]);
  if (!Number.isInteger(protoNumber)) return undefined;
  const type = m[2] ?? '';
  const name = m[1] ?? type.replace(/^\*/, '').replace(/^.*\./, '');
  const jsonTag = tags.get('json');
  const [jsonName, ...opts] = jsonTag === undefined ? [undefined] : jsonTag.split(',');
  return {
    name,
    type,
    // Go's encoding/json uses the field name when the tag gives none.
    json: jsonTag === undefined ? name : jsonName === '' ? undefined : jsonName,
    omitempty: opts.includes('omitempty'),
    inline: (jsonTag !== undefined && jsonName === '' && opts.includes('inline')) || (m[1] === undefined && jsonTag === undefined),
    protoNumber,
  };
}

function parseGoFile(text: string, pkg: GoPackage): void {
  let current: GoField[] | undefined;
  let depth = 0;
  for (const raw of text.split('\n')) {
    const line = raw.replace(/\s\/\/.*$/, '').replace(/^\s*\/\/.*$/, '');
    if (current === undefined) {
      const s = /^type (\w+) struct\s*\{\s*(\})?\s*$/.exec(line);
      if (s) {
        current = [];
        pkg.structs.set(s[1] ?? '', current);
        if (s[2] !== undefined) current = undefined;
        else depth = 1;
        continue;
      }
      const slice = /^type (\w+) \[\]\S+\s*$/.exec(line);
      if (slice) pkg.sliceTypes.add(slice[1] ?? '');
      const alias = /^type (\w+) \w+\.\w+\s*$/.exec(line);
      if (alias) pkg.aliases.add(alias[1] ?? '');
      const group = /^\/\/ \+groupName=(\S*)\s*$/.exec(raw);
      if (group) pkg.groupName = group[1] ?? '';
      continue;
    }
    if (/\bstruct \{\s*$/.test(line)) depth++;
    if (/^\s*\}/.test(line)) {
      depth--;
      if (depth === 0) current = undefined;
      continue;
    }
    if (depth !== 1) continue;
    const field = parseField(line);
    if (field) current.push(field);
  }
}

function loadGoPackage(gitDir: string, commit: string, dir: string): GoPackage {
  const pkg: GoPackage = { structs: new Map(), sliceTypes: new Set(), aliases: new Set(), groupName: undefined };
  const names = git(gitDir, 'ls-tree', '--name-only', commit, `${dir}/`).split('\n').filter(Boolean);
  for (const path of names) {
    const base = path.slice(path.lastIndexOf('/') + 1);
    if (!base.endsWith('.go') || base.endsWith('_test.go') || base.endsWith('.pb.go') || base.startsWith('zz_generated')) continue;
    parseGoFile(git(gitDir, 'show', `${commit}:${path}`), pkg);
  }
  return pkg;
}

/** Every namespace of the descriptor that came from one .proto file (it carries go_package). */
function protoPackages(root: protobuf.Root): Map<string, protobuf.Namespace> {
  const out = new Map<string, protobuf.Namespace>();
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const child of ns.nestedArray) {
      if (!(child instanceof protobuf.Namespace) || child instanceof protobuf.Type) continue;
      const goPackage: unknown = child.options?.['go_package'];
      if (typeof goPackage === 'string') out.set(goPackage, child);
      walk(child);
    }
  };
  walk(root);
  return out;
}

/** "apps/v1" from a Go package path and its +groupName; undefined for packages that are no API group. */
function groupVersion(goPackage: string, groupName: string | undefined): string | undefined {
  const parts = goPackage.split('/');
  const version = parts[parts.length - 1] ?? '';
  if (!/^v\d+((alpha|beta)\d+)?$/.test(version)) return undefined;
  const group = groupName ?? parts[parts.length - 2] ?? '';
  return group === '' ? version : `${group}/${version}`;
}

function isScalar(field: protobuf.Field): boolean {
  return !field.repeated && !field.map && !(field.resolvedType instanceof protobuf.Type);
}

function messageFacts(type: protobuf.Type, goFields: GoField[], unmatched: string[]): MessageFacts {
  const facts: MessageFacts = {};
  for (const field of type.fieldsArray) {
    const go = goFields.find((f) => f.protoNumber === field.id);
    if (!go) {
      unmatched.push(`${type.fullName.slice(1)}.${field.name}`);
      continue;
    }
    if (go.inline) (facts.inline ??= []).push(field.name);
    else if (go.json !== undefined && go.json !== field.name) (facts.json ??= {})[field.name] = go.json;
    // Go writes non-pointer fields to protobuf even when zero; its JSON drops them only with
    // omitempty. Pointers are written only when set, so a zero that arrives is meaningful.
    if (isScalar(field) && go.omitempty && (!go.type.startsWith('*') || field.type === 'bytes')) {
      (facts.omitZero ??= []).push(field.name);
    }
    // What a Go struct's own JSON shows (kubectl prints typed objects): an unset pointer is left
    // out or null, a field without omitempty is written even when empty.
    if (go.type.startsWith('*')) (facts.pointer ??= []).push(field.name);
    if (!go.omitempty && !go.inline) (facts.always ??= []).push(field.name);
  }
  return facts;
}

function main(): void {
  const repos = parseArgs(process.argv.slice(2));
  const generated = JSON.parse(readFileSync(specPath('generated', 'k8s-proto.json'), 'utf8')) as { descriptor: protobuf.INamespace };
  const root = protobuf.Root.fromJSON(generated.descriptor);
  root.resolveAll();

  const messages: Record<string, MessageFacts> = {};
  const groupVersions: Record<string, string> = {};
  const unmatched: string[] = [];
  for (const [goPackage, ns] of protoPackages(root)) {
    const module = Object.keys(pinned).find((m) => goPackage.startsWith(m + '/'));
    const commit = module === undefined ? undefined : pinned[module];
    const gitDir = module === undefined ? undefined : repos.get(module);
    if (module === undefined || commit === undefined || gitDir === undefined) throw new Error(`no --git for ${goPackage}`);
    const pkg = loadGoPackage(gitDir, commit, goPackage.slice(module.length + 1));
    const gv = groupVersion(goPackage, pkg.groupName);
    const protoPackage = ns.fullName.slice(1);
    if (gv !== undefined) groupVersions[gv] = protoPackage;
    for (const child of ns.nestedArray) {
      if (!(child instanceof protobuf.Type)) continue;
      const fullName = child.fullName.slice(1);
      if (pkg.sliceTypes.has(child.name)) {
        messages[fullName] = { slice: true };
        continue;
      }
      const goFields = pkg.structs.get(child.name);
      if (goFields === undefined && pkg.aliases.has(child.name)) continue;
      if (goFields === undefined) {
        unmatched.push(`${fullName} (no Go struct)`);
        continue;
      }
      const facts = messageFacts(child, goFields, unmatched);
      if (Object.keys(facts).length > 0) messages[fullName] = facts;
    }
  }
  const out = {
    generatedBy: 'scripts/gen-proto-go-facts.ts from the Go API types at the commits in "sources"; do not edit',
    sources: pinned,
    groupVersions: Object.fromEntries(Object.entries(groupVersions).sort(([a], [b]) => a.localeCompare(b))),
    messages: Object.fromEntries(Object.entries(messages).sort(([a], [b]) => a.localeCompare(b))),
    unmatched: unmatched.sort(),
  };
  writeFileSync(specPath('generated', 'proto-go-facts.json'), JSON.stringify(out, null, 1) + '\n');
  process.stdout.write(`gen-proto-go-facts: ${Object.keys(messages).length} messages with facts, ${unmatched.length} unmatched\n`);
  for (const u of unmatched) process.stdout.write(`  unmatched: ${u}\n`);
}

main();
