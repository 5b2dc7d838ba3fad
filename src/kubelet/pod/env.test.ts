import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ConfigMap, Container, Pod, Secret, Service, ServicePort } from '../../api/generated/core/v1.js';
import { containerEnv, EnvError, type EnvSources } from './env.js';
import { formatMap } from './fieldpath.js';
import { serviceEnvVars } from './service-env.js';

const b64 = (s: string) => Buffer.from(s).toString('base64');
const svc = (ns: string, name: string, clusterIP: string, ports: ServicePort[]): Service => ({
  metadata: { namespace: ns, name },
  spec: { clusterIP, ports },
});

function sources(o: { cms?: ConfigMap[]; secrets?: Secret[]; services?: Service[] } = {}): EnvSources {
  const find = <T extends { metadata?: { namespace?: string; name?: string } }>(xs: T[] | undefined, ns: string, name: string) =>
    xs?.find((x) => x.metadata?.namespace === ns && x.metadata.name === name);
  return {
    configMap: (ns, name) => Promise.resolve(find(o.cms, ns, name)),
    secret: (ns, name) => Promise.resolve(find(o.secrets, ns, name)),
    services: () => o.services ?? [],
  };
}

const pod = (c: Container, extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'prod', uid: 'u-1', labels: { app: 'web', tier: 'fe' }, annotations: { 'a.io/x': 'y"z' } },
  spec: { containers: [c], nodeName: 'node-1', serviceAccountName: 'sa', ...extra },
});
const rt = { nodeName: 'node-1', hostIP: '192.168.0.2', podIP: '10.42.0.7', podIPs: ['10.42.0.7', 'fd00::7'] };

test('service link variables', () => {
  const vars = serviceEnvVars([
    svc('prod', 'my-db.x', '10.43.0.20', [{ name: 'pg', port: 5432 }, { name: 'metrics-http', port: 9187, protocol: 'TCP' }, { port: 53, protocol: 'UDP', name: 'dns' }]),
    svc('prod', 'headless', 'None', [{ port: 80 }]),
    svc('prod', '9lives', 'fd00::10', [{ port: 80 }]),
  ]);
  assert.deepEqual(Object.fromEntries(vars.map((v) => [v.name, v.value])), {
    MY_DB_X_SERVICE_HOST: '10.43.0.20',
    MY_DB_X_SERVICE_PORT: '5432',
    MY_DB_X_SERVICE_PORT_PG: '5432',
    MY_DB_X_SERVICE_PORT_METRICS_HTTP: '9187',
    MY_DB_X_SERVICE_PORT_DNS: '53',
    MY_DB_X_PORT: 'tcp://10.43.0.20:5432',
    MY_DB_X_PORT_5432_TCP: 'tcp://10.43.0.20:5432',
    MY_DB_X_PORT_5432_TCP_PROTO: 'tcp',
    MY_DB_X_PORT_5432_TCP_PORT: '5432',
    MY_DB_X_PORT_5432_TCP_ADDR: '10.43.0.20',
    MY_DB_X_PORT_9187_TCP: 'tcp://10.43.0.20:9187',
    MY_DB_X_PORT_9187_TCP_PROTO: 'tcp',
    MY_DB_X_PORT_9187_TCP_PORT: '9187',
    MY_DB_X_PORT_9187_TCP_ADDR: '10.43.0.20',
    MY_DB_X_PORT_53_UDP: 'udp://10.43.0.20:53',
    MY_DB_X_PORT_53_UDP_PROTO: 'udp',
    MY_DB_X_PORT_53_UDP_PORT: '53',
    MY_DB_X_PORT_53_UDP_ADDR: '10.43.0.20',
    _9LIVES_SERVICE_HOST: 'fd00::10',
    _9LIVES_SERVICE_PORT: '80',
    _9LIVES_PORT: 'tcp://[fd00::10]:80',
    _9LIVES_PORT_80_TCP: 'tcp://[fd00::10]:80',
    _9LIVES_PORT_80_TCP_PROTO: 'tcp',
    _9LIVES_PORT_80_TCP_PORT: '80',
    _9LIVES_PORT_80_TCP_ADDR: 'fd00::10',
  });
});

