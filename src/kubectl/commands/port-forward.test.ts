import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod, Service } from '../../api/generated/core/v1.js';
import { podPortNumbers, translateServicePorts } from './port-forward.js';

const pod = {
  metadata: { name: 'web-1' },
  spec: { containers: [{ name: 'c', ports: [{ name: 'http', containerPort: 8080 }, { name: 'dns', containerPort: 53, protocol: 'UDP' }] }] },
} as Pod;

const svc = {
  metadata: { name: 'web' },
  spec: {
    clusterIP: '10.0.0.1',
    ports: [
      { name: 'http', port: 80, targetPort: 'http' },
      { name: 'alt', port: 81, targetPort: 9090 },
      { name: 'same', port: 82 },
      { name: 'dns', port: 53, protocol: 'UDP', targetPort: 53 },
    ],
  },
} as Service;

const svcCases: { spec: string; want: string | RegExp }[] = [
  { spec: '80', want: '80:8080' },
  { spec: '8000:80', want: '8000:8080' },
  { spec: ':80', want: ':8080' },
  { spec: 'http', want: '80:8080' },
  { spec: '9000:http', want: '9000:8080' },
  { spec: '81', want: '81:9090' },
  { spec: '82', want: '82' },
  { spec: '99', want: /^CliError: Service web does not have a service port 99$/ },
  { spec: 'nope', want: /^CliError: Service 'web' does not have a named port 'nope'$/ },
  { spec: '53', want: /^CliError: UDP protocol is not supported for 53$/ },
];

for (const c of svcCases) {
  test(`service port ${c.spec} → pod port`, () => {
    if (c.want instanceof RegExp) assert.throws(() => translateServicePorts([c.spec], svc, pod), c.want);
    else assert.deepEqual(translateServicePorts([c.spec], svc, pod), [c.want]);
  });
}

test('a headless service forwards the port as given', () => {
  const headless = { ...svc, spec: { ...svc.spec, clusterIP: 'None' } } as Service;
  assert.deepEqual(translateServicePorts(['81'], headless, pod), ['81']);
});

const podCases: { spec: string; want: string | RegExp }[] = [
  { spec: '8080', want: '8080' },
  { spec: '9000:http', want: '9000:8080' },
  { spec: 'http', want: '8080' },
  // As kubectl: the UDP check looks the empty name up first.
  { spec: '9000:', want: /^CliError: Pod 'web-1' does not have a named port ''$/ },
  { spec: 'nope', want: /^CliError: Pod 'web-1' does not have a named port 'nope'$/ },
  { spec: '53', want: /^CliError: UDP protocol is not supported for 53$/ },
];

for (const c of podCases) {
  test(`pod port ${c.spec}`, () => {
    if (c.want instanceof RegExp) assert.throws(() => podPortNumbers([c.spec], pod), c.want);
    else assert.deepEqual(podPortNumbers([c.spec], pod), [c.want]);
  });
}
