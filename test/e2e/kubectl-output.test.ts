/**
 * Golden tests of `k8ts kubectl get -o …` against the real kubectl 1.32 on one control-plane-only
 * cluster: objects of several kinds (core, apps, a custom resource with awkward content) are created
 * with the real kubectl, then every case runs with both, and stdout, stderr and the exit code must
 * be equal byte for byte: yaml, json, name, jsonpath (and -as-json), go-template, custom-columns,
 * --sort-by, and the errors of bad templates and formats.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, KUBECTL_LAUNCH, startServer, type Cluster, type Run } from './harness.js';

let cluster: Cluster;
let dir: string;


/** One kubectl run without blocking the event loop, so cases run side by side. */
function run(which: 'real' | 'ours', args: string[]): Promise<Run> {
  const [bin, argv] = which === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECACHEDIR: join(cluster.dir, which === 'real' ? 'kubecache' : 'kubecache-k8ts'), HOME: cluster.dir };
  return new Promise((resolve) => {
    execFile(bin, argv, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const THING_CRD = `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata:
  name: things.example.com
spec:
  group: example.com
  names: {kind: Thing, plural: things, singular: thing, listKind: ThingList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema:
      openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}
`;

// Content go-yaml quotes, folds or writes as blocks; numbers Go prints as int64 or float64.
const THING = {
  apiVersion: 'example.com/v1',
  kind: 'Thing',
  metadata: { name: 't1', namespace: 'out', labels: { item10: 'a', item2: 'b', 'a.b/c': 'd' } },
  spec: {
    strings: ['true', '123', '', '2024-01-01T00:00:00Z', 'a: b', '*x', ' lead', 'tab\there', 'héllo', '<a>&'],
    blocks: { clip: 'line1\nline2\n', strip: 'line1\nline2', keep: 'x\n\n' },
    long: 'a long value with many words in it so that the emitter has to fold it somewhere after eighty columns',
    nums: [1, -3, 2.5, 1e21, 1e-7, 1234567.5, null],
    nested: [[1, [2, []]], [{ a: 1, b: [] }, {}], { k: [{ x: 'y' }] }],
    empty: { m: {}, l: [] },
  },
};

const CMS = [
  { name: 'cm-a', data: { n: '10', text: 'multi\nline', html: '<b>' }, labels: { rank: '2', tier: 'web' } },
  { name: 'cm-b', data: { n: '9' }, labels: { tier: 'db' } },
  { name: 'cm-10', data: { n: '2Ki' }, labels: { rank: '1' } },
  { name: 'cm-9', data: { n: '1500' }, labels: {} },
];

before(async () => {
  cluster = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-output-'));
  const cms = CMS.map((c) => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: c.name, namespace: 'out', labels: c.labels }, data: c.data }));
  writeFileSync(join(dir, 'crd.yaml'), THING_CRD);
  writeFileSync(join(dir, 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items: cms }));
  writeFileSync(join(dir, 'thing.json'), JSON.stringify(THING));
  writeFileSync(join(dir, 'columns'), 'NAME    TIER\n.metadata.name   {.metadata.labels.tier}\n');
  const setup: string[][] = [
    ['create', 'namespace', 'out'],
    ['create', '-f', join(dir, 'crd.yaml')],
    ['create', '-f', join(dir, 'objects.json')],
    ['create', 'deployment', 'web', '--image=nginx:1.25', '--replicas=3', '-n', 'out'],
    ['create', 'secret', 'generic', 's1', '--from-literal=password=hunter2', '-n', 'out'],
  ];
  for (const args of setup) {
    const r = kubectl(cluster, args);
    assert.equal(r.code, 0, `${args.join(' ')}: ${r.stderr}`);
  }
  // The CRD's resource is served once it is established.
  for (let i = 0; ; i++) {
    const r = kubectl(cluster, ['create', '-f', join(dir, 'thing.json')]);
    if (r.code === 0) break;
    if (i > 50) assert.fail(`create thing: ${r.stderr}`);
    await new Promise((res) => setTimeout(res, 200));
  }
});

