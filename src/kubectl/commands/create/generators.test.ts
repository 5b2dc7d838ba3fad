import { test } from 'node:test';
import assert from 'node:assert/strict';
import { goJSON } from './gojson.js';
import { configMapHash, parseFileSource, parseLiteralSource, secretHash } from './sources.js';
import { dockerConfigJSON } from './secret-docker.js';
import { parsePorts } from './service.js';
import { containerName } from './deployment.js';
import { ingressRules, ingressTLS } from './ingress.js';
import { toLabelSelector } from './pdb.js';
import { parseResourceList, parseScopes } from './quota.js';
import { normalizeVerbs, parseResourceArgs } from './role.js';
import { withApplyAnnotation, LAST_APPLIED } from './run.js';

test('goJSON escapes HTML characters as Go does and sorts keys only when asked', () => {
  assert.equal(goJSON({ b: '<&>', a: [1, null, undefined], c: undefined }), '{"b":"\\u003c\\u0026\\u003e","a":[1,null,null]}');
  assert.equal(goJSON({ b: 1, a: { d: 1, c: 2 } }, { sortKeys: true }), '{"a":{"c":2,"d":1},"b":1}');
});

test('--append-hash suffixes equal the real kubectl ones', () => {
  // Values observed from kubectl 1.32 `--dry-run=client` on the same inputs.
  assert.equal(configMapHash({ name: 'cm', data: { a: '1' }, binaryData: {} }), '9hfg4tdfc6');
  assert.equal(secretHash({ name: 's', type: '', data: { a: 'MQ==', b: 'dHdv' } }), '94gh8mgm6c');
  assert.equal(secretHash({ name: 's', type: 'kubernetes.io/foo', data: { a: 'MQ==' } }), 'f9k845f7cb');
  const docker = Buffer.from(dockerConfigJSON({ username: 'u', password: 'p', email: '', server: 'reg.io' })).toString('base64');
  assert.equal(secretHash({ name: 'd', type: 'kubernetes.io/dockerconfigjson', data: { '.dockerconfigjson': docker } }), 'gbt5bg94c5');
});

test('dockerconfigjson keeps Go field order and leaves out empty fields', () => {
  assert.equal(
    dockerConfigJSON({ username: 'u', password: 'p', email: 'e@x.com', server: 'https://index.docker.io/v1/' }),
    '{"auths":{"https://index.docker.io/v1/":{"username":"u","password":"p","email":"e@x.com","auth":"dTpw"}}}',
  );
});

test('literal and file sources parse and fail as kubectl words it', () => {
  assert.deepEqual(parseLiteralSource('b=x=y'), ['b', 'x=y']);
  assert.throws(() => parseLiteralSource('a'), /invalid literal source a, expected key=value/);
  assert.throws(() => parseLiteralSource('=a'), /invalid literal source =a/);
  const cases: Array<[string, [string, string] | RegExp]> = [
    ['/x/y/file.txt', ['file.txt', '/x/y/file.txt']],
    ['k=/p', ['k', '/p']],
    ['=/p', /key name for file path \/p missing/],
    ['k=', /file path for key name k missing/],
    ['a=b=c', /key names or file paths cannot contain '='/],
  ];
  for (const [input, want] of cases) {
    if (want instanceof RegExp) assert.throws(() => parseFileSource(input), want, input);
    else assert.deepEqual(parseFileSource(input), want, input);
  }
});

test('service port specs', () => {
  assert.deepEqual(parsePorts('80'), { port: 80, targetPort: 80 });
  assert.deepEqual(parsePorts('80:8080'), { port: 80, targetPort: 8080 });
  assert.deepEqual(parsePorts('443:https'), { port: 443, targetPort: 'https' });
  assert.throws(() => parsePorts('abc'), /strconv.ParseUint: parsing "abc": invalid syntax/);
  assert.throws(() => parsePorts('70000'), /value out of range/);
  assert.throws(() => parsePorts('80:0'), /must be between 1 and 65535, inclusive/);
  assert.throws(() => parsePorts('80:Bad_Name'), /must contain only alpha-numeric characters/);
});