test('environment: order, precedence and every source', async () => {
  const src = sources({
    cms: [{ metadata: { namespace: 'prod', name: 'cfg' }, data: { LEVEL: 'debug', MODE: 'a', 'bad=key': 'x', 'dotted.key': 'ok' } }],
    secrets: [{ metadata: { namespace: 'prod', name: 'creds' }, data: { PASSWORD: b64('s3cret'), MODE: b64('from-secret') } }],
    services: [
      svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443 }]),
      svc('prod', 'api', '10.43.0.30', [{ port: 8080 }]),
      svc('other', 'elsewhere', '10.43.0.31', [{ port: 1 }]),
    ],
  });
  const c: Container = {
    name: 'app',
    resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { memory: '1Gi' } },
    envFrom: [{ configMapRef: { name: 'cfg' } }, { secretRef: { name: 'creds' }, prefix: 'S_' }, { configMapRef: { name: 'absent', optional: true } }],
    env: [
      { name: 'LEVEL', value: 'info' },
      { name: 'URL', value: 'http://$(API_SERVICE_HOST):$(API_SERVICE_PORT)/$(LEVEL)/$(UNKNOWN)/$$(LEVEL)' },
      { name: 'POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
      { name: 'NS', valueFrom: { fieldRef: { fieldPath: 'metadata.namespace' } } },
      { name: 'UID', valueFrom: { fieldRef: { fieldPath: 'metadata.uid' } } },
      { name: 'APP', valueFrom: { fieldRef: { fieldPath: "metadata.labels['app']" } } },
      { name: 'NOLABEL', valueFrom: { fieldRef: { fieldPath: "metadata.labels['nope']" } } },
      { name: 'ANN', valueFrom: { fieldRef: { fieldPath: "metadata.annotations['a.io/x']" } } },
      { name: 'LABELS', valueFrom: { fieldRef: { fieldPath: 'metadata.labels' } } },
      { name: 'NODE', valueFrom: { fieldRef: { fieldPath: 'spec.nodeName' } } },
      { name: 'SA', valueFrom: { fieldRef: { fieldPath: 'spec.serviceAccountName' } } },
      { name: 'HOST_IP', valueFrom: { fieldRef: { fieldPath: 'status.hostIP' } } },
      { name: 'HOST_IPS', valueFrom: { fieldRef: { fieldPath: 'status.hostIPs' } } },
      { name: 'POD_IP', valueFrom: { fieldRef: { fieldPath: 'status.podIP' } } },
      { name: 'POD_IPS', valueFrom: { fieldRef: { fieldPath: 'status.podIPs' } } },
      { name: 'CPU_REQ_M', valueFrom: { resourceFieldRef: { resource: 'requests.cpu', divisor: '1m' } } },
      { name: 'CPU_LIMIT', valueFrom: { resourceFieldRef: { resource: 'limits.cpu' } } },
      { name: 'MEM_LIMIT_MI', valueFrom: { resourceFieldRef: { resource: 'limits.memory', divisor: '1Mi' } } },
      { name: 'MEM_REQ', valueFrom: { resourceFieldRef: { resource: 'requests.memory' } } },
      { name: 'FROM_CM', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'MODE' } } },
      { name: 'FROM_SECRET', valueFrom: { secretKeyRef: { name: 'creds', key: 'PASSWORD' } } },
      { name: 'OPT_KEY', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'missing', optional: true } } },
      { name: 'OPT_SECRET', valueFrom: { secretKeyRef: { name: 'gone', key: 'k', optional: true } } },
      { name: 'EMPTY' },
      { name: 'KUBERNETES_SERVICE_PORT', value: '1234' },
    ],
  };
  const warnings: string[] = [];
  const env = await containerEnv(pod(c), c, src, { ...rt, nodeAllocatable: { cpu: '4', memory: '8Gi' }, onInvalidKeys: (m) => warnings.push(m) });
  const names = env.map((e) => e.name);
  const m = Object.fromEntries(env.map((e) => [e.name, e.value]));
  assert.equal(new Set(names).size, names.length, 'no duplicates');
  // Service variables come first, except those the container defines itself.
  assert.equal(names[0]?.startsWith('API_') || names[0]?.startsWith('KUBERNETES_'), true);
  assert.ok(names.indexOf('KUBERNETES_SERVICE_HOST') < names.indexOf('LEVEL'));
  assert.ok(names.indexOf('KUBERNETES_SERVICE_PORT') > names.indexOf('LEVEL'), 'overridden service var takes the container position');
  assert.equal(m['KUBERNETES_SERVICE_PORT'], '1234');
  assert.equal(m['KUBERNETES_SERVICE_HOST'], '10.43.0.1');
  assert.equal(m['API_PORT'], 'tcp://10.43.0.30:8080');
  assert.equal(m['ELSEWHERE_SERVICE_HOST'], undefined, 'other namespaces are invisible');
  // envFrom then env: env wins, in place; later envFrom wins over earlier.
  assert.ok(names.indexOf('LEVEL') < names.indexOf('S_PASSWORD'));
  assert.equal(m['LEVEL'], 'info');
  assert.equal(m['MODE'], 'a');
  assert.equal(m['S_MODE'], 'from-secret');
  assert.equal(m['S_PASSWORD'], 's3cret');
  assert.equal(m['dotted.key'], 'ok');
  assert.equal(m['bad=key'], undefined);
  assert.deepEqual(warnings, ['Keys [bad=key] from the EnvFrom configMap prod/cfg were skipped since they are considered invalid environment variable names.']);
  assert.equal(m['URL'], 'http://10.43.0.30:8080/info/$(UNKNOWN)/$(LEVEL)');
  assert.equal(m['POD'], 'web');
  assert.equal(m['NS'], 'prod');
  assert.equal(m['UID'], 'u-1');
  assert.equal(m['APP'], 'web');
  assert.equal(m['NOLABEL'], '');
  assert.equal(m['ANN'], 'y"z');
  assert.equal(m['LABELS'], 'app="web"\ntier="fe"');
  assert.equal(m['NODE'], 'node-1');
  assert.equal(m['SA'], 'sa');
  assert.equal(m['HOST_IP'], '192.168.0.2');
  assert.equal(m['HOST_IPS'], '192.168.0.2');
  assert.equal(m['POD_IP'], '10.42.0.7');
  assert.equal(m['POD_IPS'], '10.42.0.7,fd00::7');
  assert.equal(m['CPU_REQ_M'], '250');
  assert.equal(m['CPU_LIMIT'], '4', 'unset limit is node allocatable');
  assert.equal(m['MEM_LIMIT_MI'], '1024');
  assert.equal(m['MEM_REQ'], String(64 * 1024 * 1024));
  assert.equal(m['FROM_CM'], 'a');
  assert.equal(m['FROM_SECRET'], 's3cret');
  assert.equal('OPT_KEY' in m, false);
  assert.equal('OPT_SECRET' in m, false);
  assert.equal(m['EMPTY'], '');
});

