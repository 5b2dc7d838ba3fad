/**
 * Golden tests of `kubectl set selector` and `kubectl set subject` against the real kubectl 1.32 on
 * one API server (no controllers). Changing steps run on twin objects (`…1` for the real kubectl,
 * `…2` for ours, `@` in the arguments) and are compared once the names and what the server invents
 * (uids, resource versions, times, cluster IPs) are normalised; the twins are then read back with
 * the real kubectl, managedFields included, so the PATCHes must have had the same effect. Refusals,
 * `--local` runs and help run the same arguments on both, side by side.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, KUBECTL_LAUNCH, startServer, type Cluster, type Run } from './harness.js';

let c: Cluster;
let dir: string;
type Side = 'real' | 'ours';

const twins = (n: 1 | 2) => `
apiVersion: v1
kind: Service
metadata: {name: s${n}, labels: {app: s${n}}}
spec: {selector: {app: s${n}}, ports: [{port: 80, targetPort: 8080}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rb${n}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: admin}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: User, name: alice}]
---
apiVersion: rbac.authorization.k8s.io/v1
kind: ClusterRoleBinding
metadata: {name: crb${n}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: ClusterRole, name: view}
subjects: [{apiGroup: rbac.authorization.k8s.io, kind: Group, name: g1}]
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: d${n}}
spec:
  selector: {matchLabels: {app: d}}
  template: {metadata: {labels: {app: d}}, spec: {containers: [{name: c, image: nginx}]}}
---
apiVersion: v1
kind: Namespace
metadata: {name: t${n}}
---
apiVersion: v1
kind: Service
metadata: {name: a, namespace: t${n}}
spec: {ports: [{port: 81}]}
---
apiVersion: v1
kind: Service
metadata: {name: b, namespace: t${n}}
spec: {type: NodePort, selector: {x: "z"}, ports: [{port: 82, name: p}]}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: ra, namespace: t${n}, labels: {team: a}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
---
apiVersion: rbac.authorization.k8s.io/v1
kind: RoleBinding
metadata: {name: rz, namespace: t${n}}
roleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: r}
subjects: [{kind: ServiceAccount, name: default, namespace: t${n}}]
`;

/** Manifests for `-f`, as `kubectl create … --dry-run=client -o yaml` writes them, plus odd ones. */
const FILES: Record<string, string> = {
  'svc.yaml': 'apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: null\n  labels:\n    app: my-svc\n  name: my-svc\nspec:\n  clusterIP: None\n  type: ClusterIP\nstatus:\n  loadBalancer: {}\n',
  'rb.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata:\n  creationTimestamp: null\n  name: admin\nroleRef:\n  apiGroup: rbac.authorization.k8s.io\n  kind: Role\n  name: admin\nsubjects:\n- apiGroup: rbac.authorization.k8s.io\n  kind: User\n  name: admin\n',
  'crb.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRoleBinding\nmetadata: {name: c}\nroleRef: {kind: ClusterRole, name: x}\n',
  'dep.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: dd}\nspec: {selector: {matchLabels: {app: dd}}, template: {metadata: {labels: {app: dd}}, spec: {containers: [{name: c, image: nginx}]}}}\n',
  // Fields left unset, a field no Service has, a namespace.
  'bare.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: bare, namespace: zz, annotations: {b: "2", a: "1"}}\nspec:\n  ports: [{port: 80}]\n  sessionAffinityConfig: {clientIP: {timeoutSeconds: 10}}\nextra: 1\n',
  'tree/top.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: top}\n',
  'tree/sub/deep.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: deep}\nspec: {selector: {old: "1"}}\n',
  's1.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s1}\n',
  's2.yaml': 'apiVersion: v1\nkind: Service\nmetadata: {name: s2}\n',
  'rb1.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb1}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: admin}\n',
  'rb2.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: RoleBinding\nmetadata: {name: rb2}\nroleRef: {apiGroup: rbac.authorization.k8s.io, kind: Role, name: admin}\n',
};

