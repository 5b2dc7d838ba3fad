import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defaultObject } from '../defaults.js';
import { fieldErrorString } from '../errors.js';
import type { Service } from '../generated/core/v1.js';
import { validateCreate, validateUpdate } from '../validation.js';

function svc(edit: (s: Service) => void = () => undefined): Service {
  const s: Service = {
    apiVersion: 'v1',
    kind: 'Service',
    metadata: { name: 'web', namespace: 'default', resourceVersion: '1' },
    spec: { selector: { app: 'web' }, ports: [{ port: 80 }] },
  };
  edit(s);
  return defaultObject(s);
}
const create = (s: Service): string[] => validateCreate('Service', s).map(fieldErrorString);
const spec = (s: Service) => s.spec ?? {};

const cases: [string, (s: Service) => void, string[]][] = [
  ['valid', () => undefined, []],
  ['headless without ports', (s) => ((spec(s).ports = []), (spec(s).clusterIP = 'None')), []],
  ['ExternalName without ports', (s) => ((spec(s).ports = []), (spec(s).type = 'ExternalName'), (spec(s).externalName = 'example.com')), []],
  ['ports required', (s) => (spec(s).ports = []), ['spec.ports: Required value']],
  ['port range', (s) => (spec(s).ports = [{ port: 0, targetPort: 80 }]), ['spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive']],
  ['names required when several', (s) => (spec(s).ports = [{ port: 80 }, { port: 81 }]), ['spec.ports[0].name: Required value', 'spec.ports[1].name: Required value']],
  ['duplicate names', (s) => (spec(s).ports = [{ name: 'a', port: 80 }, { name: 'a', port: 81 }]), ['spec.ports[1].name: Duplicate value: "a"']],
  ['type', (s) => (spec(s).type = 'Magic'), ['spec.type: Unsupported value: "Magic": supported values: "ClusterIP", "ExternalName", "LoadBalancer", "NodePort"']],
  [
    'nodePort out of range',
    (s) => ((spec(s).type = 'NodePort'), (spec(s).ports = [{ port: 80, nodePort: 80 }])),
    ['spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767'],
  ],
  ['nodePort on ClusterIP', (s) => (spec(s).ports = [{ port: 80, nodePort: 30080 }]), ["spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"]],
  [
    'name must be DNS-1035',
    (s) => s.metadata && (s.metadata.name = '1web'),
    [
      `metadata.name: Invalid value: "1web": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')`,
    ],
  ],
];

for (const [name, edit, want] of cases) test(`service create: ${name}`, () => assert.deepEqual(create(svc(edit)), want));

test('service update: clusterIP may not change once set', () => {
  const old = svc((s) => (spec(s).clusterIP = '10.96.0.10'));
  assert.deepEqual(validateUpdate('Service', svc((s) => (spec(s).clusterIP = '10.96.0.10')), old).map(fieldErrorString), []);
  assert.deepEqual(validateUpdate('Service', svc((s) => (spec(s).clusterIP = '10.96.0.11')), old).map(fieldErrorString), [
    'spec.clusterIPs[0]: Invalid value: ["10.96.0.11"]: may not change once set',
  ]);
});

test('service defaults', () => {
  const s = svc((s) => (spec(s).type = 'NodePort'));
  assert.deepEqual(s.spec, {
    selector: { app: 'web' },
    ports: [{ port: 80, protocol: 'TCP', targetPort: 80 }],
    sessionAffinity: 'None',
    type: 'NodePort',
    externalTrafficPolicy: 'Cluster',
    internalTrafficPolicy: 'Cluster',
    ipFamilyPolicy: 'SingleStack',
    ipFamilies: ['IPv4'],
  });
});
