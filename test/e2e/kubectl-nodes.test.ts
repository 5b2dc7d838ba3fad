/**
 * Golden tests of our cluster-management verbs against the real kubectl 1.32 on one cluster (a
 * control plane with scheduler and controllers, and two hollow nodes whose pods run without
 * containers): cordon, uncordon, taint, drain, top, cluster-info and auth. Each case puts the
 * cluster in the same state before each of the two runs, then compares stdout, stderr, the exit
 * code and what the command left behind (node spec, remaining pods). Generated pod names, and the
 * orders Go leaves to chance (map iteration, goroutines), are normalised.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, ourKubectl, raw, KUBECTL_LAUNCH, REPO, startServer, until, type Cluster, type Run } from './harness.js';

let c: Cluster;
let hollow: ChildProcess | undefined;

const WORKLOADS = `
apiVersion: v1
kind: ReplicationController
metadata: {name: rc1}
spec:
  replicas: 1
  selector: {app: rc1}
  template:
    metadata: {labels: {app: rc1}}
    spec:
      nodeSelector: {kubernetes.io/hostname: hollow-1}
      containers: [{name: c, image: busybox}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds1}
spec:
  selector: {matchLabels: {app: ds1}}
  template:
    metadata: {labels: {app: ds1}}
    spec:
      containers: [{name: c, image: busybox}]
---
apiVersion: v1
kind: Service
metadata:
  name: kube-dns
  namespace: kube-system
  labels: {kubernetes.io/cluster-service: "true", kubernetes.io/name: CoreDNS}
spec:
  ports: [{name: dns, port: 53, protocol: UDP}, {name: dns-tcp, port: 53, protocol: TCP}]
---
apiVersion: v1
kind: Service
metadata:
  name: dashboard
  namespace: kube-system
  labels: {kubernetes.io/cluster-service: "true"}
spec:
  ports: [{port: 443}]
`;

const BARE = `
apiVersion: v1
kind: Pod
metadata: {name: bare}
spec:
  nodeName: hollow-1
  containers: [{name: c, image: busybox}]
`;

function ok(args: string[], input?: string): string {
  const r = kubectl(c, args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** Patches a node directly (faster than a kubectl process per reset). */
async function patchNode(name: string, spec: Record<string, unknown>): Promise<void> {
  const r = await raw(c, 'PATCH', `/api/v1/nodes/${name}`, JSON.stringify({ spec }), { 'Content-Type': 'application/strategic-merge-patch+json' });
  assert.equal(r.status, 200, r.body);
}

/** Both nodes' unschedulable flag and taints. */
async function nodesState(): Promise<string> {
  const r = await raw(c, 'GET', '/api/v1/nodes');
  const list = JSON.parse(r.body) as { items: Array<{ metadata: { name: string }; spec: { unschedulable?: boolean; taints?: Array<{ key: string }> } }> };
  // The node controller adds and removes its unschedulable taint in its own time: not ours to compare.
  const ours = (taints: Array<{ key: string }> = []) => taints.filter((t) => t.key !== 'node.kubernetes.io/unschedulable');
  return JSON.stringify(list.items.map((n) => [n.metadata.name, n.spec.unschedulable ?? false, ours(n.spec.taints)]));
}

/** The pods bound to a node (generated names made generic), sorted. */
async function podsOn(node: string): Promise<string> {
  const r = await raw(c, 'GET', `/api/v1/pods?fieldSelector=spec.nodeName%3D${node}`);
  const list = JSON.parse(r.body) as { items: Array<{ metadata: { name: string } }> };
  return list.items.map((p) => generic(p.metadata.name)).sort().join(' ');
}

/** Generated pod names (`rc1-x7k2p`, `ds1-abcde`) made comparable. */
function generic(text: string): string {
  return text.replace(/\b(rc1|ds1)-[a-z0-9]{5}\b/g, '$1-*');
}