test('enableServiceLinks=false keeps only the master service', async () => {
  const src = sources({ services: [svc('default', 'kubernetes', '10.43.0.1', [{ name: 'https', port: 443 }]), svc('prod', 'api', '10.43.0.30', [{ port: 80 }])] });
  const c: Container = { name: 'a' };
  const env = await containerEnv(pod(c, { enableServiceLinks: false }), c, src, rt);
  assert.deepEqual(env.map((e) => e.name).filter((n) => n.startsWith('API_')), []);
  assert.ok(env.some((e) => e.name === 'KUBERNETES_SERVICE_HOST'));
});

test('missing references fail with the kubelet messages', async () => {
  const src = sources({ cms: [{ metadata: { namespace: 'prod', name: 'cfg' }, data: { A: '1' } }], secrets: [{ metadata: { namespace: 'prod', name: 's' }, data: {} }] });
  const cases: [Container, string][] = [
    [{ name: 'a', envFrom: [{ configMapRef: { name: 'x' } }] }, 'configmap "x" not found'],
    [{ name: 'a', envFrom: [{ secretRef: { name: 'x' } }] }, 'secret "x" not found'],
    [{ name: 'a', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'x', key: 'k' } } }] }, 'configmap "x" not found'],
    [{ name: 'a', env: [{ name: 'V', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'k' } } }] }, "couldn't find key k in ConfigMap prod/cfg"],
    [{ name: 'a', env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 'x', key: 'k' } } }] }, 'secret "x" not found'],
    [{ name: 'a', env: [{ name: 'V', valueFrom: { secretKeyRef: { name: 's', key: 'k' } } }] }, "couldn't find key k in Secret prod/s"],
    [{ name: 'a', env: [{ name: 'V', valueFrom: { fieldRef: { fieldPath: 'spec.bogus' } } }] }, 'unsupported fieldPath: spec.bogus'],
    [{ name: 'a', env: [{ name: 'V', valueFrom: { resourceFieldRef: { resource: 'limits.gpu' } } }] }, 'unsupported container resource : limits.gpu'],
  ];
  for (const [c, msg] of cases) {
    await assert.rejects(containerEnv(pod(c), c, src, rt), (e: Error) => e instanceof EnvError && e.message === msg && e.reason === 'CreateContainerConfigError', msg);
  }
});

test('labels and annotations format like Go %q', () => {
  assert.equal(formatMap({ b: 'x\ny', a: 'tab\there', c: 'ü' }), 'a="tab\\there"\nb="x\\ny"\nc="ü"');
  assert.equal(formatMap({}), '');
});
