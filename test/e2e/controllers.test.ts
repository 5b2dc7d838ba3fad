/**
 * The control loops end to end, with real containers and the real kubectl 1.32: `k8ts server`
 * runs the API server, the scheduler and a node agent; the controller manager runs as its own
 * process (`k8ts controller-manager --kubeconfig`), so a test can kill it mid-rollout. Pods are
 * scheduled, an RC adopts a matching standalone pod (kubernetes-101), a Deployment rolls out, rolls
 * back and survives a controller-manager SIGKILL without extra replicas, a Job completes, a
 * DaemonSet runs one pod per node (and `kubectl top` reports it from the kubelet's stats),
 * deleting a Deployment takes its ReplicaSets and pods with it, and a deleted namespace is
 * emptied and goes.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, openSync, closeSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/storage/etcd/process.js';
import { kubectl, REPO, startServer, type Cluster, until as waitUntil } from './harness.js';

const missing = ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/lib/cni/bridge', '/usr/bin/docker-registry'].filter((p) => !existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length ? `missing ${missing.join(', ')}` : false;

const run = Math.floor(Math.random() * 200) + 20;
const podCIDR = `10.246.${run}.0/24`;
const nodeName = `k8ts-e2e-cm-${run}`;
let c: Cluster;
let dir = '';
let cm: ChildProcess | undefined;
const cmLog = () => join(dir, 'controller-manager.log');

function startControllerManager(): ChildProcess {
  const fd = openSync(cmLog(), 'a');
  const child = spawn(process.execPath, ['--enable-source-maps', join(REPO, 'dist', 'src', 'cmd', 'k8ts.js'), 'controller-manager', '--kubeconfig', c.kubeconfig, '--cluster-cidr', podCIDR], { stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return child;
}

async function stopChild(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  child.kill(signal);
  await new Promise((r) => child.once('exit', r));
}

const tail = (file: string) => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').slice(-25).join('\n') : '');

const until = <T>(what: string, fn: () => T | undefined | false, timeoutMs = 120_000): Promise<T> => waitUntil(what, fn, { timeoutMs, context: () => `--- server\n${tail(c.log)}\n--- controller-manager\n${tail(cmLog())}`, intervalMs: 500 });

const k = (args: string[], input?: string) => kubectl(c, args, input !== undefined ? { input, timeoutMs: 180_000 } : { timeoutMs: 180_000 });
const ok = (args: string[], input?: string) => {
  const r = k(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const jsonpath = (args: string[], path: string) => k([...args, '-o', `jsonpath=${path}`]).stdout;
/** Names of the objects listed that are not being deleted. */
const live = (args: string[]) => (JSON.parse(ok([...args, '-o', 'json'])) as { items: { metadata: { name: string; deletionTimestamp?: string } }[] }).items.filter((i) => !i.metadata.deletionTimestamp).map((i) => i.metadata.name);
const names = (args: string[]) => jsonpath(args, '{range .items[*]}{.metadata.name}{"\\n"}{end}').split('\n').filter(Boolean);

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-cm-'));
  const kubeletPort = await freePort();
  c = await startServer({ agent: true, args: ['--disable-controller-manager', '--port', String(kubeletPort), '--pod-cidr', podCIDR, '--cluster-cidr', podCIDR, '--hostname-override', nodeName] });
  cm = startControllerManager();
  await until('the node to be Ready', () => jsonpath(['get', 'node', nodeName], '{.status.conditions[?(@.type=="Ready")].status}') === 'True');
});

after(async () => {
  if (skip) return;
  await stopChild(cm);
  await c.stop();
  rmSync(dir, { recursive: true, force: true });
});