test('container names come from the image, made DNS-safe with a random suffix', () => {
  assert.equal(containerName('nginx'), 'nginx');
  assert.equal(containerName('registry.k8s.io/pause:3.9'), 'pause');
  assert.equal(containerName('busybox@sha256:abc'), 'busybox');
  assert.equal(containerName('my_img.v2:1', () => 0), 'my-img-v2-bbbbb');
});

test('ingress rules group paths by host and TLS entries by secret', () => {
  const rules = ['foo.com/*=svc:http,tls=sec', '/path=svc:80', 'foo.com/a=svc2:8080', 'bar.com/=svc:80,tls=sec', 'baz.com/=svc:80,tls'];
  assert.deepEqual(ingressRules(rules), [
    {
      host: 'foo.com',
      http: {
        paths: [
          { path: '/', pathType: 'Prefix', backend: { service: { name: 'svc', port: { name: 'http' } } } },
          { path: '/a', pathType: 'Exact', backend: { service: { name: 'svc2', port: { number: 8080 } } } },
        ],
      },
    },
    { host: undefined, http: { paths: [{ path: '/path', pathType: 'Exact', backend: { service: { name: 'svc', port: { number: 80 } } } }] } },
    { host: 'bar.com', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'svc', port: { number: 80 } } } }] } },
    { host: 'baz.com', http: { paths: [{ path: '/', pathType: 'Exact', backend: { service: { name: 'svc', port: { number: 80 } } } }] } },
  ]);
  assert.deepEqual(ingressTLS(rules), [{ hosts: ['foo.com', 'bar.com'], secretName: 'sec' }, { hosts: ['baz.com'], secretName: undefined }]);
});

test('pdb selectors convert as metav1.ParseToLabelSelector', () => {
  assert.deepEqual(toLabelSelector('tier in (b,a),app=web,!gone'), {
    matchLabels: { app: 'web' },
    matchExpressions: [
      { key: 'gone', operator: 'DoesNotExist', values: undefined },
      { key: 'tier', operator: 'In', values: ['a', 'b'] },
    ],
  });
  assert.throws(() => toLabelSelector('a!=b'), /"!=" is not a valid label selector operator/);
});

test('quota hard limits are canonical quantities; bad input is worded as kubectl', () => {
  assert.deepEqual(parseResourceList('pods=10,cpu=1000m,memory=1024Mi'), { cpu: '1', memory: '1Gi', pods: '10' });
  assert.equal(parseResourceList(''), undefined);
  assert.throws(() => parseResourceList('cpu'), /Invalid argument syntax cpu, expected <resource>=<value>/);
  assert.throws(() => parseResourceList('cpu=abc'), /quantities must match the regular expression/);
  assert.throws(() => parseScopes('a,,b'), /invalid resource quota scope ""/);
});

test('role verbs and resources', () => {
  assert.deepEqual(normalizeVerbs(['get', 'list', 'get']), ['get', 'list']);
  assert.deepEqual(normalizeVerbs(['get', '*', 'list']), ['*']);
  assert.deepEqual(parseResourceArgs(['pods', 'rs.apps', 'pods/status']), [
    { resource: 'pods', group: '', subResource: '' },
    { resource: 'rs', group: 'apps', subResource: '' },
    { resource: 'pods', group: '', subResource: 'status' },
  ]);
  assert.deepEqual(parseResourceArgs(['pods', '*', 'nodes']), [{ resource: '*', group: '', subResource: '' }]);
});

test('--save-config stores the object without the annotation, in Go field order', () => {
  const obj = { kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'x', creationTimestamp: null }, spec: {}, status: {} };
  const out = withApplyAnnotation(obj as never) as { metadata: Record<string, unknown> };
  assert.deepEqual(Object.keys(out.metadata), ['name', 'creationTimestamp', 'annotations']);
  assert.equal((out.metadata['annotations'] as Record<string, string>)[LAST_APPLIED], '{"kind":"Namespace","apiVersion":"v1","metadata":{"name":"x","creationTimestamp":null},"spec":{},"status":{}}\n');
});
