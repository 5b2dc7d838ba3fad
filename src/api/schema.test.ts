// Tests the schema index loader against the committed index and the vendored OpenAPI documents,
// and type-checks object literals against the generated types (tsc fails the build if they drift).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Deployment } from './generated/apps/v1.js';
import type { Container, ContainerPort, Pod, Service } from './generated/core/v1.js';
import type { ObjectMeta } from './generated/meta/v1.js';
import type { TypeInfo } from './schema-index.js';
import {
  fieldSchema,
  fieldValueSchemaName,
  getSchema,
  loadSchemaIndex,
  openapiDocumentPath,
  patchMetaFor,
  schemaForGVK,
  type PatchMeta,
} from './schema.js';
import { packageRoot, specPath } from './spec-path.js';

const CORE = 'io.k8s.api.core.v1';
const META = 'io.k8s.apimachinery.pkg.apis.meta.v1';

test('specPath finds the package root from the compiled module', () => {
  const pkg = JSON.parse(readFileSync(join(packageRoot(), 'package.json'), 'utf8')) as { name?: string };
  assert.equal(pkg.name, 'k8ts');
  assert.ok(existsSync(specPath('openapi', 'v3', 'api__v1_openapi.json')));
});

test('the index records the spec version and is cached', () => {
  const index = loadSchemaIndex();
  assert.equal(index.specVersion, 'v1.32');
  assert.equal(loadSchemaIndex(), index);
});

