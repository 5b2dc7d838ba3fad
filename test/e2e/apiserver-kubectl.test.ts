/**
 * The API server judged by the real kubectl (1.32, and 1.27 / 1.28 / 1.33): the verbs of issue 3 on the
 * kinds the tutorials use, with pods staying Pending (no node agent yet).
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, REPO, startServer, type Cluster } from './harness.js';

let c: Cluster;
before(async () => {
  c = await startServer();
});
after(async () => {
  await c?.stop();
});

const ok = (args: string[], opts: { minor?: number; input?: string } = {}) => {
  const r = kubectl(c, args, opts);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')} failed (${r.code}): ${r.stderr}`);
  return r.stdout;
};
const ex = (f: string) => join(REPO, 'examples', 'kubernetes-101', f);

test('every kubectl minor sees the cluster: 1.27, 1.32, 1.33', () => {
  for (const minor of [27, 32, 33]) {
    const out = ok(['get', 'namespaces'], { minor });
    for (const ns of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) assert.match(out, new RegExp(`^${ns}\\s+Active`, 'm'), `kubectl 1.${minor}`);
  }
  assert.match(ok(['version']), /Server Version: v1\.32/);
  assert.match(ok(['get', 'svc', 'kubernetes', '-o', 'jsonpath={.spec.clusterIP}']), /^10\.43\.0\.1$/);
});

test('kubectl 1.27, 1.28 and 1.33 drive the usual verbs too', () => {
  for (const minor of [27, 28, 33]) {
    const name = `v${minor}`;
    const cm = `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  labels: {minor: "${minor}"}\ndata: {a: "1"}\n`;
    assert.match(ok(['create', '-f', '-'], { minor, input: cm }), new RegExp(`configmap/${name} created`));
    assert.match(ok(['apply', '-f', '-'], { minor, input: cm.replace('"1"', '"2"') }), new RegExp(`configmap/${name} configured`));
    assert.match(ok(['get', 'cm', '-l', `minor=${minor}`, '-o', 'wide'], { minor }), new RegExp(`^${name}\\s+1\\s+`, 'm'));
    ok(['patch', 'cm', name, '-p', '{"data":{"b":"3"}}'], { minor });
    ok(['label', 'cm', name, 'x=y'], { minor });
    assert.equal(ok(['get', 'cm', name, '-o', 'jsonpath={.data.a}{.data.b}{.metadata.labels.x}'], { minor }), '23y');
    ok(['create', 'deployment', name, '--image=nginx'], { minor });
    assert.match(ok(['get', 'deploy', name], { minor }), new RegExp(`^${name}\\s+0/1`, 'm'));
    assert.match(ok(['delete', 'deploy,cm', name], { minor }), /deleted/);
  }
});

test('kubectl 1.27 validates against /openapi/v2 (protobuf): replace -f and explain', () => {
  const minor = 27;
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: old-replace\ndata: {a: "1"}\n';
  ok(['create', '-f', '-'], { minor, input: cm });
  assert.match(ok(['replace', '-f', '-'], { minor, input: cm.replace('"1"', '"2"') }), /configmap\/old-replace replaced/);
  assert.equal(ok(['get', 'cm', 'old-replace', '-o', 'jsonpath={.data.a}'], { minor }), '2');
  assert.match(ok(['explain', 'pod.spec.containers'], { minor }), /FIELD: +containers <\[\]Container>/);
  // plaintext-openapiv2 reads only the v2 document: a broken or missing one fails here.
  const v2 = ok(['explain', 'pod.spec.containers', '--output=plaintext-openapiv2'], { minor });
  assert.match(v2, /RESOURCE: containers <\[\]Object>/);
  assert.match(v2, /^ {3}image\t<string>/m);
  assert.match(ok(['explain', 'deployment.spec.strategy', '--output=plaintext-openapiv2'], { minor }), /VERSION: +apps\/v1/);
  ok(['delete', 'cm', 'old-replace'], { minor });
});

test('create -f and apply -f the kubernetes-101 manifests; pods stay Pending', () => {
  assert.match(ok(['create', '-f', ex('db-pod.yml')]), /pod\/redis created/);
  assert.match(ok(['apply', '-f', ex('db-svc.yml')]), /service\/redis created/);
  assert.match(ok(['apply', '-f', ex('web-rc.yml')]), /replicationcontroller\/web created/);
  assert.match(ok(['apply', '-f', ex('web-rc.yml')]), /replicationcontroller\/web unchanged/);
  assert.match(ok(['apply', '-f', ex('web-svc.yml')]), /service\/web created/);
  const pods = ok(['get', 'pods']);
  assert.match(pods, /^redis\s+0\/1\s+Pending\s+0\s+\d+s$/m);
  const svc = ok(['get', 'svc', 'web', '-o', 'wide']);
  assert.match(svc, /^web\s+NodePort\s+10\.43\.\d+\.\d+\s+<none>\s+80:3\d{4}\/TCP\s+\S+\s+name=web$/m);
});

test('create <generator> sends protobuf and works: namespace, configmap, secret, deployment', () => {
  assert.match(ok(['create', 'namespace', 'team-a']), /namespace\/team-a created/);
  ok(['create', 'configmap', 'cfg', '-n', 'team-a', '--from-literal=greeting=hello']);
  ok(['create', 'secret', 'generic', 'sec', '-n', 'team-a', '--from-literal=password=s3cret']);
  ok(['create', 'deployment', 'web', '-n', 'team-a', '--image=nginx', '--replicas=2']);
  assert.equal(ok(['get', 'cm', 'cfg', '-n', 'team-a', '-o', 'jsonpath={.data.greeting}']), 'hello');
  assert.equal(Buffer.from(ok(['get', 'secret', 'sec', '-n', 'team-a', '-o', 'jsonpath={.data.password}']), 'base64').toString(), 's3cret');
  const d = JSON.parse(ok(['get', 'deploy', 'web', '-n', 'team-a', '-o', 'json'])) as { spec: { replicas: number; strategy: { type: string }; template: { spec: { containers: Array<{ imagePullPolicy: string }> } } }; metadata: { generation: number } };
  assert.equal(d.spec.replicas, 2);
  assert.equal(d.spec.strategy.type, 'RollingUpdate', 'defaults applied');
  assert.equal(d.spec.template.spec.containers[0]?.imagePullPolicy, 'Always');
  assert.equal(d.metadata.generation, 1);
  assert.match(ok(['get', 'deploy', '-n', 'team-a', '-o', 'wide']), /^web\s+0\/2\s+0\s+0\s+\S+\s+nginx\s+nginx\s+app=web$/m);
});

test('get: -A, --show-labels, -l, --field-selector, -o name/yaml/jsonpath', () => {
  assert.match(ok(['get', 'pods', '-A']), /^default\s+redis\s+0\/1\s+Pending/m);
  assert.match(ok(['get', 'pods', '--show-labels']), /app=demo,name=redis$/m);
  assert.match(ok(['get', 'pods', '-l', 'name=redis', '-o', 'name']), /^pod\/redis$/m);
  assert.equal(ok(['get', 'pods', '-l', 'name!=redis', '-o', 'name']).trim(), '');
  assert.match(ok(['get', 'pods', '-l', 'name in (redis,web)', '-o', 'name']), /pod\/redis/);
  assert.match(ok(['get', 'pods', '--field-selector', 'status.phase=Pending', '-o', 'name']), /pod\/redis/);
  assert.match(kubectl(c, ['get', 'pods', '--field-selector', 'status.phase=Running']).stderr, /No resources found in default namespace/);
  assert.match(ok(['get', 'pod', 'redis', '-o', 'yaml']), /^  phase: Pending$/m);
  assert.match(ok(['get', 'all']), /service\/kubernetes/);
});

test('label, annotate and patch (strategic, merge, json)', () => {
  ok(['label', 'pod', 'redis', 'tier=backend']);
  ok(['annotate', 'pod', 'redis', 'note=hello']);
  assert.equal(ok(['get', 'pod', 'redis', '-o', 'jsonpath={.metadata.labels.tier}/{.metadata.annotations.note}']), 'backend/hello');
  ok(['patch', 'deploy', 'web', '-n', 'team-a', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:1.27"}]}}}}']);
  ok(['patch', 'deploy', 'web', '-n', 'team-a', '--type=merge', '-p', '{"spec":{"replicas":3}}']);
  ok(['patch', 'deploy', 'web', '-n', 'team-a', '--type=json', '-p', '[{"op":"add","path":"/metadata/labels/patched","value":"yes"}]']);
  const d = JSON.parse(ok(['get', 'deploy', 'web', '-n', 'team-a', '-o', 'json'])) as { spec: { replicas: number; template: { spec: { containers: Array<{ image: string; name: string }> } } }; metadata: { generation: number; labels: Record<string, string> } };
  assert.equal(d.spec.template.spec.containers.length, 1, 'strategic merge kept one container');
  assert.equal(d.spec.template.spec.containers[0]?.image, 'nginx:1.27');
  assert.equal(d.spec.replicas, 3);
  assert.equal(d.metadata.labels['patched'], 'yes');
  assert.equal(d.metadata.generation, 3, 'two spec changes bumped the generation twice');
  ok(['label', 'pod', 'redis', 'tier-']);
  assert.equal(ok(['get', 'pod', 'redis', '-o', 'jsonpath={.metadata.labels.tier}']), '');
});

test('apply --server-side creates and updates', () => {
  const cm = 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ssa\ndata:\n  a: "1"\n';
  assert.match(ok(['apply', '--server-side', '-f', '-'], { input: cm }), /configmap\/ssa serverside-applied/);
  ok(['apply', '--server-side', '-f', '-'], { input: cm.replace('"1"', '"2"') });
  assert.equal(ok(['get', 'cm', 'ssa', '-o', 'jsonpath={.data.a}']), '2');
});

test('describe, api-resources and explain', () => {
  assert.match(ok(['describe', 'pod', 'redis']), /^Status:\s+Pending$/m);
  assert.match(ok(['describe', 'deploy', 'web', '-n', 'team-a']), /^Replicas:\s+3 desired/m);
  assert.match(ok(['describe', 'svc', 'redis']), /^IP:\s+10\.43\./m);
  assert.match(ok(['describe', 'ns', 'team-a']), /^Status:\s+Active$/m);
  const res = ok(['api-resources']);
  assert.match(res, /^deployments\s+deploy\s+apps\/v1\s+true\s+Deployment$/m);
  assert.match(res, /^horizontalpodautoscalers\s+hpa\s+autoscaling\/v2\s+true\s+HorizontalPodAutoscaler$/m);
  assert.match(ok(['explain', 'pod.spec.containers.image']), /FIELD: image <string>/);
});

test('get -w streams changes as Table rows', async () => {
  const { spawn } = await import('node:child_process');
  const { kubectlPath } = await import('./harness.js');
  const w = spawn(kubectlPath(), ['get', 'pods', '-w', '--request-timeout=20s'], { env: { ...process.env, KUBECONFIG: c.kubeconfig, KUBECACHEDIR: join(c.dir, 'kubecache'), HOME: c.dir } });
  let out = '';
  w.stdout.on('data', (d: Buffer) => (out += d.toString()));
  const until = async (re: RegExp) => {
    for (let i = 0; i < 100 && !re.test(out); i++) await new Promise((r) => setTimeout(r, 100));
    assert.match(out, re);
  };
  await until(/^redis\s+0\/1\s+Pending/m);
  ok(['run', 'watched', '--image=busybox', '--restart=Never']);
  await until(/^watched\s+0\/1\s+Pending/m);
  w.kill();
});

test('delete: immediate for unscheduled pods, Terminating for namespaces', () => {
  assert.match(ok(['delete', 'pod', 'watched']), /pod "watched" deleted/);
  assert.match(kubectl(c, ['get', 'pod', 'watched']).stderr, /Error from server \(NotFound\): pods "watched" not found/);
  ok(['delete', '-f', ex('web-rc.yml')]);
  ok(['delete', 'ns', 'team-a', '--wait=false']);
  assert.match(ok(['get', 'ns', 'team-a']), /^team-a\s+Terminating/m);
  assert.match(kubectl(c, ['create', 'configmap', 'late', '-n', 'team-a']).stderr, /because it is being terminated/);
});

test('custom resources: CRD established, CRs served with printer columns, CRD delete cleans up', () => {
  const crd = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: crontabs.stable.example.com}
spec:
  group: stable.example.com
  scope: Namespaced
  names: {plural: crontabs, singular: crontab, kind: CronTab, shortNames: [ct]}
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
    additionalPrinterColumns:
    - {name: Spec, type: string, jsonPath: .spec.cronSpec}
`;
  ok(['apply', '-f', '-'], { input: crd });
  ok(['wait', '--for', 'condition=established', 'crd/crontabs.stable.example.com', '--timeout=20s']);
  ok(['apply', '-f', '-'], { input: 'apiVersion: stable.example.com/v1\nkind: CronTab\nmetadata: {name: c1}\nspec: {cronSpec: "*/5 * * * *"}\n' });
  assert.match(ok(['get', 'ct']), /^c1\s+\*\/5 \* \* \* \*$/m);
  ok(['delete', 'crd', 'crontabs.stable.example.com']);
  assert.match(kubectl(c, ['get', 'crontabs.stable.example.com']).stderr, /the server doesn't have a resource type|could not find the requested resource/);
});

test('errors are Kubernetes Status errors, worded as kube-apiserver words them', () => {
  const bad = kubectl(c, ['create', 'configmap', 'Bad_Name']);
  assert.match(bad.stderr, /ConfigMap "Bad_Name" is invalid: metadata\.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/);
  const strict = kubectl(c, ['apply', '-f', '-'], { input: 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: strict}\nbogus: 1\n' });
  assert.match(strict.stderr, /unknown field "bogus"/);
  assert.match(kubectl(c, ['get', 'pod', 'nope']).stderr, /Error from server \(NotFound\): pods "nope" not found/);
  assert.match(kubectl(c, ['create', '-f', ex('db-pod.yml')]).stderr, /AlreadyExists.*pods "redis" already exists/);
});
