// The -o printers behind kubectl's verbs: formats, the List wrapper, managedFields, names, and
// kubectl's messages for bad formats and templates.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { KubeObject } from '../../client/types.js';
import { formatObjects, isObjectOutput, printAction, PrintError } from './output.js';

const managed = [{ manager: 'kubectl-create', operation: 'Update' }];
const cm = (name: string): KubeObject =>
  ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default', managedFields: managed }, data: { k: 'v' } }) as KubeObject;
const deploy = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web' } } as KubeObject;

test('yaml: one object alone, several as a v1 List; managedFields only when asked for', () => {
  assert.equal(formatObjects([cm('a')], 'yaml', { single: true }), 'apiVersion: v1\ndata:\n  k: v\nkind: ConfigMap\nmetadata:\n  name: a\n  namespace: default\n');
  assert.equal(
    formatObjects([cm('a'), cm('b')], 'yaml', { single: false }),
    [
      'apiVersion: v1',
      'items:',
      '- apiVersion: v1',
      '  data:',
      '    k: v',
      '  kind: ConfigMap',
      '  metadata:',
      '    name: a',
      '    namespace: default',
      '- apiVersion: v1',
      '  data:',
      '    k: v',
      '  kind: ConfigMap',
      '  metadata:',
      '    name: b',
      '    namespace: default',
      'kind: List',
      'metadata:',
      '  resourceVersion: ""',
      '',
    ].join('\n'),
  );
  // `single` is about how the objects were asked for: one found by a list still prints as a List.
  assert.match(formatObjects([cm('a')], 'yaml', { single: false }), /^apiVersion: v1\nitems:\n- apiVersion: v1/);
  assert.match(formatObjects([cm('a')], 'yaml', { single: true, showManagedFields: true }), /managedFields:\n  - manager: kubectl-create\n    operation: Update\n/);
  assert.equal(formatObjects([], 'yaml', { single: false }), 'apiVersion: v1\nitems: []\nkind: List\nmetadata:\n  resourceVersion: ""\n');
});

test('json: four-space indent, sorted keys, HTML-safe escapes, a trailing newline', () => {
  const o = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' }, data: { z: '<&>', a: '' } } as KubeObject;
  assert.equal(
    formatObjects([o], 'json', { single: true }),
    '{\n    "apiVersion": "v1",\n    "data": {\n        "a": "",\n        "z": "\\u003c\\u0026\\u003e"\n    },\n    "kind": "ConfigMap",\n    "metadata": {\n        "name": "a"\n    }\n}\n',
  );
  assert.equal(formatObjects([], 'json', { single: false }), '{\n    "apiVersion": "v1",\n    "items": [],\n    "kind": "List",\n    "metadata": {\n        "resourceVersion": ""\n    }\n}\n');
});

test('name: kind.group/name, the core group left out; printAction adds the verb and dry run', () => {
  assert.equal(formatObjects([cm('a'), deploy], 'name', { single: false }), 'configmap/a\ndeployment.apps/web\n');
  const out = new PassThrough();
  printAction(out, deploy, 'created');
  printAction(out, cm('a'), 'configured', 'client');
  printAction(out, cm('b'), 'deleted', 'server');
  assert.equal(String(out.read()), 'deployment.apps/web created\nconfigmap/a configured (dry run)\nconfigmap/b deleted (server dry run)\n');
});

test('jsonpath and go-template see the List for several objects and the object alone for one', () => {
  assert.equal(formatObjects([cm('a'), cm('b')], 'jsonpath={.kind} {.items[*].metadata.name}', { single: false }), 'List a b');
  assert.equal(formatObjects([cm('a')], 'jsonpath={.metadata.name}', { single: true }), 'a');
  assert.equal(formatObjects([cm('a')], 'jsonpath', { single: true, template: '{.kind}' }), 'ConfigMap');
  assert.equal(formatObjects([cm('a')], 'jsonpath-as-json={.metadata.name}', { single: true }), '[\n    "a"\n]\n');
  // Templates see managedFields: only yaml and json drop them.
  assert.equal(formatObjects([cm('a')], 'jsonpath={.metadata.managedFields[0].manager}', { single: true }), 'kubectl-create');
  assert.equal(formatObjects([cm('a'), cm('b')], 'go-template={{range .items}}{{.metadata.name}};{{end}}', { single: false }), 'a;b;');
  assert.equal(formatObjects([cm('a')], '', { single: true, template: '{{.kind}}' }), 'ConfigMap');
  assert.equal(formatObjects([cm('a')], 'template={{.x}}', { single: true }), '<no value>');
});

