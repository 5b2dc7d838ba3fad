/**
 * Golden tests of our workload verbs against the real kubectl 1.32 on one cluster (control plane
 * with scheduler and controllers, two hollow nodes whose pods become Ready without containers):
 * scale, autoscale, set image/env/resources, rollout history/undo/pause/resume/restart/status,
 * expose, run, wait — and kubectl 1.5's rolling-update, which today's kubectl lacks.
 *
 * Verbs that change things run against twin objects (`w1` for the real kubectl, `w2` for ours)
 * that go through the same steps, so each pair of outputs can be compared once the name (and
 * what is derived from it: pod-template hashes, generated pod names) is normalised.
 */
import assert from 'node:assert/strict';
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, ourKubectl, raw, KUBECTL_LAUNCH, REPO, startServer, until, type Cluster, type Run } from './harness.js';

let c: Cluster;
let hollow: ChildProcess | undefined;

const deployment = (name: string) => `
apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, labels: {app: ${name}}}
spec:
  replicas: 2
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec:
      # resources: {} as kubectl create writes it: the server's template equality counts an empty struct.
      containers: [{name: nginx, image: "nginx:1.25", ports: [{containerPort: 80}], resources: {}}]
`;

const FIXTURES = `
${deployment('w1')}
---
${deployment('w2')}
---
apiVersion: v1
kind: ConfigMap
metadata: {name: cm1}
data: {a.b: "1", key2: v2}
---
apiVersion: v1
kind: Pod
metadata: {name: p1, labels: {x: "y", z: w}}
spec:
  containers: [{name: c, image: busybox, ports: [{containerPort: 80}, {containerPort: 53, protocol: UDP}]}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: ds1}
spec:
  selector: {matchLabels: {app: ds1}}
  template:
    metadata: {labels: {app: ds1}}
    spec:
      containers: [{name: c, image: "busybox:1.36"}]
`;

const RC = `
apiVersion: v1
kind: ReplicationController
metadata: {name: web, labels: {name: web}}
spec:
  replicas: 3
  selector: {name: web}
  template:
    metadata: {labels: {name: web}}
    spec:
      containers: [{name: web, image: "xiaopeng163/docker-flask-demo:1.0", ports: [{containerPort: 5000}]}]
---
apiVersion: v1
kind: Service
metadata: {name: web}
spec:
  type: NodePort
  selector: {name: web}
  ports: [{port: 80, targetPort: 5000}]
`;

