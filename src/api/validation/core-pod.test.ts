import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultObject } from '../defaults.js';
import { fieldErrorString } from '../errors.js';
import type { Pod, ReplicationController } from '../generated/core/v1.js';
import { validateCreate, validateUpdate } from '../validation.js';

function pod(edit: (p: Pod) => void = () => undefined): Pod {
  const p: Pod = {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
    spec: {
      containers: [{ name: 'app', image: 'nginx:1.27', ports: [{ containerPort: 80 }], volumeMounts: [{ name: 'data', mountPath: '/data' }] }],
      volumes: [{ name: 'data', emptyDir: {} }],
    },
  };
  edit(p);
  return defaultObject(p);
}
const create = (p: Pod): string[] => validateCreate('Pod', p).map(fieldErrorString);
const c0 = (p: Pod) => p.spec?.containers[0] ?? { name: '' };

const cases: [string, (p: Pod) => void, string[]][] = [
  ['valid', () => undefined, []],
  ['containers required', (p) => p.spec && (p.spec.containers = []), ['spec.containers: Required value']],
  ['image required', (p) => delete c0(p).image, ['spec.containers[0].image: Required value']],
  ['duplicate container', (p) => p.spec?.containers.push({ name: 'app', image: 'x' }), ['spec.containers[1].name: Duplicate value: "app"']],
  [
    'container name',
    (p) => (c0(p).name = 'App'),
    [
      `spec.containers[0].name: Invalid value: "App": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')`,
    ],
  ],
  ['port range', (p) => (c0(p).ports = [{ containerPort: 70000 }]), ['spec.containers[0].ports[0].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive']],
  ['mount of unknown volume', (p) => (c0(p).volumeMounts = [{ name: 'nope', mountPath: '/x' }]), ['spec.containers[0].volumeMounts[0].name: Not found: "nope"']],
  ['two volume sources', (p) => p.spec?.volumes?.[0] && (p.spec.volumes[0].hostPath = { path: '/tmp' }), [
    'spec.volumes[0].hostPath: Forbidden: may not specify more than 1 volume type',
    'spec.containers[0].volumeMounts[0].name: Not found: "data"',
  ]],
  ['duplicate volume', (p) => p.spec?.volumes?.push({ name: 'data', emptyDir: {} }), ['spec.volumes[1].name: Duplicate value: "data"']],
  ['restartPolicy', (p) => p.spec && (p.spec.restartPolicy = 'Sometimes'), ['spec.restartPolicy: Unsupported value: "Sometimes": supported values: "Always", "OnFailure", "Never"']],
  [
    'dnsPolicy',
    (p) => p.spec && (p.spec.dnsPolicy = 'Bogus'),
    ['spec.dnsPolicy: Unsupported value: "Bogus": supported values: "ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"'],
  ],
  [
    'requests above limits',
    (p) => (c0(p).resources = { limits: { cpu: '500m' }, requests: { cpu: '1' } }),
    ['spec.containers[0].resources.requests: Invalid value: "1": must be less than or equal to cpu limit of 500m'],
  ],
  ['unknown resource', (p) => (c0(p).resources = { limits: { gpu: '1' } }), [
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.limits[gpu]: Invalid value: "gpu": must be a standard resource for containers',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource type or fully qualified',
    'spec.containers[0].resources.requests[gpu]: Invalid value: "gpu": must be a standard resource for containers',
  ]],
  ['liveness successThreshold', (p) => (c0(p).livenessProbe = { tcpSocket: { port: 80 }, successThreshold: 2 }), ['spec.containers[0].livenessProbe.successThreshold: Invalid value: 2: must be 1']],
  ['probe without handler', (p) => (c0(p).readinessProbe = {}), ['spec.containers[0].readinessProbe: Required value: must specify a handler type']],
  ['env name', (p) => (c0(p).env = [{ name: 'A=B', value: 'x' }]), [`spec.containers[0].env[0].name: Invalid value: "A=B": a valid environment variable name must consist only of printable ASCII characters other than '='`]],
  [
    'nodeName',
    (p) => p.spec && (p.spec.nodeName = 'Node_1'),
    [
      `spec.nodeName: Invalid value: "Node_1": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')`,
    ],
  ],
  [
    'toleration without key',
    (p) => p.spec && (p.spec.tolerations = [{ operator: 'Equal', value: 'x' }]),
    ['spec.tolerations[0].operator: Invalid value: "Equal": operator must be Exists when `key` is empty, which means "match all values and all keys"'],
  ],
  ['ephemeral containers on create', (p) => p.spec && (p.spec.ephemeralContainers = [{ name: 'dbg', image: 'busybox' }]), ['spec.ephemeralContainers: Forbidden: cannot be set on create']],
];

for (const [name, edit, want] of cases) test(`pod create: ${name}`, () => assert.deepEqual(create(pod(edit)), want));

test('pod update: image and activeDeadlineSeconds may change, other fields may not', () => {
  const old = pod();
  const newer = pod((p) => {
    c0(p).image = 'nginx:1.28';
    if (p.spec) p.spec.activeDeadlineSeconds = 30;
  });
  assert.deepEqual(validateUpdate('Pod', newer, old).map(fieldErrorString), []);
  const changed = pod((p) => p.spec && (p.spec.restartPolicy = 'Never'));
  const errs = validateUpdate('Pod', changed, old).map(fieldErrorString);
  assert.equal(errs.length, 1);
  assert.ok(
    errs[0]?.startsWith(
      'spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)\n',
    ),
    errs[0],
  );
  const fewer = pod((p) => p.spec?.containers.push({ name: 'side', image: 'x' }));
  assert.deepEqual(validateUpdate('Pod', fewer, old).map(fieldErrorString), ['spec.containers: Forbidden: pod updates may not add or remove containers']);
});

function rc(edit: (r: ReplicationController) => void = () => undefined): ReplicationController {
  const r: ReplicationController = {
    apiVersion: 'v1',
    kind: 'ReplicationController',
    metadata: { name: 'rc', namespace: 'default' },
    spec: { template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'c', image: 'nginx' }] } } },
  };
  edit(r);
  return defaultObject(r);
}

test('replicationcontroller: defaults selector and replicas, checks them', () => {
  const ok = rc();
  assert.deepEqual(ok.spec?.selector, { app: 'web' });
  assert.equal(ok.spec?.replicas, 1);
  assert.deepEqual(validateCreate('ReplicationController', ok).map(fieldErrorString), []);
  assert.deepEqual(
    validateCreate('ReplicationController', rc((r) => r.spec && (r.spec.selector = { app: 'db' }))).map(fieldErrorString),
    ['spec.template.metadata.labels: Invalid value: {"app":"web"}: `selector` does not match template `labels`'],
  );
  assert.deepEqual(validateCreate('ReplicationController', rc((r) => r.spec && (r.spec.replicas = -1))).map(fieldErrorString), [
    'spec.replicas: Invalid value: -1: must be greater than or equal to 0',
  ]);
});