test('schemaForGVK maps kinds to their schemas', () => {
  const cases: [group: string, version: string, kind: string, schema: string][] = [
    ['', 'v1', 'Pod', `${CORE}.Pod`],
    ['', 'v1', 'Service', `${CORE}.Service`],
    ['', 'v1', 'ConfigMap', `${CORE}.ConfigMap`],
    ['', 'v1', 'Namespace', `${CORE}.Namespace`],
    ['', 'v1', 'Status', `${META}.Status`],
    ['apps', 'v1', 'Deployment', 'io.k8s.api.apps.v1.Deployment'],
    ['apps', 'v1', 'StatefulSet', 'io.k8s.api.apps.v1.StatefulSet'],
    ['batch', 'v1', 'CronJob', 'io.k8s.api.batch.v1.CronJob'],
    ['rbac.authorization.k8s.io', 'v1', 'ClusterRole', 'io.k8s.api.rbac.v1.ClusterRole'],
    ['networking.k8s.io', 'v1', 'Ingress', 'io.k8s.api.networking.v1.Ingress'],
    ['apiextensions.k8s.io', 'v1', 'CustomResourceDefinition', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.CustomResourceDefinition'],
    ['apps', 'v1', 'DeleteOptions', `${META}.DeleteOptions`],
  ];
  for (const [group, version, kind, schema] of cases) {
    const found = schemaForGVK(group, version, kind);
    assert.equal(found?.name, schema, `${group}/${version}/${kind}`);
    assert.equal(found?.schema.type, 'object');
  }
  assert.equal(schemaForGVK('', 'v1', 'Deployment'), undefined, 'Deployment is not in the core group');
  assert.equal(schemaForGVK('extensions', 'v1beta1', 'Deployment'), undefined, 'removed group-versions are absent');
  assert.equal(schemaForGVK('', 'v1', '__proto__'), undefined);
});

test('fieldSchema describes fields and their required-ness', () => {
  assert.deepEqual(getSchema(`${CORE}.PodSpec`)?.required, ['containers']);
  assert.deepEqual(getSchema(`${CORE}.Container`)?.required, ['name']);
  assert.equal(fieldSchema(`${CORE}.Pod`, 'spec')?.ref, `${CORE}.PodSpec`);
  assert.equal(fieldSchema(`${CORE}.Pod`, 'metadata')?.ref, `${META}.ObjectMeta`);
  assert.deepEqual(fieldSchema(`${META}.ObjectMeta`, 'labels'), { type: 'object', additionalProperties: { type: 'string', default: '' } });
  assert.equal(fieldSchema(`${CORE}.ContainerPort`, 'containerPort')?.format, 'int32');
  assert.equal(fieldSchema(`${CORE}.ServicePort`, 'targetPort')?.ref, 'io.k8s.apimachinery.pkg.util.intstr.IntOrString');
  assert.equal(fieldSchema(`${CORE}.Pod`, 'nope'), undefined);
  assert.equal(fieldSchema(`${CORE}.Pod`, 'constructor'), undefined, 'prototype keys are not fields');
  assert.equal(fieldSchema('no.such.Schema', 'spec'), undefined);
});

test('fieldValueSchemaName follows refs, list elements and map values', () => {
  assert.equal(fieldValueSchemaName(`${CORE}.Pod`, 'spec'), `${CORE}.PodSpec`);
  assert.equal(fieldValueSchemaName(`${CORE}.PodSpec`, 'containers'), `${CORE}.Container`);
  assert.equal(fieldValueSchemaName(`${CORE}.ResourceRequirements`, 'limits'), 'io.k8s.apimachinery.pkg.api.resource.Quantity');
  assert.equal(fieldValueSchemaName(`${META}.ObjectMeta`, 'labels'), undefined);
});

test('patchMetaFor returns strategic-merge-patch metadata', () => {
  const cases: [schema: string, field: string, want: PatchMeta][] = [
    [`${CORE}.PodSpec`, 'containers', { strategy: ['merge'], mergeKey: 'name' }],
    [`${CORE}.PodSpec`, 'volumes', { strategy: ['merge', 'retainKeys'], mergeKey: 'name' }],
    [`${CORE}.PodSpec`, 'tolerations', {}],
    [`${CORE}.Container`, 'ports', { strategy: ['merge'], mergeKey: 'containerPort' }],
    [`${CORE}.Container`, 'env', { strategy: ['merge'], mergeKey: 'name' }],
    [`${META}.ObjectMeta`, 'finalizers', { strategy: ['merge'] }],
    [`${META}.ObjectMeta`, 'ownerReferences', { strategy: ['merge'], mergeKey: 'uid' }],
    [`${META}.ObjectMeta`, 'labels', {}],
    ['io.k8s.api.apps.v1.DeploymentSpec', 'strategy', { strategy: ['retainKeys'] }],
    ['io.k8s.api.policy.v1.PodDisruptionBudgetSpec', 'selector', { strategy: ['replace'] }],
    [`${CORE}.PodSpec`, 'noSuchField', {}],
  ];
  for (const [schema, field, want] of cases) assert.deepEqual(patchMetaFor(schema, field), want, `${schema}.${field}`);
});

test('list metadata for server-side apply is kept beside the patch metadata', () => {
  const ports = fieldSchema(`${CORE}.Container`, 'ports');
  assert.equal(ports?.['x-kubernetes-list-type'], 'map');
  assert.deepEqual(ports?.['x-kubernetes-list-map-keys'], ['containerPort', 'protocol']);
  assert.equal(fieldSchema(`${META}.ObjectMeta`, 'finalizers')?.['x-kubernetes-list-type'], 'set');
  assert.equal(getSchema(`${META}.LabelSelector`)?.['x-kubernetes-map-type'], 'atomic');
});

test('every reference in the index resolves and every GVK names a schema', () => {
  const index = loadSchemaIndex();
  const names = new Set(Object.keys(index.schemas));
  const refs: string[] = [];
  const walk = (t: TypeInfo | undefined): void => {
    if (t === undefined) return;
    if (t.ref !== undefined) refs.push(t.ref);
    walk(t.items);
    walk(t.additionalProperties);
  };
  for (const schema of Object.values(index.schemas)) {
    walk(schema);
    for (const prop of Object.values(schema.properties ?? {})) walk(prop);
  }
  assert.ok(refs.length > 500, `expected many refs, found ${refs.length}`);
  assert.deepEqual(refs.filter((r) => !names.has(r)), []);
  assert.deepEqual(Object.values(index.gvks).filter((n) => !names.has(n)), []);
});

test('the index agrees with every vendored OpenAPI document', () => {
  const index = loadSchemaIndex();
  const dir = specPath('openapi', 'v3');
  const files = readdirSync(dir).filter((f) => f.endsWith('_openapi.json'));
  assert.equal(files.length, 22);
  type DocSchema = { properties?: Record<string, Record<string, unknown>>; 'x-kubernetes-group-version-kind'?: { group: string; version: string; kind: string }[] };
  for (const file of files) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as { components: { schemas: Record<string, DocSchema> } };
    for (const [name, schema] of Object.entries(doc.components.schemas)) {
      const entry = index.schemas[name];
      assert.ok(entry, `${file}: ${name} missing from the index`);
      assert.deepEqual(Object.keys(entry.properties ?? {}).sort(), Object.keys(schema.properties ?? {}).sort(), `${name} properties`);
      for (const [prop, p] of Object.entries(schema.properties ?? {})) {
        assert.equal(entry.properties?.[prop]?.['x-kubernetes-patch-strategy'], p['x-kubernetes-patch-strategy'], `${name}.${prop}`);
        assert.equal(entry.properties?.[prop]?.['x-kubernetes-patch-merge-key'], p['x-kubernetes-patch-merge-key'], `${name}.${prop}`);
      }
      for (const g of schema['x-kubernetes-group-version-kind'] ?? []) {
        assert.equal(index.gvks[`${g.group}/${g.version}/${g.kind}`], name);
      }
    }
  }
});

