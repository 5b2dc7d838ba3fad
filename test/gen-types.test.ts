// Tests scripts/gen-types: the committed generated files are exactly what the generator makes from
// the vendored spec (so nobody edits them by hand or forgets to regenerate), and its parts behave.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { packageRoot, specPath } from '../src/api/spec-path.js';
import { summarize } from '../scripts/gen-types/docs.js';
import { tsType } from '../scripts/gen-types/emit-ts.js';
import { GENERATED_TS_DIR, generate } from '../scripts/gen-types/generate.js';
import { aliasOf, importSpecifier, moduleOf } from '../scripts/gen-types/modules.js';
import { loadSpec, readVersion } from '../scripts/gen-types/spec.js';

const root = packageRoot();

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? listFiles(join(dir, e.name)) : [relative(root, join(dir, e.name))],
  );
}

test('committed generated files match the generator output', () => {
  const spec = loadSpec(specPath('openapi', 'v3'), readVersion(specPath('openapi', 'VERSION')));
  assert.deepEqual(spec.conflicts, []);
  const files = generate(spec);
  const first = [...files.entries()];
  assert.deepEqual([...generate(spec).entries()], first, 'generation is deterministic');
  for (const [path, content] of files) {
    const onDisk = existsSync(join(root, path)) ? readFileSync(join(root, path), 'utf8') : undefined;
    assert.ok(onDisk === content, `${path} is stale or edited by hand: run npm run gen:types`);
  }
  const extra = listFiles(join(root, GENERATED_TS_DIR)).filter((p) => !files.has(p));
  assert.deepEqual(extra, [], 'files in the generated directory that the generator does not make');
});

test('schema names map to unambiguous modules', () => {
  const cases: [string, string, string][] = [
    ['io.k8s.api.core.v1.Pod', 'core/v1', 'k8s.io/api/core/v1'],
    ['io.k8s.api.rbac.v1.Role', 'rbac/v1', 'k8s.io/api/rbac/v1'],
    ['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta', 'meta/v1', 'k8s.io/apimachinery/pkg/apis/meta/v1'],
    ['io.k8s.apimachinery.pkg.util.intstr.IntOrString', 'apimachinery/intstr', 'k8s.io/apimachinery/pkg/util/intstr'],
    ['io.k8s.kube-aggregator.pkg.apis.apiregistration.v1.APIService', 'apiregistration/v1', 'k8s.io/kube-aggregator/pkg/apis/apiregistration/v1'],
  ];
  for (const [name, path, goPackage] of cases) {
    const info = moduleOf(name);
    assert.deepEqual([info.path, info.goPackage], [path, goPackage], name);
  }
  assert.throws(() => moduleOf('com.example.v1.Widget'), /no module mapping/);
  assert.equal(aliasOf('apimachinery/intstr'), 'apimachineryIntstr');
  assert.equal(importSpecifier('apps/v1', 'meta/v1'), '../meta/v1.js');
});

test('tsType renders schemas as TypeScript', () => {
  const refer = (n: string): string => `X.${n.slice(n.lastIndexOf('.') + 1)}`;
  const cases: [unknown, string][] = [
    [{ type: 'integer', format: 'int64' }, 'number'],
    [{ type: 'string', format: 'byte' }, 'string'],
    [{ type: 'array', items: { allOf: [{ $ref: '#/components/schemas/a.b.Container' }] } }, 'X.Container[]'],
    [{ type: 'object', additionalProperties: { type: 'array', items: { type: 'string' } } }, 'Record<string, string[]>'],
    [{ type: 'array', items: { oneOf: [{ type: 'integer' }, { type: 'string' }] } }, 'Array<number | string>'],
    [{ type: 'string', enum: ['Always', 'Never'] }, '"Always" | "Never"'],
    [{ type: 'object' }, 'Record<string, unknown>'],
    [{}, 'unknown'],
  ];
  for (const [schema, want] of cases) assert.equal(tsType(schema as Parameters<typeof tsType>[0], refer), want, JSON.stringify(schema));
});

test('summarize keeps short text and trims long text to a sentence', () => {
  assert.equal(summarize(undefined), '');
  assert.equal(summarize('Short.\n\nSecond paragraph.'), 'Short.');
  const long = `Name must be unique within a namespace, e.g. web. ${'More words follow here. '.repeat(20)}`;
  assert.equal(summarize(long), 'Name must be unique within a namespace, e.g. web.');
  const run = 'word '.repeat(100);
  const cut = summarize(run);
  assert.ok(cut.length <= 201 && cut.endsWith('…'), cut);
});