after(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const CASES: string[][] = [
  ['get', 'cm', '-n', 'out', '-o', 'yaml'],
  ['get', 'cm', '-n', 'out', '-o', 'json'],
  ['get', 'cm', '-n', 'out', '-o', 'name'],
  ['get', 'cm', 'cm-a', '-n', 'out', '-o', 'yaml'],
  ['get', 'cm', 'cm-a', '-n', 'out', '-o', 'yaml', '--show-managed-fields'],
  ['get', 'cm', 'cm-a', 'cm-b', '-n', 'out', '-o', 'json'],
  ['get', 'deploy', 'web', '-n', 'out', '-o', 'yaml'],
  ['get', 'deployments.apps', '-n', 'out', '-o', 'json'],
  ['get', 'deploy,cm', '-n', 'out', '-o', 'name'],
  ['get', 'thing', 't1', '-n', 'out', '-o', 'yaml'],
  ['get', 'things', '-n', 'out', '-o', 'json'],
  ['get', 'ns', 'out', '-o', 'yaml'],
  ['get', 'pods', '-n', 'out', '-o', 'yaml'],
  ['get', 'pods', '-n', 'out', '-o', 'name'],
  ['get', 'pods', '-n', 'out', '-o', 'custom-columns=NAME:.metadata.name'],
  ['get', 'pods', '-n', 'out', '-o', 'jsonpath={.kind}'],
  ['get', 'secret', 's1', '-n', 'out', '-o', 'jsonpath={.data.password}'],
  ['get', 'secret', 's1', '-n', 'out', '-o', 'go-template={{.data.password | base64decode}}'],
  ['get', 'cm', '-n', 'out', '-o', 'jsonpath={range .items[*]}{.metadata.name}{"\\t"}{.data}{"\\n"}{end}'],
  ['get', 'cm', '-n', 'out', '-o', 'jsonpath-as-json={.items[*].metadata.name}'],
  ['get', 'thing', 't1', '-n', 'out', '-o', 'jsonpath={.spec.nums[*]} {..k} {.metadata.labels}'],
  ['get', 'cm', '-n', 'out', '-o', 'go-template={{range .items}}{{.metadata.name}} {{len .data}} {{index .metadata.labels "tier"}}{{"\\n"}}{{end}}'],
  ['get', 'deploy', 'web', '-n', 'out', '-o', 'go-template', '--template={{.spec.replicas}} {{printf "%q" .metadata.name}}'],
  ['get', 'cm', '-n', 'out', '-o', 'custom-columns=NAME:.metadata.name,DATA:.data,LABELS:.metadata.labels,NONE:.x'],
  ['get', 'cm', '-n', 'out', '-o', 'custom-columns=NAME:.metadata.name', '--no-headers'],
  ['get', 'cm', '-n', 'out', '-o', `custom-columns-file=COLUMNS`],
  ['get', 'cm', '-n', 'out', '--sort-by=.metadata.name', '-o', 'name'],
  ['get', 'cm', '-n', 'out', '--sort-by=.data.n', '-o', 'name'],
  ['get', 'cm', '-n', 'out', '--sort-by={.metadata.labels.rank}', '-o', 'custom-columns=N:.metadata.name,R:.metadata.labels.rank'],
  ['get', 'cm', '-n', 'out', '--sort-by=.data.nope', '-o', 'name'],
  ['get', 'cm', 'cm-a', '-n', 'out', '--sort-by=.data.nope', '-o', 'name'],
  ['get', 'cm', 'cm-a', '-n', 'out', '-o', 'jsonpath={.missing}', '--allow-missing-template-keys=false'],
  ['get', 'cm', 'cm-a', '-n', 'out', '-o', 'go-template=x{{.missing}}', '--allow-missing-template-keys=false'],
  ['get', 'cm', '-n', 'out', '-o', 'jsonpath={.items['],
  ['get', 'cm', '-n', 'out', '-o', 'go-template={{.items'],
  ['get', 'cm', '-n', 'out', '-o', 'foo'],
  ['get', 'cm', '-n', 'out', '-o', 'jsonpath'],
];

test('get -o … prints what kubectl prints', async () => {
  const args = CASES.map((c) => c.map((a) => a.replace('COLUMNS', join(dir, 'columns'))));
  const results = await Promise.all(args.map(async (a) => [await run('real', a), await run('ours', a)] as const));
  const show = (r: Run): string => `${r.stdout}${r.stderr}[exit ${r.code}]\n`;
  // Report every case that differs, not only the first.
  const differ = results.flatMap(([real, ours], i) => (show(ours) === show(real) ? [] : [`$ kubectl ${args[i]?.join(' ')}\n--- kubectl\n${show(real)}--- ours\n${show(ours)}`]));
  assert.equal(differ.length, 0, `${differ.length} of ${args.length} cases differ:\n${differ.join('\n')}`);
});