test('openapiDocumentPath follows upstream file naming', () => {
  const cases: [string, string][] = [
    ['v1', 'api__v1_openapi.json'],
    ['apps/v1', 'apis__apps__v1_openapi.json'],
    ['rbac.authorization.k8s.io/v1', 'apis__rbac.authorization.k8s.io__v1_openapi.json'],
  ];
  for (const [gv, file] of cases) {
    const path = openapiDocumentPath(gv);
    assert.equal(path, specPath('openapi', 'v3', file));
    assert.ok(existsSync(path), path);
  }
  for (const bad of ['', '/v1', 'apps/', '../v1', 'a/b/c', 'apps/../../x']) {
    assert.throws(() => openapiDocumentPath(bad), /invalid group-version/, JSON.stringify(bad));
  }
});

test('generated types accept real objects and reject wrong ones', () => {
  const metadata: ObjectMeta = { name: 'web', labels: { app: 'web' }, creationTimestamp: '2024-12-11T00:00:00Z' };
  const container: Container = {
    name: 'nginx',
    image: 'nginx:1.27',
    ports: [{ containerPort: 80, protocol: 'TCP', name: 'http' }],
    resources: { limits: { cpu: '100m', memory: '64Mi' } },
    livenessProbe: { httpGet: { port: 'http', path: '/healthz' }, periodSeconds: 10 },
    readinessProbe: { tcpSocket: { port: 80 } },
  };
  const pod: Pod = { apiVersion: 'v1', kind: 'Pod', metadata, spec: { containers: [container], restartPolicy: 'Always' } };
  const deployment: Deployment = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata,
    spec: {
      replicas: 3,
      selector: { matchLabels: { app: 'web' } },
      strategy: { type: 'RollingUpdate', rollingUpdate: { maxSurge: '25%', maxUnavailable: 1 } },
      template: { metadata: { labels: { app: 'web' } }, spec: { containers: [container] } },
    },
  };
  const service: Service = { spec: { selector: { app: 'web' }, ports: [{ port: 80, targetPort: 'http' }] } };

  // @ts-expect-error a Container needs a name: the spec lists it as required
  const nameless: Container = { image: 'nginx' };
  // @ts-expect-error containerPort is an int32, not a string
  const stringPort: ContainerPort = { containerPort: '80' };
  // @ts-expect-error a Deployment's spec needs a selector and a template
  const emptySpec: Deployment = { spec: {} };

  assert.equal(pod.spec?.containers[0]?.ports?.[0]?.containerPort, 80);
  assert.equal(deployment.spec?.template.spec?.containers.length, 1);
  assert.equal(service.spec?.ports?.[0]?.targetPort, 'http');
  assert.deepEqual([nameless.image, stringPort.containerPort, emptySpec.spec], ['nginx', '80', {}]);
});