test('the scheduler places a pod that names no node, and explains one that cannot fit', { skip }, async () => {
  ok(['run', 'placed', '--image=busybox', '--restart=Never', '--', 'sleep', '3600']);
  await until('pod placed to run', () => jsonpath(['get', 'pod', 'placed'], '{.status.phase}') === 'Running');
  assert.equal(jsonpath(['get', 'pod', 'placed'], '{.spec.nodeName}'), nodeName);
  ok(['run', 'huge', '--image=busybox', '--restart=Never', '--overrides', JSON.stringify({ spec: { containers: [{ name: 'huge', image: 'busybox', args: ['sleep', '1'], resources: { requests: { cpu: '500' } } }] } })]);
  await until('FailedScheduling for huge', () => /0\/1 nodes are available: 1 Insufficient cpu/.test(ok(['describe', 'pod', 'huge'])));
  assert.match(jsonpath(['get', 'pod', 'huge'], '{.status.conditions[?(@.type=="PodScheduled")].reason}'), /Unschedulable/);
  ok(['delete', 'pod', 'placed', 'huge', '--grace-period=0', '--force']);
});

test('an RC created over a matching standalone pod adopts it (kubernetes-101)', { skip }, async () => {
  const web = readFileSync(join(REPO, 'examples', 'kubernetes-101', 'web-pod.yml'), 'utf8');
  const rc = readFileSync(join(REPO, 'examples', 'kubernetes-101', 'web-rc.yml'), 'utf8');
  ok(['create', '-f', '-'], web);
  await until('pod web Running', () => jsonpath(['get', 'pod', 'web'], '{.status.phase}') === 'Running');
  ok(['create', '-f', '-'], rc);
  await until('RC web 3 ready', () => jsonpath(['get', 'rc', 'web'], '{.status.readyReplicas}') === '3');
  assert.equal(names(['get', 'pods', '-l', 'name=web']).length, 3);
  assert.equal(jsonpath(['get', 'pod', 'web'], '{.metadata.ownerReferences[0].kind}'), 'ReplicationController');
  ok(['scale', 'rc', 'web', '--replicas=1']);
  await until('RC web scaled to 1', () => live(['get', 'pods', '-l', 'name=web']).length === 1 && jsonpath(['get', 'rc', 'web'], '{.status.replicas}') === '1');
  ok(['delete', 'rc', 'web', '--wait=false']);
  await until('the RC pods to be deleted with it', () => live(['get', 'pods', '-l', 'name=web']).length === 0);
});

test('a Deployment rolls out, rolls back, and a controller-manager SIGKILL mid-rollout creates no extra replicas', { skip }, async () => {
  ok(['create', 'deployment', 'hello', '--image=nginx', '--replicas=3']);
  assert.match(ok(['rollout', 'status', 'deployment/hello', '--timeout=150s']), /successfully rolled out/);
  // A slow rollout (each new pod is Ready only after 4 s), with the controller manager killed in the middle.
  ok(['patch', 'deployment', 'hello', '--type=json', '-p', JSON.stringify([
    { op: 'replace', path: '/spec/template/spec/containers/0/image', value: 'xiaopeng163/docker-flask-demo:1.0' },
    { op: 'add', path: '/spec/template/spec/containers/0/readinessProbe', value: { tcpSocket: { port: 5000 }, initialDelaySeconds: 4, periodSeconds: 1 } },
  ])]);
  await until('the new ReplicaSet to start', () => names(['get', 'rs', '-l', 'app=hello']).length === 2);
  await stopChild(cm, 'SIGKILL');
  await new Promise((r) => setTimeout(r, 2000));
  cm = startControllerManager();
  assert.match(ok(['rollout', 'status', 'deployment/hello', '--timeout=180s']), /successfully rolled out/);
  const rs = names(['get', 'rs', '-l', 'app=hello']);
  assert.equal(rs.length, 2, `ReplicaSets: ${rs.join(' ')}`);
  const newRs = jsonpath(['get', 'rs', '-l', 'app=hello'], '{range .items[?(@.spec.replicas==3)]}{.metadata.name}{end}');
  assert.ok(newRs, 'a ReplicaSet with 3 replicas');
  const created = k(['get', 'events', '--field-selector', `involvedObject.name=${newRs},reason=SuccessfulCreate`, '-o', 'jsonpath={range .items[*]}{.message}{"\\n"}{end}']).stdout.split('\n').filter(Boolean);
  assert.equal(created.length, 3, `the new ReplicaSet created exactly its 3 pods: ${created.join('; ')}`);
  assert.equal(names(['get', 'pods', '-l', 'app=hello', '--field-selector=status.phase=Running']).length >= 3, true);
  // History and rollback as kubectl drives them.
  assert.equal(ok(['rollout', 'history', 'deployment/hello']).split('\n').filter((l) => /^\d+ /.test(l)).length, 2);
  assert.match(ok(['rollout', 'undo', 'deployment/hello']), /rolled back/);
  assert.match(ok(['rollout', 'status', 'deployment/hello', '--timeout=150s']), /successfully rolled out/);
  assert.equal(jsonpath(['get', 'deploy', 'hello'], '{.spec.template.spec.containers[0].image}'), 'nginx');
  assert.equal(jsonpath(['get', 'deploy', 'hello'], '{.metadata.annotations.deployment\\.kubernetes\\.io/revision}'), '3');
  // Deleting the Deployment takes its ReplicaSets and pods (the garbage collector).
  ok(['delete', 'deployment', 'hello', '--wait=false']);
  await until('the ReplicaSets and pods of hello to be deleted', () => names(['get', 'rs', '-l', 'app=hello']).length === 0 && live(['get', 'pods', '-l', 'app=hello']).length === 0);
});