test('template errors read as kubectl words them', () => {
  assert.throws(() => formatObjects([cm('a')], 'jsonpath={.a[}', { single: true }), { message: 'error parsing jsonpath {.a[}, unterminated array' });
  assert.throws(() => formatObjects([cm('a')], 'jsonpath={.x}', { single: true, allowMissingKeys: false }), (e: unknown) => {
    const m = (e as Error).message;
    assert.ok(m.startsWith('error executing jsonpath "{.x}": Error executing template: x is not found. Printing more information for debugging the template:\n\ttemplate was:\n\t\t{.x}\n\tobject given to jsonpath engine was:\n\t\tmap[string]interface {}{"apiVersion":"v1", "data":map[string]interface {}{"k":"v"}'), m);
    assert.ok(m.endsWith('}\n\n'));
    return true;
  });
  assert.throws(() => formatObjects([cm('a')], 'go-template={{.x', { single: true }), { message: 'error parsing template {{.x, template: output:1: unclosed action' });
  assert.throws(
    () => formatObjects([deploy], 'go-template=a{{.x}}b{{index .metadata 1}}', { single: true }),
    (e: unknown) => {
      assert.ok(e instanceof PrintError);
      assert.equal(e.message, 'error executing template "a{{.x}}b{{index .metadata 1}}": template: output:1:10: executing "output" at <index .metadata 1>: error calling index: value has type int; should be string');
      assert.equal(
        e.output,
        'a<no value>bError executing template: template: output:1:10: executing "output" at <index .metadata 1>: error calling index: value has type int; should be string. Printing more information for debugging the template:\n' +
          '\ttemplate was:\n\t\ta{{.x}}b{{index .metadata 1}}\n\traw data was:\n\t\t{"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"}}\n' +
          '\tobject given to template engine was:\n\t\tmap[apiVersion:apps/v1 kind:Deployment metadata:map[name:web]]\n\n',
      );
      return true;
    },
  );
});

test('custom columns, inline and from a file (which ignores --no-headers)', () => {
  assert.equal(formatObjects([cm('a'), cm('bb')], 'custom-columns=NAME:.metadata.name,K:.data.k', { single: false, noHeaders: true }), 'a     v\nbb    v\n');
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cc-'));
  try {
    const file = join(dir, 'cols');
    writeFileSync(file, 'NAME KIND\n.metadata.name .kind\n');
    assert.equal(formatObjects([cm('a')], `custom-columns-file=${file}`, { single: true, noHeaders: true }), 'NAME   KIND\na      ConfigMap\n');
    assert.throws(() => formatObjects([cm('a')], `custom-columns-file=${join(dir, 'none')}`, { single: true }), { message: `error reading template ${join(dir, 'none')}, open ${join(dir, 'none')}: no such file or directory` });
    assert.throws(() => formatObjects([cm('a')], `jsonpath-file=${join(dir, 'none')}`, { single: true }), { message: `error reading --template ${join(dir, 'none')}, open ${join(dir, 'none')}: no such file or directory` });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('formats: which print objects, and kubectl messages for the wrong ones', () => {
  for (const o of ['yaml', 'JSON', 'name', 'jsonpath={.a}', 'jsonpath', 'go-template={{.}}', 'template', 'templatefile=x', 'custom-columns=A:.a', 'custom-columns-file=f', 'jsonpath-as-json=x']) assert.ok(isObjectOutput(o), o);
  for (const o of ['', 'wide', 'foo', 'jsonpathx']) assert.ok(!isObjectOutput(o), o);
  const allowed = 'allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml';
  assert.throws(() => formatObjects([cm('a')], 'foo', { single: true }), { message: `unable to match a printer suitable for the output format "foo", ${allowed}` });
  assert.throws(() => formatObjects([cm('a')], 'jsonpath={.a}', { single: true, template: '{.b}' }), { message: `unable to match a printer suitable for the output format "jsonpath={.a}", ${allowed}` });
  assert.throws(() => formatObjects([cm('a')], 'jsonpath', { single: true }), { message: 'template format specified but no template given' });
  assert.throws(() => formatObjects([cm('a')], 'custom-columns=', { single: true }), { message: 'custom-columns format specified but no custom columns given' });
});