function ok(args: string[], input?: string): string {
  const r = kubectl(c, args, { input });
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

/** What differs between runs for reasons other than our kubectl: klog's time and pid, generated names and hashes. */
function normalise(text: string): string {
  return text
    .replace(/^E\d{4} \d\d:\d\d:\d\d\.\d{6} +\d+ /gm, 'E<time> <pid> ')
    .replace(/\bw[12]\b/g, 'W')
    .replace(/\bW-[a-z0-9]{8,10}\b/g, 'W-<hash>')
    .replace(/pod-template-hash[=:] ?"?[a-z0-9]+"?/g, 'pod-template-hash=<hash>')
    .replace(/\b(r1|r2)\b/g, 'R')
    .replace(/(Expected resource version to be \d+, was )\d+/g, '$1<rv>');
}

const clean = (r: Run): Run => ({ code: r.code, stdout: normalise(r.stdout), stderr: normalise(r.stderr) });

/** Runs a kubectl without blocking, so read-only cases can run side by side (the harness's environment). */
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

/** Read-only (or refused) cases: both kubectls on the same arguments, all at once, compared one by one. */
async function sameAll(cases: string[][]): Promise<void> {
  const runs = await Promise.all(cases.map(async (args) => ({ args, real: clean(await runAsync(false, args)), ours: clean(await runAsync(true, args)) })));
  for (const { args, real, ours } of runs) assert.deepEqual(ours, real, `kubectl ${args.join(' ')}`);
}

/** A changing step: the real kubectl on `w1`, ours on `w2` (the same step for each twin), compared. */
function twin(args: (name: string) => string[]): Run {
  const real = clean(kubectl(c, args('w1')));
  const ours = clean(ourKubectl(c, args('w2')));
  assert.deepEqual(ours, real, `kubectl ${args('W').join(' ')}`);
  return real;
}

/** Waits until both twins' rollouts are complete (with the real kubectl: not under test here). */
function settle(): void {
  for (const n of ['w1', 'w2']) ok(['rollout', 'status', `deploy/${n}`, '--timeout=30s']);
}

before(async () => {
  c = await startServer({ loops: true });
  hollow = spawn(process.execPath, [join(REPO, 'dist', 'src', 'cmd', 'k8ts.js'), 'hollow-nodes', '--kubeconfig', c.kubeconfig, '--count', '2'], { stdio: 'ignore' });
  await until('the hollow nodes to be Ready', () => ok(['get', 'nodes', '-o', 'jsonpath={.items[*].status.conditions[?(@.type=="Ready")].status}']) === 'True True', { timeoutMs: 30_000 });
  ok(['apply', '-f', '-'], FIXTURES);
  ok(['create', 'secret', 'generic', 's1', '--from-literal=pw=x']);
  settle();
  ok(['wait', '--for=condition=Ready', 'pod/p1']);
});

after(async () => {
  if (hollow && hollow.exitCode === null) {
    hollow.kill('SIGTERM');
    await new Promise((r) => hollow?.once('exit', r));
  }
  await c?.stop();
});

/** For `set --local`: two Deployments and two kinds without a pod template (each an error). */
const LOCAL = `${deployment('l1')}
---
${deployment('l2')}
---
apiVersion: v1
kind: Service
metadata: {name: s1}
spec: {ports: [{port: 80}]}
---
apiVersion: autoscaling/v2
kind: HorizontalPodAutoscaler
metadata: {name: h1}
spec: {maxReplicas: 3, scaleTargetRef: {apiVersion: apps/v1, kind: Deployment, name: l1}}
`;

test('generated objects (run, expose, autoscale with --dry-run=client) are byte for byte kubectl\'s', async () => {
  const local = join(c.dir, 'local.yaml');
  writeFileSync(local, LOCAL);
  await sameAll([
    // set prints the Go struct it decoded: field order, `resources: {}`, `status: {}`, `---` between YAML documents.
    ['set', 'image', '--local', '-f', local, 'nginx=nginx:1.26', '-o', 'yaml'],
    ['set', 'resources', '--local', '-f', local, '--limits=cpu=1000m', '-o', 'json'],
    ['set', 'serviceaccount', '--local', '-f', local, 'sa1'],
    ['set', 'image', 'deploy/w1', 'nginx=nginx:1.27', '--dry-run=server', '-o', 'json'],
    ['set', 'env', 'deploy/w1', 'svc/kubernetes', 'X=1', '--dry-run=client', '-o', 'yaml'],
    ['run', 'r1', '--image=nginx', '--dry-run=client', '-o', 'yaml'],
    ['run', 'r1', '--image=nginx', '--dry-run=client', '-o', 'json'],
    ['run', 'r1', '--image=nginx', '--port=80', '--env=A=1', '--env=B=2', '--labels=a=b,c=d', '--restart=Never', '--image-pull-policy=IfNotPresent', '--command', '--dry-run=client', '-o', 'json', '--', 'sh', '-c', 'echo hi'],
    ['run', 'r1', '--image=busybox', '--dry-run=client', '-o', 'yaml', '--', 'sleep', '10'],
    ['run', 'r1', '--image=busybox', '--overrides={"apiVersion":"v1","spec":{"nodeName":"hollow-0"}}', '--dry-run=client', '-o', 'yaml'],
    ['run', 'r1', '--image=busybox', '--annotations=x=y', '--privileged', '--dry-run=client', '-o', 'yaml', '-n', 'kube-system'],
    ['run', 'r1', '--image=x', '--expose', '--port=80', '--dry-run=client', '-o', 'yaml'],
    ['run', 'r1', '--image=x', '--dry-run=client'],
    ['expose', 'deploy', 'w1', '--port=8080', '--target-port=80', '--dry-run=client', '-o', 'yaml'],
    ['expose', 'deploy', 'w1', '--dry-run=client', '-o', 'json'],
    ['expose', 'pod', 'p1', '--dry-run=client', '-o', 'yaml'],
    ['expose', 'deploy', 'w1', '--port=80', '--name=x', '--type=NodePort', '--protocol=UDP', '--selector=app=web,x=y', '--external-ip=1.2.3.4', '--labels=a=b', '--session-affinity=ClientIP', '--dry-run=client', '-o', 'yaml'],
    ['expose', 'deploy', 'w1', '--type=LoadBalancer', '--load-balancer-ip=10.0.0.9', '--cluster-ip=None', '--dry-run=client', '-o', 'yaml'],
    ['autoscale', 'deploy', 'w1', '--max=5', '--dry-run=client', '-o', 'yaml'],
    ['autoscale', 'deploy', 'w1', '--min=2', '--max=5', '--cpu-percent=80', '--dry-run=client', '-o', 'json'],
    ['autoscale', 'deploy', 'w1', '--max=5', '--name=foo', '--dry-run=client'],
    ['scale', 'deploy', 'w1', '--replicas=2', '--dry-run=client'],
    ['set', 'env', 'deploy/w1', 'X=1', '--dry-run=client', '-o', 'jsonpath={.spec.template.spec.containers[0].env}'],
    ['set', 'resources', 'deploy/w1', '--limits=memory=1.5Gi,cpu=0.5', '--dry-run=client', '-o', 'jsonpath={.spec.template.spec.containers[0].resources}'],
  ]);
});

test('refusals and errors are worded as kubectl words them', async () => {
  await sameAll([
    ['scale', 'deploy', 'w1'],
    ['scale', 'deploy', 'w1', '--replicas=-2'],
    ['scale', 'deploy', 'nope', '--replicas=1'],
    ['scale', 'deploy', '--replicas=2'],
    ['scale', 'deploy', 'w1', '--replicas=2', '--current-replicas=5'],
    ['scale', 'svc', 'kubernetes', '--replicas=2'],
    ['autoscale', 'deploy', 'w1'],
    ['autoscale', 'deploy', 'w1', '--min=6', '--max=5'],
    ['autoscale', 'svc', 'kubernetes', '--max=3'],
    ['autoscale', 'deploy', 'nope', '--max=3'],
    ['run', 'r2'],
    ['run', '--image=x'],
    ['run', 'r2', '--image=Bad Image'],
    ['run', 'r2', '--image=x', '--restart=Sometimes'],
    ['run', 'r2', '--image=x', '-t'],
    ['run', 'r2', '--image=x', '--rm'],
    ['run', 'r2', '--image=x', '-i', '--dry-run=client'],
    ['run', 'r2', '--image=x', '--expose'],
    ['run', 'r2', '--image=x', '--env=BAD'],
    ['expose', 'ds', 'ds1', '--port=80'],
    ['expose', 'pod', 'nope', '--port=80'],
    ['expose', 'deploy', 'w1', '--session-affinity=foo', '--name=x'],
    ['rollout', 'status'],
    ['rollout', 'status', 'svc/kubernetes'],
    ['rollout', 'history', 'svc/kubernetes'],
    ['rollout', 'undo', 'svc/kubernetes'],
    ['rollout', 'pause', 'svc/kubernetes'],
    ['rollout', 'restart', 'svc/kubernetes'],
    ['rollout', 'history', 'deploy/nope'],
    ['rollout', 'status', 'deploy', '-l', 'app=nope'],
    ['rollout', 'undo', 'deploy/w1', '--to-revision=7'],
    ['set', 'image', 'deploy/w1'],
    ['set', 'image', 'deploy/w1', 'nginx=nginx:1.27', '*=b'],
    ['set', 'image', 'deploy/w1', 'nginx=nginx:1.27', 'deploy/x'],
    ['set', 'image', 'deploy/w1', 'web=nginx:1.27'],
    ['set', 'image', 'svc/kubernetes', 'c=x'],
    ['set', 'env', 'deploy/w1', 'X=1', 'Y'],
    ['set', 'env', 'deploy/w1', 'X=1', 'X-'],
    ['set', 'env', 'deploy/w1', '1X=1'],
    ['set', 'env', 'deploy/w1', '-c', 'nope', 'X=1'],
    ['set', 'resources', 'deploy/w1'],
    ['set', 'resources', 'deploy/w1', '--limits=cpu=abc'],
    ['set', 'resources', 'deploy/w1', '--limits=cpu'],
    ['set', 'resources', 'deploy/w1', '-c', 'nope', '--limits=cpu=1'],
    ['wait', '--for=bogus', 'pod/p1'],
    ['wait', 'pod/p1'],
    ['wait', '--for=condition=Ready', 'pods'],
    ['wait', '--for=condition=Ready', 'pod', '-l', 'nope=x'],
    ['wait', '--for=condition=Ready', 'pod/zz'],
    ['wait', '--for=jsonpath={.status.phase}=', 'pod/p1'],
  ]);
});

test('wait follows conditions, jsonpath values, creation and deletion', async () => {
  await sameAll([
    ['wait', '--for=condition=Ready', 'pod/p1'],
    ['wait', '--for=condition=ready', 'pod/p1', 'deploy/w1', '--timeout=2s'],
    ['wait', '--for=jsonpath={.status.phase}=Running', 'pod/p1'],
    ['wait', '--for=jsonpath={.status.phase}', 'pod', '-l', 'x=y'],
    ['wait', '--for=jsonpath=.status.phase=Running', 'pod/p1', '-o', 'name'],
    ['wait', '--for=condition=Available', 'deploy', '--all'],
    ['wait', '--for=create', 'pod/p1'],
    ['wait', '--for=create', 'pod/zz', '--timeout=1s'],
    ['wait', '--for=delete', 'pod/zz'],
    ['wait', '--for=condition=Ready=false', 'pod/p1', '--timeout=1s'],
    ['wait', '--for=delete', 'pod/p1', '--timeout=0'],
    ['wait', '--for=condition=Ready', 'pod/p1', '--timeout=0'],
    ['wait', '--for=jsonpath={.spec}=x', 'pod/p1', '--timeout=2s'],
  ]);
  // Conditions that come true while waiting: a pod that becomes Ready, one that goes away (held
  // by a finalizer until the wait has surely started).
  for (const ours of [false, true]) {
    ok(['run', 'wt', '--image=busybox', '--overrides={"metadata":{"finalizers":["example.com/hold"]}}']);
    const ready = await runAsync(ours, ['wait', '--for=condition=Ready', 'pod/wt', '--timeout=30s']);
    assert.deepEqual(ready, { code: 0, stdout: 'pod/wt condition met\n', stderr: '' });
    // Forced: with no grace period the pod goes as soon as the finalizer does.
    kubectl(c, ['delete', 'pod', 'wt', '--wait=false', '--grace-period=0', '--force']);
    const gone = runAsync(ours, ['wait', '--for=delete', 'pod/wt', '--timeout=30s']);
    await new Promise((r) => setTimeout(r, 1500));
    ok(['patch', 'pod', 'wt', '--type=json', '-p', '[{"op":"remove","path":"/metadata/finalizers"}]']);
    assert.deepEqual(await gone, { code: 0, stdout: 'pod/wt condition met\n', stderr: '' });
    await until('pod wt to be gone', () => kubectl(c, ['get', 'pod', 'wt']).code !== 0, { timeoutMs: 30_000 });
  }
});

test('scale, set, rollout, expose, autoscale and run change twin objects the same way', () => {
  twin((n) => ['scale', 'deploy', n, '--replicas=3']);
  twin((n) => ['scale', `deploy/${n}`, '--replicas=2', '--current-replicas=3']);
  twin((n) => ['scale', 'deploy', n, '--replicas=2', '--resource-version=1']);
  settle();
  twin((n) => ['rollout', 'history', `deploy/${n}`]);
  twin((n) => ['rollout', 'undo', `deploy/${n}`]);
  twin((n) => ['set', 'image', `deploy/${n}`, 'nginx=nginx:1.26']);
  twin((n) => ['set', 'image', `deploy/${n}`, 'nginx=nginx:1.26']);
  settle();
  twin((n) => ['rollout', 'status', `deploy/${n}`]);
  twin((n) => ['set', 'env', `deploy/${n}`, 'FOO=bar', 'BAZ=1']);
  settle();
  // One key: kubectl walks --from's keys in Go's random map order (warnings and env order vary).
  twin((n) => ['set', 'env', `deploy/${n}`, 'FOO-', '--from=configmap/cm1', '--keys=a.b', '--prefix=P_']);
  settle();
  twin((n) => ['set', 'env', `deploy/${n}`, '--from=secret/s1', '--keys=pw']);
  settle();
  twin((n) => ['set', 'env', `deploy/${n}`, '--list']);
  twin((n) => ['set', 'env', `deploy/${n}`, '--list', '--resolve']);
  twin((n) => ['set', 'resources', `deploy/${n}`, '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m']);
  twin((n) => ['set', 'resources', `deploy/${n}`, '--limits=cpu=200m,memory=512Mi', '--requests=cpu=100m']);
  settle();
  twin((n) => ['rollout', 'history', `deploy/${n}`]);
  twin((n) => ['rollout', 'history', `deploy/${n}`, '--revision=1']);
  twin((n) => ['rollout', 'history', `deploy/${n}`, '--revision=9']);
  twin((n) => ['rollout', 'history', `deploy/${n}`, '--revision=2', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  twin((n) => ['rollout', 'undo', `deploy/${n}`, '--dry-run=client']);
  twin((n) => ['rollout', 'undo', `deploy/${n}`, '--to-revision=4']);
  settle();
  twin((n) => ['rollout', 'pause', `deploy/${n}`]);
  twin((n) => ['rollout', 'pause', `deploy/${n}`]);
  twin((n) => ['rollout', 'restart', `deploy/${n}`]);
  twin((n) => ['rollout', 'undo', `deploy/${n}`]);
  twin((n) => ['rollout', 'resume', `deploy/${n}`]);
  twin((n) => ['rollout', 'resume', `deploy/${n}`]);
  twin((n) => ['rollout', 'undo', `deploy/${n}`, '--to-revision=2']);
  settle();
  twin((n) => ['rollout', 'restart', `deploy/${n}`]);
  settle();
  twin((n) => ['rollout', 'status', `deploy/${n}`, '--watch=false']);
  twin((n) => ['rollout', 'history', `deploy/${n}`]);
  twin((n) => ['expose', 'deploy', n]);
  twin((n) => ['expose', 'deploy', n]);
  twin((n) => ['expose', 'svc', n, `--name=${n}-b`, '--port=81', '-o', 'name']);
  twin((n) => ['autoscale', 'deploy', n, '--min=2', '--max=5']);
  twin((n) => ['autoscale', `deploy/${n}`, '--max=5', '--dry-run=server']);
  twin((n) => ['run', n === 'w1' ? 'r1' : 'r2', '--image=busybox', '--labels=run=x']);
  twin((n) => ['run', n === 'w1' ? 'r1' : 'r2', '--image=busybox']);
  // What the twins ended with, field by field that matters.
  const state = (n: string) =>
    normalise(ok(['get', `deploy/${n}`, `hpa/${n}`, `svc/${n}`, `pod/${n === 'w1' ? 'r1' : 'r2'}`, '-o', 'jsonpath={range .items[*]}{.kind} {.spec.replicas} {.spec.paused} {.spec.template.spec.containers[0].image} {.spec.template.spec.containers[0].env} {.spec.template.spec.containers[0].resources} {.spec.maxReplicas} {.spec.minReplicas} {.spec.selector} {.spec.ports} {.metadata.labels}{"\\n"}{end}']));
  assert.equal(state('w2'), state('w1'));
});

test('daemon set rollouts go through ControllerRevisions', () => {
  const both = (args: string[]) => {
    const real = clean(kubectl(c, args));
    assert.deepEqual(clean(ourKubectl(c, args)), real, `kubectl ${args.join(' ')}`);
  };
  both(['rollout', 'history', 'ds/ds1']);
  ok(['set', 'image', 'ds/ds1', 'c=busybox:1.37']);
  ok(['rollout', 'status', 'ds/ds1', '--timeout=30s']);
  both(['rollout', 'status', 'ds/ds1']);
  both(['rollout', 'history', 'ds/ds1']);
  both(['rollout', 'history', 'ds/ds1', '--revision=1']);
  both(['rollout', 'history', 'ds/ds1', '--revision=2', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']);
  both(['rollout', 'undo', 'ds/ds1', '--dry-run=client']);
  both(['rollout', 'undo', 'ds/ds1', '--to-revision=5']);
  const undone = ourKubectl(c, ['rollout', 'undo', 'ds/ds1']);
  assert.deepEqual(undone, { code: 0, stdout: 'daemonset.apps/ds1 rolled back\n', stderr: '' });
  assert.equal(ok(['get', 'ds/ds1', '-o', 'jsonpath={.spec.template.spec.containers[0].image}']), 'busybox:1.36');
});

test('rolling-update replaces a ReplicationController pod by pod behind its Service, keeping its name', async () => {
  ok(['apply', '-f', '-'], RC);
  for (let i = 0; (await readyPods()) !== 3; i++) {
    assert.ok(i < 300, 'the RC did not get 3 ready pods');
    await new Promise((r) => setTimeout(r, 100));
  }
  // Watch readiness while the update runs: with maxUnavailable 0 it never drops below 3.
  let least = Infinity;
  let done = false;
  const watcher = (async () => {
    while (!done) {
      least = Math.min(least, await readyPods());
      await new Promise((r) => setTimeout(r, 50));
    }
  })();
  const r = await runAsync(true, ['rolling-update', 'web', '--image=xiaopeng163/docker-flask-demo:2.0', '--update-period=500ms', '--poll-interval=100ms']);
  done = true;
  await watcher;
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.replace(/web-[0-9a-f]{32}/g, 'web-<hash>').split('\n');
  assert.deepEqual(lines, [
    'Created web-<hash>',
    "Scaling up web-<hash> from 0 to 3, scaling down web from 3 to 0 (keep 3 pods available, don't exceed 4 pods)",
    'Scaling web-<hash> up to 1',
    'Scaling web down to 2',
    'Scaling web-<hash> up to 2',
    'Scaling web down to 1',
    'Scaling web-<hash> up to 3',
    'Scaling web down to 0',
    'Update succeeded. Deleting old controller: web',
    'Renaming web-<hash> to web',
    'replicationcontroller/web rolling updated',
    '',
  ]);
  assert.ok(least >= 3, `ready pods dropped to ${least}`);
  const rcs = ok(['get', 'rc', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.spec.replicas} {.spec.template.spec.containers[0].image}{"\\n"}{end}']);
  assert.equal(rcs, 'web 3 xiaopeng163/docker-flask-demo:2.0\n');
  // The Service still selects the new pods (they kept name=web), and they belong to the renamed RC.
  const uid = ok(['get', 'rc', 'web', '-o', 'jsonpath={.metadata.uid}']);
  await until('the new pods to be adopted', () => ok(['get', 'pods', '-l', 'name=web', '-o', 'jsonpath={.items[*].metadata.ownerReferences[0].uid}']) === [uid, uid, uid].join(' '), { timeoutMs: 30_000 });
  assert.equal(ok(['get', 'pods', '-l', 'name=web', '-o', 'jsonpath={.items[*].spec.containers[0].image}']), Array(3).fill('xiaopeng163/docker-flask-demo:2.0').join(' '));
});

/** Pods selected by the web Service that are Ready and not being deleted. */
async function readyPods(): Promise<number> {
  const res = await raw(c, 'GET', '/api/v1/namespaces/default/pods?labelSelector=name%3Dweb');
  const list = JSON.parse(res.body) as { items: Array<{ metadata: { deletionTimestamp?: string }; status?: { conditions?: Array<{ type: string; status: string }> } }> };
  return list.items.filter((p) => !p.metadata.deletionTimestamp && (p.status?.conditions ?? []).some((x) => x.type === 'Ready' && x.status === 'True')).length;
}
