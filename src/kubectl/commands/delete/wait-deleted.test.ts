import { test } from 'node:test';
import assert from 'node:assert/strict';
import { statusError } from '../../../api/errors.js';
import type { Factory, ResourceInfo, ResourceMapping } from '../../types.js';
import { waitDeleted } from './wait-deleted.js';

const pods: ResourceMapping = { group: '', version: 'v1', resource: 'pods', singular: 'pod', kind: 'Pod', namespaced: true, shortNames: [], verbs: [], categories: [], subresources: [] };

/** A factory whose client answers GETs from a script: an object (by uid) or a 404. */
function fakeFactory(answers: Array<string | 404>, paths: string[]): Factory {
  const client = {
    request: (req: { path: string }) => {
      paths.push(req.path);
      const a = answers.shift() ?? 404;
      if (a === 404) return Promise.reject(statusError(404, 'NotFound', 'pods "x" not found'));
      return Promise.resolve({ metadata: { uid: a } });
    },
  };
  return { client: () => client } as unknown as Factory;
}

function clock() {
  let t = 0;
  return { now: () => t, sleep: (ms: number) => ((t += ms), Promise.resolve()) };
}

test('waits until the object is gone', async () => {
  const info: ResourceInfo = { mapping: pods, namespace: 'ns', name: 'x' };
  const paths: string[] = [];
  const c = clock();
  await waitDeleted(fakeFactory(['u1', 'u1', 404], paths), [info], { timeoutMs: 0, uids: new Map([[info, 'u1']]), ...c });
  assert.deepEqual(paths, ['/api/v1/namespaces/ns/pods/x', '/api/v1/namespaces/ns/pods/x', '/api/v1/namespaces/ns/pods/x']);
});

test('a namesake with another UID counts as deleted', async () => {
  const info: ResourceInfo = { mapping: pods, namespace: 'ns', name: 'x' };
  const paths: string[] = [];
  await waitDeleted(fakeFactory(['u2'], paths), [info], { timeoutMs: 0, uids: new Map([[info, 'u1']]), ...clock() });
  assert.equal(paths.length, 1);
});

test('gives up at the deadline with kubectl wording', async () => {
  const info: ResourceInfo = { mapping: pods, namespace: 'ns', name: 'x' };
  const answers = Array.from({ length: 100 }, () => 'u1');
  await assert.rejects(waitDeleted(fakeFactory(answers, []), [info], { timeoutMs: 1000, uids: new Map([[info, 'u1']]), ...clock() }), /timed out waiting for the condition on pods\/x/);
});
