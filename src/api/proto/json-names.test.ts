// Checks mechanically that the JSON the codec produces for each message has exactly the
// properties the OpenAPI v3 spec (spec/openapi/v3) lists for the same Go type, and pins the few
// places where a proto field name is not the JSON name (renames and inlined messages).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { test } from 'node:test';
import protobuf from 'protobufjs';
import { specPath } from '../spec-path.js';
import { planOf } from './plan.js';
import { loadProtoSchema } from './schema.js';
import { wellKnownTypes } from './wellknown.js';

interface OpenApiDoc {
  components?: { schemas?: Record<string, { properties?: Record<string, unknown> }> };
}

/** Proto field name → JSON name (or "(inline)") where they differ, by message; reviewed by hand. */
const EXPECTED_DIFFERENCES: Record<string, Record<string, string>> = {
  'k8s.io.api.authentication.v1.BoundObjectReference': { uID: 'uid' },
  'k8s.io.api.networking.v1.IngressClassParametersReference': { aPIGroup: 'apiGroup' },
  'k8s.io.apiextensions_apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps': {
    ref: '$ref',
    schema: '$schema',
    xKubernetesPreserveUnknownFields: 'x-kubernetes-preserve-unknown-fields',
    xKubernetesEmbeddedResource: 'x-kubernetes-embedded-resource',
    xKubernetesIntOrString: 'x-kubernetes-int-or-string',
    xKubernetesListMapKeys: 'x-kubernetes-list-map-keys',
    xKubernetesListType: 'x-kubernetes-list-type',
    xKubernetesMapType: 'x-kubernetes-map-type',
    xKubernetesValidations: 'x-kubernetes-validations',
  },
  'k8s.io.api.core.v1.Volume': { volumeSource: '(inline)' },
  'k8s.io.api.core.v1.PersistentVolumeSpec': { persistentVolumeSource: '(inline)' },
  'k8s.io.api.core.v1.Probe': { handler: '(inline)' },
  'k8s.io.api.core.v1.EphemeralContainer': { ephemeralContainerCommon: '(inline)' },
  'k8s.io.api.core.v1.ConfigMapEnvSource': { localObjectReference: '(inline)' },
  'k8s.io.api.core.v1.ConfigMapKeySelector': { localObjectReference: '(inline)' },
  'k8s.io.api.core.v1.ConfigMapProjection': { localObjectReference: '(inline)' },
  'k8s.io.api.core.v1.ConfigMapVolumeSource': { localObjectReference: '(inline)' },
  'k8s.io.api.core.v1.SecretEnvSource': { localObjectReference: '(inline)' },
  'k8s.io.api.core.v1.SecretKeySelector': { localObjectReference: '(inline)' },
  'k8s.io.api.core.v1.SecretProjection': { localObjectReference: '(inline)' },
  'k8s.io.api.networking.v1.IngressRule': { ingressRuleValue: '(inline)' },
};

const schema = loadProtoSchema();

/** Go package path → proto package, from the go_package options kept in the descriptor. */
function protoPackagesByGoPackage(): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const child of ns.nestedArray) {
      if (!(child instanceof protobuf.Namespace) || child instanceof protobuf.Type) continue;
      const goPackage: unknown = child.options?.['go_package'];
      if (typeof goPackage === 'string') out.set(goPackage, child.fullName.slice(1));
      walk(child);
    }
  };
  walk(schema.root);
  return out;
}

/** The JSON property names a message's JSON object has, inlined messages expanded. */
function jsonKeys(type: protobuf.Type): string[] {
  return planOf(schema, type).fields.flatMap((f) => (f.inline && f.message !== undefined ? jsonKeys(f.message) : [f.json]));
}

function messageDifferences(type: protobuf.Type): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of planOf(schema, type).fields) {
    if (f.inline) out[f.name] = '(inline)';
    else if (f.json !== f.name) out[f.name] = f.json;
  }
  return out;
}

test('every message with an OpenAPI schema has exactly the OpenAPI properties as JSON keys', () => {
  const packages = protoPackagesByGoPackage();
  const dir = specPath('openapi', 'v3');
  const mismatches: string[] = [];
  const compared = new Set<string>();
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json'))) {
    const doc = JSON.parse(readFileSync(`${dir}/${file}`, 'utf8')) as OpenApiDoc;
    for (const [name, def] of Object.entries(doc.components?.schemas ?? {})) {
      if (!name.startsWith('io.k8s.') || def.properties === undefined || compared.has(name)) continue;
      // io.k8s.api.apps.v1.Deployment → Go package k8s.io/api/apps/v1, type Deployment.
      const parts = name.split('.');
      const typeName = parts.pop() ?? '';
      const pkg = packages.get(['k8s.io', ...parts.slice(2)].join('/'));
      const type = pkg === undefined ? undefined : schema.type(`${pkg}.${typeName}`);
      if (type === undefined || wellKnownTypes.has(`${pkg}.${typeName}`)) continue;
      compared.add(name);
      const got = jsonKeys(type).sort();
      // apiVersion/kind of top-level kinds come from the embedded Go TypeMeta, which has no proto
      // field (the envelope carries it); where they are real fields (ObjectReference) they must match.
      const want = Object.keys(def.properties)
        .filter((p) => (p !== 'apiVersion' && p !== 'kind') || got.includes(p))
        .sort();
      const missing = want.filter((p) => !got.includes(p));
      const extra = got.filter((p) => !want.includes(p));
      if (missing.length > 0 || extra.length > 0) mismatches.push(`${name}: missing ${missing.join(',')} extra ${extra.join(',')}`);
    }
  }
  assert.deepEqual(mismatches, []);
  // The spec covers the core groups: make sure the loop really compared them.
  assert.ok(compared.size > 400, `compared only ${compared.size} schemas`);
  assert.ok(compared.has('io.k8s.api.core.v1.PodSpec') && compared.has('io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSONSchemaProps'));
});

test('proto field names differ from JSON names exactly where expected', () => {
  const found: Record<string, Record<string, string>> = {};
  const walk = (ns: protobuf.NamespaceBase): void => {
    for (const child of ns.nestedArray) {
      if (child instanceof protobuf.Type) {
        const fullName = child.fullName.slice(1);
        const diff = messageDifferences(child);
        if (Object.keys(diff).length > 0 && !wellKnownTypes.has(fullName)) found[fullName] = diff;
      }
      if (child instanceof protobuf.Namespace || child instanceof protobuf.Type) walk(child);
    }
  };
  walk(schema.root);
  // runtime.Unknown is the envelope, never an object's JSON.
  delete found['k8s.io.apimachinery.pkg.runtime.Unknown'];
  assert.deepEqual(found, EXPECTED_DIFFERENCES);
});

test('the Go facts cover every proto field except the hand-written well-known types', () => {
  const facts = JSON.parse(readFileSync(specPath('generated', 'proto-go-facts.json'), 'utf8')) as { unmatched: string[] };
  const outsideWellKnown = facts.unmatched.filter((u) => !wellKnownTypes.has(u.replace(/\.[^.]+$/, '')));
  assert.deepEqual(outsideWellKnown, []);
});
