import { test } from 'node:test';
import assert from 'node:assert/strict';
import { accessTable, breakdown, combineResourceGroup, compact, type RulesReviewStatus } from './rules.js';

// kubectl 1.32's `auth can-i --list` for this review status (served by a stub API server).
const status: RulesReviewStatus = {
  "resourceRules": [
    {
      "verbs": [
        "get",
        "list",
        "watch"
      ],
      "apiGroups": [
        ""
      ],
      "resources": [
        "pods",
        "pods/log",
        "services"
      ]
    },
    {
      "verbs": [
        "create"
      ],
      "apiGroups": [
        "authorization.k8s.io"
      ],
      "resources": [
        "selfsubjectaccessreviews",
        "selfsubjectrulesreviews"
      ]
    },
    {
      "verbs": [
        "get",
        "update"
      ],
      "apiGroups": [
        "apps"
      ],
      "resources": [
        "deployments"
      ],
      "resourceNames": [
        "web",
        "api"
      ]
    },
    {
      "verbs": [
        "list",
        "get"
      ],
      "apiGroups": [
        ""
      ],
      "resources": [
        "pods"
      ]
    },
    {
      "verbs": [
        "*"
      ],
      "apiGroups": [
        "*"
      ],
      "resources": [
        "*"
      ]
    },
    {
      "verbs": [
        "use"
      ],
      "apiGroups": [
        "policy"
      ],
      "resources": [
        "podsecuritypolicies"
      ],
      "resourceNames": [
        "restricted"
      ]
    }
  ],
  "nonResourceRules": [
    {
      "verbs": [
        "get"
      ],
      "nonResourceURLs": [
        "/healthz",
        "/version",
        "/api/*"
      ]
    },
    {
      "verbs": [
        "get",
        "post"
      ],
      "nonResourceURLs": [
        "/healthz"
      ]
    }
  ],
  "incomplete": true,
  "evaluationError": "webhook authorizer does not support user rule resolution"
};

test('can-i --list: rules broken down, merged per resource and sorted as kubectl does', () => {
  assert.equal(accessTable(status, false), "Resources                                       Non-Resource URLs   Resource Names   Verbs\n*.*                                             []                  []               [*]\nselfsubjectaccessreviews.authorization.k8s.io   []                  []               [create]\nselfsubjectrulesreviews.authorization.k8s.io    []                  []               [create]\npods/log                                        []                  []               [get list watch]\npods                                            []                  []               [get list watch]\nservices                                        []                  []               [get list watch]\ndeployments.apps                                []                  [api]            [get update]\ndeployments.apps                                []                  [web]            [get update]\n                                                [/api/*]            []               [get]\n                                                [/healthz]          []               [get]\n                                                [/healthz]          []               [get]\n                                                [/version]          []               [get]\n                                                [/healthz]          []               [post]\npodsecuritypolicies.policy                      []                  [restricted]     [use]\n");
});

test('can-i --list --no-headers', () => {
  assert.equal(accessTable(status, true), "*.*                                             []           []             [*]\nselfsubjectaccessreviews.authorization.k8s.io   []           []             [create]\nselfsubjectrulesreviews.authorization.k8s.io    []           []             [create]\npods/log                                        []           []             [get list watch]\npods                                            []           []             [get list watch]\nservices                                        []           []             [get list watch]\ndeployments.apps                                []           [api]          [get update]\ndeployments.apps                                []           [web]          [get update]\n                                                [/api/*]     []             [get]\n                                                [/healthz]   []             [get]\n                                                [/healthz]   []             [get]\n                                                [/version]   []             [get]\n                                                [/healthz]   []             [post]\npodsecuritypolicies.policy                      []           [restricted]   [use]\n");
});

test('rules: breakdown needs a group for resource rules, and pairs URLs with verbs', () => {
  assert.deepEqual(breakdown({ verbs: ['get'], resources: ['pods'] }), []);
  assert.deepEqual(breakdown({ verbs: ['get', 'post'], nonResourceURLs: ['/a'] }), [
    { nonResourceURLs: ['/a'], verbs: ['get'] },
    { nonResourceURLs: ['/a'], verbs: ['post'] },
  ]);
});

test('rules: compact merges verbs of the same resource in first-seen order', () => {
  const rules = [
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
    { nonResourceURLs: ['/x'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list'] },
  ];
  assert.deepEqual(compact(rules), [
    { nonResourceURLs: ['/x'], verbs: ['get'] },
    { apiGroups: [''], resources: ['pods'], verbs: ['list', 'get'] },
  ]);
});

test('rules: combineResourceGroup puts the group before the subresource', () => {
  assert.equal(combineResourceGroup(['deployments/scale'], ['apps']), 'deployments.apps/scale');
  assert.equal(combineResourceGroup(['pods'], ['']), 'pods');
  assert.equal(combineResourceGroup([], ['apps']), '');
});
