import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import type { Pod } from '../../api/generated/core/v1.js';
import type { KubeObject } from '../../client/types.js';
import type { Factory } from '../types.js';
import { logQuery, logSources, prefixOf, type SourceOptions } from './logs.js';

function sink(): Writable & { text: () => string } {
  let text = '';
  const w = new Writable({ write: (c: Buffer, _e, cb) => ((text += c.toString()), cb()) }) as Writable & { text: () => string };
  w.text = () => text;
  return w;
}

const pod = (name: string, containers: string[], extra: { init?: string[]; annotations?: Record<string, string> } = {}): Pod =>
  ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'ns', annotations: extra.annotations },
    spec: { containers: containers.map((n) => ({ name: n })), initContainers: extra.init?.map((n) => ({ name: n })) },
  });

/** Pods and PodLists need no API calls. */
const noApi = {} as Factory;

async function sources(obj: KubeObject, o: Partial<SourceOptions> = {}) {
  const stderr = sink();
  const list = await logSources(noApi, obj, { container: '', allContainers: false, allPods: false, timeoutMs: 1000, stderr, ...o });
  return { list: list.map((s) => `${s.pod}/${s.container} ${s.fieldPath}`), stderr: stderr.text() };
}

test('logs of a one-container pod: that container, no notice', async () => {
  assert.deepEqual(await sources(pod('p', ['c'])), { list: ['p/c spec.containers{c}'], stderr: '' });
});

test('logs of a pod with several containers: the first, with kubectl\'s notice', async () => {
  assert.deepEqual(await sources(pod('p', ['a', 'b'], { init: ['i'] })), { list: ['p/a spec.containers{a}'], stderr: 'Defaulted container "a" out of: a, b, i (init)\n' });
});

test('the default-container annotation wins; a wrong one is reported', async () => {
  assert.deepEqual(await sources(pod('p', ['a', 'b'], { annotations: { 'kubectl.kubernetes.io/default-container': 'b' } })), { list: ['p/b spec.containers{b}'], stderr: '' });
  const r = await sources(pod('p', ['a', 'b'], { annotations: { 'kubectl.kubernetes.io/default-container': 'z' } }));
  assert.equal(r.stderr, 'Default container name "z" not found in pod p\nDefaulted container "a" out of: a, b\n');
});

test('--all-containers: init, then regular containers; -c must exist', async () => {
  assert.deepEqual((await sources(pod('p', ['a', 'b'], { init: ['i'] }), { allContainers: true })).list, ['p/i spec.initContainers{i}', 'p/a spec.containers{a}', 'p/b spec.containers{b}']);
  await assert.rejects(sources(pod('p', ['a']), { container: 'x' }), /^CliError: container x is not valid for pod p$/);
});

test('a PodList (from -l): every pod', async () => {
  const list = { kind: 'PodList', apiVersion: 'v1', items: [pod('p1', ['c']), pod('p2', ['c'])] } as KubeObject;
  assert.deepEqual((await sources(list)).list, ['p1/c spec.containers{c}', 'p2/c spec.containers{c}']);
});

test('an object that selects no pods by design', async () => {
  await assert.rejects(sources({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' } }), /^CliError: cannot get the logs from \*v1\.ConfigMap: selector for \*v1\.ConfigMap not implemented$/);
});

test('prefix and query', () => {
  assert.equal(prefixOf({ namespace: 'ns', pod: 'p', container: 'c', fieldPath: 'spec.initContainers{c}' }), '[pod/p/c] ');
  assert.equal(prefixOf({ namespace: 'ns', pod: 'p', container: 'c', fieldPath: '' }), '');
  assert.deepEqual(Object.entries(logQuery('c', { follow: true, tailLines: 10, sinceSeconds: 3600, timestamps: true, previous: false, limitBytes: 100 })), [
    ['container', 'c'],
    ['follow', 'true'],
    ['limitBytes', '100'],
    ['sinceSeconds', '3600'],
    ['tailLines', '10'],
    ['timestamps', 'true'],
  ]);
});