/** Runs a command with each kubectl after `reset()`, and returns both results (normalised) and the states they left. */
async function both(args: string[], reset: () => void | Promise<void>, state: () => string | Promise<string>, normalise: (r: Run) => Run = (r) => r): Promise<{ real: Run & { state: string }; ours: Run & { state: string } }> {
  const clean = (r: Run) => normalise({ code: r.code, stdout: generic(r.stdout), stderr: generic(r.stderr) });
  await reset();
  const real = { ...clean(kubectl(c, args)), state: await state() };
  await reset();
  const ours = { ...clean(ourKubectl(c, args)), state: await state() };
  return { real, ours };
}

async function same(args: string[], reset: () => void | Promise<void> = () => {}, state: () => string | Promise<string> = () => '', normalise?: (r: Run) => Run): Promise<Run> {
  const { real, ours } = await both(args, reset, state, normalise);
  assert.deepEqual(ours, real, `kubectl ${args.join(' ')}`);
  return real;
}

/** A kubectl run without blocking, so read-only cases can run side by side (same environment as the harness's). */
function runAsync(ours: boolean, args: string[]): Promise<Run> {
  const [file, argv] = ours ? [process.execPath, [KUBECTL_LAUNCH, ...args]] : [kubectlPath(), args];
  const env = { ...process.env, KUBECONFIG: c.kubeconfig, KUBECACHEDIR: join(c.dir, ours ? 'kubecache-k8ts' : 'kubecache'), HOME: c.dir };
  return new Promise((resolve) => {
    execFile(file, argv, { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Read-only cases: every command with both kubectls at once, then compared one by one. */
async function sameAll(cases: string[][], normalise: (r: Run) => Run = (r) => r): Promise<void> {
  const clean = (r: Run) => normalise({ code: r.code, stdout: generic(r.stdout), stderr: generic(r.stderr) });
  const runs = await Promise.all(cases.map(async (args) => ({ args, real: clean(await runAsync(false, args)), ours: clean(await runAsync(true, args)) })));
  for (const { args, real, ours } of runs) assert.deepEqual(ours, real, `kubectl ${args.join(' ')}`);
}

before(async () => {
  c = await startServer({ loops: true });
  hollow = spawn(process.execPath, [join(REPO, 'dist', 'src', 'cmd', 'k8ts.js'), 'hollow-nodes', '--kubeconfig', c.kubeconfig, '--count', '2'], { stdio: 'ignore' });
  await until('the hollow nodes to be Ready', () => ok(['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}']) === 'True True', { timeoutMs: 30_000 });
  ok(['apply', '-f', '-'], WORKLOADS);
});

after(async () => {
  if (hollow && hollow.exitCode === null) {
    hollow.kill('SIGTERM');
    await new Promise((r) => hollow?.once('exit', r));
  }
  await c?.stop();
});

const setCordon = (nodes: Record<string, boolean>) => async () => {
  for (const [node, on] of Object.entries(nodes)) await patchNode(node, { unschedulable: on ? true : null });
};

test('cordon and uncordon print and patch as kubectl does', async () => {
  const cases: Array<[string[], Record<string, boolean>]> = [
    [['cordon', 'hollow-0'], { 'hollow-0': false }],
    [['cordon', 'hollow-0'], { 'hollow-0': true }],
    [['uncordon', 'node/hollow-0', 'hollow-1'], { 'hollow-0': true, 'hollow-1': false }],
    [['uncordon', 'hollow-0', '--dry-run=server'], { 'hollow-0': true }],
    [['cordon', '-l', 'type=hollow'], { 'hollow-0': false, 'hollow-1': false }],
    [['cordon', 'hollow-0', 'nope'], { 'hollow-0': false }],
  ];
  for (const [args, initial] of cases) await same(args, setCordon(initial), nodesState);
  await setCordon({ 'hollow-0': false, 'hollow-1': false })();
  // Refused before anything is touched.
  await sameAll([['cordon'], ['cordon', 'hollow-0', '-l', 'a=b'], ['uncordon', 'hollow-0', '--dry-run=bogus'], ['cordon', 'hollow-0', '--dry-run=client']]);
});

test('taint adds, replaces and removes taints with kubectl\'s words and errors', async () => {
  const some = [{ key: 'dedicated', value: 'special', effect: 'NoSchedule' }, { key: 'a', effect: 'NoExecute' }];
  const cases: Array<[string[], unknown[]]> = [
    [['taint', 'nodes', 'hollow-0', 'dedicated=special:NoSchedule'], []],
    [['taint', 'node', 'hollow-0', 'dedicated=other:NoSchedule', '--overwrite'], some],
    [['taint', 'node', 'hollow-0', 'b=c:PreferNoSchedule', 'x:NoSchedule'], some],
    [['taint', 'node', 'hollow-0', 'a-'], some],
    [['taint', 'node', 'hollow-0', 'dedicated:NoSchedule-', 'a:NoExecute-'], some],
    [['taint', 'node', 'hollow-0', 'dedicated:NoSchedule-', 'z=1:NoExecute'], some],
    [['taint', 'node', 'hollow-0', 'k=v:NoSchedule', '--dry-run=server'], some],
    [['taint', 'node', '-l', 'type=hollow', 'k=v:NoSchedule'], []],
    [['taint', 'node', 'hollow-0', 'nope', 'k=v:NoSchedule'], []],
  ];
  const setTaints = async (taints: unknown[]) => {
    await patchNode('hollow-0', { unschedulable: null, taints: taints.length > 0 ? taints : null });
    await patchNode('hollow-1', { unschedulable: null, taints: null });
  };
  for (const [args, initial] of cases) await same(args, () => setTaints(initial), nodesState);
  // Refused without a change (the node keeps `some`).
  await setTaints(some);
  await sameAll([
    ['taint', 'node', 'hollow-0', 'dedicated=other:NoSchedule'],
    ['taint', 'node', 'hollow-0', 'a:NoSchedule-'],
    ['taint', 'node', 'hollow-0', 'k=v:NoSchedule', '--dry-run=client'],
    ['taint', 'node', 'hollow-0', 'k=v:NoSchedule', '-o', 'name', '--dry-run=client'],
    ['taint', 'node', 'hollow-0', 'a=b:Bad'],
    ['taint', 'node', 'hollow-0', 'a=b'],
    ['taint', 'node', 'hollow-0', 'a:NoSchedule', 'a=c:NoSchedule'],
    ['taint', 'node', 'hollow-0', 'a:NoSchedule', 'a-'],
    ['taint', 'node', 'hollow-0'],
    ['taint', 'hollow-0', 'a:NoSchedule'],
    ['taint', 'pods', 'x', 'a:NoSchedule'],
    ['taint', 'node', 'a:NoSchedule'],
    ['taint', 'node', 'hollow-0', 'a:NoSchedule', 'hollow-1'],
    ['taint', 'node', '-l', 'type=hollow', '--all', 'a:NoSchedule'],
  ]);
  assert.equal(await nodesState(), '[["hollow-0",false,[{"key":"dedicated","value":"special","effect":"NoSchedule"},{"key":"a","effect":"NoExecute"}]],["hollow-1",false,[]]]');
  await setTaints([]);
});

/** Puts the drain fixtures back: both nodes schedulable, the bare pod and the RC's pod running on hollow-1. */
async function drainFixtures(): Promise<void> {
  await setCordon({ 'hollow-0': false, 'hollow-1': false })();
  if (kubectl(c, ['get', 'pod', 'bare']).code !== 0) ok(['apply', '-f', '-'], BARE);
  await until('the drain fixtures to run on hollow-1', () => {
    const phases = ok(['get', 'pods', '-o', 'jsonpath={range .items[?(@.spec.nodeName=="hollow-1")]}{.metadata.name}={.status.phase},{.metadata.deletionTimestamp} {end}']);
    const running = phases.split(' ').filter((p) => /=Running,$/.test(p));
    return running.some((p) => p.startsWith('bare=')) && running.some((p) => p.startsWith('rc1-')) && running.some((p) => p.startsWith('ds1-')) && !/,\S/.test(phases);
  }, { timeoutMs: 30_000 });
}

/** Lines Go prints in an order left to chance: warning groups, and the pods as each finishes. */
function unordered(r: Run): Run {
  const sortWarnings = (text: string) => text.replace(/^Warning: (.*)$/gm, (_, w: string) => `Warning: ${w.split('; ').sort().join('; ')}`);
  const stdout = r.stdout.split('\n');
  const first = stdout.shift() ?? '';
  const tail = stdout.filter((l) => l !== '');
  const last = tail.length > 0 && /drained/.test(tail[tail.length - 1] ?? '') ? [tail.pop() ?? ''] : [];
  return { ...r, stdout: [first, ...tail.sort(), ...last].join('\n'), stderr: sortWarnings(r.stderr) };
}

test('drain refuses unmanaged and DaemonSet pods, then evicts, as kubectl does', async () => {
  const state = async () => `${await nodesState()} ${await podsOn('hollow-1')}`;
  const cases: string[][] = [
    ['drain', 'hollow-1', '--ignore-daemonsets'],
    ['drain', 'hollow-1', '--force'],
    ['drain', 'hollow-1', '--force', '--ignore-daemonsets', '--pod-selector=app=rc1'],
    ['drain', 'hollow-1', '--force', '--ignore-daemonsets', '--grace-period=0'],
    ['drain', 'hollow-1', '--force', '--ignore-daemonsets', '--disable-eviction'],
  ];
  for (const args of cases) await same(args, drainFixtures, state, unordered);
  await drainFixtures();
  await sameAll([
    ['drain', 'hollow-1', '--force', '--ignore-daemonsets', '--dry-run=client'],
    ['drain', 'hollow-1', '--pod-selector=a in (b'],
    ['drain'],
  ], unordered);
  await setCordon({ 'hollow-0': false, 'hollow-1': false })();
});

test('top reports what the metrics API has, with kubectl\'s errors', async () => {
  // Hollow nodes have no kubelet to scrape, so the API serves no samples: only the errors are deterministic.
  await sameAll([
    ['top', 'node'],
    ['top', 'nodes', 'hollow-0'],
    ['top', 'pod'],
    ['top', 'pod', '-A'],
    ['top', 'pod', '-n', 'kube-system'],
    ['top', 'pod', 'nope'],
    ['top', 'pod', '--sort-by=x'],
    ['top', 'node', 'a', 'b'],
    ['top', 'pod', 'a', '-l', 'x=y'],
  ]);
});

test('cluster-info lists the control plane and the cluster services', async () => {
  await sameAll([['cluster-info'], ['cluster-info', '-n', 'default'], ['cluster-info', 'extra']]);
});

test('auth can-i and whoami answer as kubectl does', async () => {
  await sameAll([
    ['auth', 'can-i', 'get', 'pods'],
    ['auth', 'can-i', 'get', 'pods', '-A'],
    ['auth', 'can-i', 'create', 'nodes'],
    ['auth', 'can-i', 'get', 'pods', '--subresource=log'],
    ['auth', 'can-i', 'frob', 'pods'],
    ['auth', 'can-i', 'get', 'foos'],
    ['auth', 'can-i', 'get', 'foos.bar'],
    ['auth', 'can-i', 'get', '/healthz'],
    ['auth', 'can-i', 'frob', '/healthz'],
    ['auth', 'can-i', 'get', '/x', '--subresource=y'],
    ['auth', 'can-i', 'get'],
    ['auth', 'can-i', 'get', 'pods', '-q'],
    ['auth', 'can-i', 'get', 'deployments.apps/web'],
    ['auth', 'can-i', 'create', 'selfsubjectaccessreviews.authorization.k8s.io'],
    ['auth', 'can-i', '*', '*'],
    ['auth', 'can-i', '--list'],
    ['auth', 'can-i', '--list', 'get'],
    ['auth', 'can-i', 'get', 'pods', '--no-headers'],
    ['auth', 'whoami'],
    ['auth', 'whoami', '-o', 'yaml'],
    ['auth', 'whoami', '-o', 'json'],
  ]);
});

test('impersonation: --as, --as-group, --as-uid and a kubeconfig user with as fields', async () => {
  await sameAll([
    ['auth', 'whoami', '--as', 'alice'],
    ['auth', 'whoami', '--as', 'alice', '--as-group', 'devs', '--as-group', 'ops', '--as-uid', '42', '-o', 'yaml'],
    ['auth', 'whoami', '--as', 'system:serviceaccount:kube-system:robot', '-o', 'json'],
    ['auth', 'whoami', '--as', 'alice', '--as-group', 'system:unauthenticated'],
    ['auth', 'whoami', '--as', 'system:anonymous'],
    ['auth', 'can-i', 'list', 'pods', '--as', 'bob'],
    ['auth', 'can-i', 'list', 'pods', '--as', 'system:anonymous'],
    ['get', 'namespaces', '--as', 'system:anonymous'],
    ['get', 'pods', '--as-group', 'devs'],
    ['auth', 'whoami', '--as-uid', '7'],
    // ServiceAccounts are judged by RBAC: the default policy lets them discover and review only.
    ['auth', 'can-i', 'list', 'pods', '--as', 'system:serviceaccount:default:default'],
    ['auth', 'can-i', 'get', '/apis', '--as', 'system:serviceaccount:default:default'],
    ['auth', 'can-i', '--list', '--as', 'system:serviceaccount:default:default'],
    ['get', 'pods', '--as', 'system:serviceaccount:default:default'],
    ['auth', 'can-i', 'list', 'pods', '--as', 'system:serviceaccount:default:default', '--as-group', 'system:masters'],
  ]);
  const bind = await runAsync(false, ['create', 'rolebinding', 'sa-edit', '--clusterrole=edit', '--serviceaccount=default:default']);
  assert.equal(bind.code, 0, bind.stderr);
  try {
    await sameAll([
      ['auth', 'can-i', 'create', 'deployments.apps', '--as', 'system:serviceaccount:default:default'],
      ['auth', 'can-i', 'create', 'pods/exec', '--as', 'system:serviceaccount:default:default'],
      ['auth', 'can-i', 'create', 'roles', '--as', 'system:serviceaccount:default:default'],
      ['auth', 'can-i', 'list', 'pods', '-n', 'kube-system', '--as', 'system:serviceaccount:default:default'],
      ['auth', 'can-i', '--list', '--as', 'system:serviceaccount:default:default'],
    ]);
  } finally {
    await runAsync(false, ['delete', 'rolebinding', 'sa-edit']);
  }
  // The same from a kubeconfig user entry (as, as-groups, as-user-extra), the flags winning.
  const config = readFileSync(c.kubeconfig, 'utf8');
  const withAs = join(c.dir, 'kubeconfig-as.yaml');
  writeFileSync(withAs, config.replace(/^(\s+)client-certificate-data:/m, '$1as: carol\n$1as-groups: [team]\n$1as-user-extra:\n$1  Scopes.Example/Key: [a, b]\n$1client-certificate-data:'));
  await sameAll([
    ['--kubeconfig', withAs, 'auth', 'whoami', '-o', 'json'],
    ['--kubeconfig', withAs, 'auth', 'whoami', '--as', 'dave'],
  ]);
});