function run(side: Side, args: string[], input?: string): Promise<Run> {
  const [bin, argv] = side === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const env = { ...process.env, KUBECONFIG: c.kubeconfig, KUBECACHEDIR: join(c.dir, `kubecache-${side}`), HOME: c.dir };
  return new Promise((resolve) => {
    const child = execFile(bin, argv, { env, cwd: dir, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

/** Twin names to one, and what the server invents per object. */
function normalise(text: string): string {
  return text
    .replace(/\b(s|rb|crb|d|t)[12]\b/g, '$1N')
    // --record writes the binary's name: the harness's real kubectl is `kubectl.1.32`.
    .replace(/\bkubectl\.1\.\d+ set /g, 'kubectl set ')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, '<uid>')
    .replace(/(resourceVersion"?: ?)"\d+"/g, '$1"<rv>"')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, '<time>')
    .replace(/\b10\.\d+\.\d+\.\d+\b/g, '<ip>')
    .replace(/(nodePort"?: ?)\d+/g, '$1<port>');
}

const clean = (r: Run): Run => ({ code: r.code, stdout: normalise(r.stdout), stderr: normalise(r.stderr) });

/** Same arguments for both kubectls, all at once (read-only or refused cases), compared one by one. */
async function sameAll(cases: string[][], input?: string): Promise<void> {
  const runs = await Promise.all(cases.map(async (args) => ({ args, real: clean(await run('real', args, input)), ours: clean(await run('ours', args, input)) })));
  for (const { args, real, ours } of runs) assert.deepEqual(ours, real, `kubectl ${args.join(' ')}`);
}

/** A changing step: `@` becomes 1 for the real kubectl and 2 for ours; the results must match. */
async function twin(args: string[]): Promise<Run> {
  const [real, ours] = await Promise.all([run('real', args.map((a) => a.replaceAll('@', '1'))), run('ours', args.map((a) => a.replaceAll('@', '2')))]);
  assert.deepEqual(clean(ours), clean(real), `kubectl ${args.join(' ')}`);
  return clean(real);
}

/** The twins as the real kubectl reads them back, managedFields included. */
function sameObjects(targets: string[]): void {
  for (const t of targets) {
    const read = (n: string) => kubectl(c, ['get', ...t.replaceAll('@', n).split(' '), '-o', 'yaml', '--show-managed-fields']);
    const [real, ours] = [read('1'), read('2')];
    assert.equal(real.code, 0, real.stderr);
    assert.equal(normalise(ours.stdout), normalise(real.stdout), `the objects ${t} after the same steps`);
  }
}

before(async () => {
  c = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'k8ts-set-more-'));
  for (const [name, text] of Object.entries(FILES)) {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  }
  mkdirSync(join(dir, 'empty'));
  const r = kubectl(c, ['create', '-f', '-'], { input: `${twins(1)}\n---\n${twins(2)}` });
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await c?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('help is kubectl\'s', async () => {
  await sameAll([
    ['set', 'selector', '--help'],
    ['set', 'subject', '--help'],
    ['set', '--help'],
  ]);
});

test('set selector changes a Service selector as kubectl does', async () => {
  assert.equal((await twin(['set', 'selector', 'svc', 's@', 'app=web'])).stdout, 'service/sN selector updated\n');
  // The same selector again still sends (an empty patch) and reports.
  await twin(['set', 'selector', 'svc', 's@', 'app=web']);
  await twin(['set', 'selector', 'svc', 's@', 'a=1,b==2', '--dry-run=client', '-o', 'yaml']);
  await twin(['set', 'selector', 'svc', 's@', 'a=1', '--dry-run=server', '-o', 'json']);
  await twin(['set', 'selector', 'svc/s@', 'b=2,a=1', '-o', 'name']);
  await twin(['set', 'selector', 'svc', 's@', 'k=v', '-o', 'jsonpath={.spec.selector}']);
  await twin(['set', 'selector', 'svc', 's@', 'k=w', '--template={{.metadata.name}} {{.spec.selector}}']);
  await twin(['set', 'selector', 'svc', 's@', 'k=w', '-o', 'json', '--show-managed-fields']);
  await twin(['set', 'selector', 'svc', 's@', 'x=y', '--resource-version=1']);
  assert.match((await twin(['set', 'selector', 'svc', 's@', 'x=y', '--record'])).stderr, /^Flag --record has been deprecated/);
  await twin(['set', 'selector', 'svc', 'nope', 's@', 'z=1']);
  await twin(['set', 'selector', 'deploy/d@', 'svc/nope', 'svc/s@', 'q=1']);
  await twin(['set', 'selector', '-f', 's@.yaml', 'from=file', '-o', 'yaml']);
  await twin(['set', 'selector', 'svc', '-n', 't@', '--all', 'app=all']);
  await twin(['set', 'selector', 'svc', '-n', 't@', 'b', '']);
  sameObjects(['svc s@', 'svc -n t@ a', 'svc -n t@ b']);
});

test('set subject adds subjects to bindings as kubectl does', async () => {
  const first = await twin(['set', 'subject', 'rolebinding', 'rb@', '--user=bob', '--user=alice', '--group=g2', '--serviceaccount=ns1:sa1', '--serviceaccount=:sa0']);
  assert.equal(first.stdout, 'rolebinding.rbac.authorization.k8s.io/rbN subjects updated\n');
  // Nothing new to add: nothing is sent or printed.
  assert.deepEqual(await twin(['set', 'subject', 'rolebinding', 'rb@', '--user=bob', '--group=g2']), { code: 0, stdout: '', stderr: '' });
  await twin(['set', 'subject', 'clusterrolebinding', 'crb@', '--serviceaccount=kube-system:sa', '--user=u1', '-o', 'json', '--dry-run=server']);
  await twin(['set', 'subject', 'clusterrolebinding', 'crb@', '--user=u1', '-o', 'yaml', '--dry-run=client']);
  await twin(['set', 'subject', 'clusterrolebinding', 'crb@', '--group=g9', '--group=g0', '-o', 'name']);
  await twin(['set', 'subject', 'rolebinding', 'rb@', '--all', '--user=x9']);
  await twin(['set', 'subject', 'rolebinding', '-n', 't@', '-l', 'team=a', '--user=labelled']);
  await twin(['set', 'subject', 'rolebinding', '-n', 't@', '--all', '--serviceaccount=:default', '-o', 'json']);
  await twin(['set', 'subject', '-f', 'rb@.yaml', '--user=fromfile']);
  await twin(['set', 'subject', 'rolebinding', 'rb@', 'nope', '--user=never']);
  await twin(['set', 'subject', 'svc/s@', 'rolebinding/rb@', '--user=never']);
  sameObjects(['rolebinding rb@', 'clusterrolebinding crb@', 'rolebinding -n t@ ra', 'rolebinding -n t@ rz']);
});

test('set selector refusals are worded as kubectl words them', async () => {
  await sameAll([
    ['set', 'selector', 'svc', 's1', 'app=web,tier!=x'],
    ['set', 'selector', 'svc', 's1', 'app in (a,b)'],
    ['set', 'selector', 'svc', 's1', 'b in (x),a notin (y,z),c,!d'],
    ['set', 'selector', 'svc', 's1', 'app in (a'],
    ['set', 'selector', 'svc', 's1', 'a=b=c'],
    ['set', 'selector', 'svc', 's1', 'b!=x,a>1'],
    ['set', 'selector', 'svc', 's1', 'A/b=c'],
    ['set', 'selector', 'svc', 's1', 'a=-x'],
    ['set', 'selector', 'svc', 's1'],
    ['set', 'selector'],
    ['set', 'selector', 'svc'],
    ['set', 'selector', 's1', 'app=z'],
    ['set', 'selector', 'svc', 'app=z'],
    ['set', 'selector', 'deploy', 'd1', 'app=x'],
    ['set', 'selector', 'rolebinding', 'rb1', 'a=b'],
    ['set', 'selector', 'svc', 'nope1', 'nope2', 'a=b'],
    ['set', 'selector', 'svc', 's1', 'a=b', '-o', 'wide'],
    ['set', 'selector', 'svc', 's1', 'a=b', '-o', 'custom-columns=A:.x'],
    ['set', 'selector', 'svc', 's1', 'a=b', '-o', 'jsonpath={.x'],
    ['set', 'selector', 'svc', 's1', 'a=b', '-o', 'go-template={{.x'],
    ['set', 'selector', 'svc', 's1', 'a=b', '--dry-run=bogus'],
    ['set', 'selector', '-f', 'svc.yaml', 'a=b'],
    ['set', 'selector', '-f', 'svc.yaml', 'svc', 's1', 'a=b'],
    ['set', 'selector', 'svc', 's1', 'a=b', '--dry-run=client', '-o', 'jsonpath={.x.y}', '--allow-missing-template-keys=false'],
  ]);
});

test('set subject refusals are worded as kubectl words them', async () => {
  await sameAll([
    ['set', 'subject', 'rolebinding', 'rb1'],
    ['set', 'subject', 'rolebinding', 'nope'],
    ['set', 'subject', 'rolebinding', 'rb1', '--serviceaccount=foo'],
    ['set', 'subject', 'rolebinding', 'rb1', '--serviceaccount=a:b:c'],
    ['set', 'subject', 'rolebinding', 'rb1', '--serviceaccount=a:'],
    ['set', 'subject', 'clusterrolebinding', 'crb1', '--serviceaccount=:sa'],
    ['set', 'subject', 'svc', 's1', '--user=x'],
    ['set', 'subject', 'svc', 's1', 'kubernetes', '--user=x'],
    ['set', 'subject', 'svc', 's1', 'rolebinding', 'rb1', '--user=x'],
    ['set', 'subject', 'rolebinding', '--all', '-l', 'a=b', '--user=x'],
    ['set', 'subject', 'rolebinding', 'rb1', '-l', 'a=b', '--user=x'],
    ['set', 'subject', 'rolebinding', '--user=x'],
    ['set', 'subject', '--user=x'],
    ['set', 'subject', 'rolebinding', 'rb1', '--user=x', '--local'],
    ['set', 'subject', '-f', 'rb.yaml', '--user=x', '--dry-run=server', '--local'],
    ['set', 'subject', '-f', 'rb.yaml', 'rolebinding', 'rb1', '--user=x'],
    ['set', 'subject', '-f', 'rb.yaml', '--user=x'],
    ['set', 'subject', 'rolebinding', 'rb1', '--user=x', '-o', 'wide'],
    ['set', 'subject', 'rolebinding', 'rb1', '--user=x', '--dry-run=maybe'],
  ]);
});

test('--local works on files alone, as kubectl does', async () => {
  await sameAll([
    ['set', 'selector', '--local', '-f', 'svc.yaml', 'environment=qa', '-o', 'yaml'],
    ['set', 'selector', '--local', '-f', 'svc.yaml', 'environment=qa', '-o', 'json'],
    ['set', 'selector', '--local', '-f', 'svc.yaml', 'environment=qa'],
    ['set', 'selector', '--local', '-f', 'svc.yaml', 'environment=qa', '--dry-run=server'],
    ['set', 'selector', '--local', '-f', 'svc.yaml', 'environment=qa', '--resource-version=7', '-o', 'json'],
    ['set', 'selector', '--local', '-f', 'bare.yaml', 'environment=qa', '-o', 'json'],
    ['set', 'selector', '--local', '-f', 'bare.yaml', 'environment=qa', '-o', 'yaml', '-n', 'other'],
    ['set', 'selector', '--local', '-f', 'dep.yaml', 'app=x', '-o', 'yaml'],
    ['set', 'selector', '--local', '-f', 'dep.yaml', '-f', 'svc.yaml', 'app=x', '-o', 'name'],
    ['set', 'selector', '--local', '-f', 'tree', 'a=b', '-o', 'yaml'],
    ['set', 'selector', '--local', '-f', 'tree', 'a=b', '-R=false'],
    ['set', 'selector', '--local', '-f', 'nope.yaml', 'a=b'],
    ['set', 'selector', '--local', 'a=b'],
    ['set', 'selector', '--local', '-f', 'svc.yaml', 'svc', 's1', 'a=b'],
    ['set', 'subject', '--local', '-f', 'rb.yaml', '--user=foo', '-o', 'yaml'],
    ['set', 'subject', '--local', '-f', 'rb.yaml', '--serviceaccount=:sa', '--group=g', '-o', 'json'],
    ['set', 'subject', '--local', '-f', 'rb.yaml', '--serviceaccount=:sa', '-n', 'foo', '-o', 'yaml'],
    ['set', 'subject', '--local', '-f', 'rb.yaml', '--user=admin'],
    ['set', 'subject', '--local', '-f', 'rb.yaml', '--user=x', '--dry-run=client'],
    ['set', 'subject', '--local', '-f', 'crb.yaml', '--serviceaccount=ns:sa', '-o', 'yaml'],
    ['set', 'subject', '--local', '-f', 'crb.yaml', '--serviceaccount=:sa'],
    ['set', 'subject', '--local', '-f', 'svc.yaml', '-f', 'rb.yaml', '--user=x', '-o', 'yaml'],
    ['set', 'subject', '--local', '-f', 'dep.yaml', '--user=x'],
    ['set', 'subject', '--local', '-f', 'dep.yaml', '-f', 'svc.yaml', '--user=x'],
    ['set', 'subject', '--local', '-f', 'tree', '--user=x'],
  ]);
  await sameAll([['set', 'selector', '--local', '-f', '-', 'environment=qa', '-o', 'yaml']], FILES['svc.yaml']);
  await sameAll([['set', 'subject', '--local', '-f', '-', '--user=foo', '-o', 'yaml']], FILES['rb.yaml']);
});
