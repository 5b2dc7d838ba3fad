import assert from 'node:assert/strict';
import { test } from 'node:test';
import { combineResourceGroup, compactRules } from './rbac.js';

test('compactRules: one row per group/resource/name with merged verbs, URL rules per verb, sorted by Go string', () => {
  const rows = compactRules([
    { apiGroups: ['', 'apps'], resources: ['pods', 'deployments'], verbs: ['get', 'list'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['delete', 'get'] },
    { apiGroups: [''], resources: ['secrets'], resourceNames: ['a'], verbs: ['get'] },
    { nonResourceURLs: ['/healthz'], verbs: ['get', 'post'] },
  ]).map((r) => [combineResourceGroup(r.resources, r.apiGroups), (r.nonResourceURLs ?? []).join(','), (r.resourceNames ?? []).join(','), r.verbs.join(',')].join('|'));
  assert.deepEqual(rows, ['pods|||get,list,delete', 'deployments|||get,list', 'deployments.apps|||get,list', 'pods.apps|||get,list', '|/healthz||get', 'secrets||a|get', '|/healthz||post']);
});

test('combineResourceGroup: group after the resource, subresource last', () => {
  assert.equal(combineResourceGroup(['deployments/scale'], ['apps']), 'deployments.apps/scale');
  assert.equal(combineResourceGroup(['pods'], ['']), 'pods');
  assert.equal(combineResourceGroup([], ['apps']), '');
});