test('a Job runs to completion and a DaemonSet runs one pod on the node', { skip }, async () => {
  ok(['create', 'job', 'pi', '--image=busybox', '--', 'sh', '-c', 'echo 3.14159']);
  await until('job pi Complete', () => jsonpath(['get', 'job', 'pi'], '{.status.conditions[*].type}').includes('Complete'));
  assert.equal(jsonpath(['get', 'job', 'pi'], '{.status.succeeded}'), '1');
  assert.match(ok(['logs', 'job/pi']), /3\.14159/);
  ok(['create', '-f', '-'], JSON.stringify({ apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'agent' }, spec: { selector: { matchLabels: { app: 'agent' } }, template: { metadata: { labels: { app: 'agent' } }, spec: { terminationGracePeriodSeconds: 1, containers: [{ name: 'a', image: 'busybox', command: ['sleep', '3600'] }] } } } }));
  await until('daemon pod ready', () => jsonpath(['get', 'ds', 'agent'], '{.status.numberReady}') === '1');
  assert.equal(jsonpath(['get', 'pods', '-l', 'app=agent'], '{.items[0].spec.nodeName}'), nodeName);
  // metrics.k8s.io from the kubelet's stats: what kubectl top and the HPA read.
  await until('kubectl top to list the daemon pod', () => /^agent-\S+\s+\d+m\s+\d+Mi/m.test(k(['top', 'pods', '-l', 'app=agent']).stdout));
  assert.match(ok(['top', 'nodes']), new RegExp(`^${nodeName}\\s+\\d+m\\s+\\d+%\\s+\\d+Mi`, 'm'));
  ok(['delete', 'ds', 'agent']);
  ok(['delete', 'job', 'pi']);
});

test('a namespace is emptied before it goes, and gets a default ServiceAccount', { skip }, async () => {
  ok(['create', 'namespace', 'doomed']);
  await until('default ServiceAccount in doomed', () => k(['get', 'sa', 'default', '-n', 'doomed']).code === 0);
  ok(['create', 'configmap', 'c1', '-n', 'doomed', '--from-literal=a=b']);
  ok(['run', 'p1', '-n', 'doomed', '--image=busybox', '--restart=Never', '--overrides', JSON.stringify({ spec: { terminationGracePeriodSeconds: 2 } }), '--', 'sleep', '3600']);
  ok(['delete', 'namespace', 'doomed', '--wait=false']);
  await until('namespace doomed gone', () => k(['get', 'namespace', 'doomed']).code !== 0, 150_000);
  assert.equal(names(['get', 'pods', '-n', 'doomed']).length, 0);
});
