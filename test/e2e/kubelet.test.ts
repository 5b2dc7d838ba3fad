/**
 * The node agent end to end: `k8ts server` with its kubelet, its own containerd, CNI and the local
 * registry, driven by the real kubectl 1.32. Pods run as real containers: nginx answers on its pod
 * IP from the node; logs (-f, -p), exec (exit codes, stdin, a TTY), cp both ways and port-forward
 * go through the API server to the kubelet and containerd's stream server; restart policies,
 * crash back-off and phases; a SIGKILLed server's kubelet adopts the containers it left running.
 * Everything is removed afterwards (`k8ts killall`), and the test checks that nothing is left.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { freePort } from '../../src/storage/etcd/process.js';
import { hasPythonClient, kubectl, kubectlPath, python, startServer, type Cluster, until as waitUntil } from './harness.js';

const missing = ['/usr/bin/containerd', '/usr/sbin/runc', '/usr/lib/cni/bridge', '/usr/bin/docker-registry'].filter((p) => !existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length ? `missing ${missing.join(', ')}` : false;

const run = Math.floor(Math.random() * 200) + 20;
const podCIDR = `10.245.${run}.0/24`;
const nodeName = `k8ts-e2e-${run}`;
let c: Cluster;
let kubeletPort = 0;
let dir = '';

const until = <T>(what: string, fn: () => T | undefined | false, timeoutMs = 90_000): Promise<T> => waitUntil(what, fn, { timeoutMs, context: () => readFileSync(c.log, 'utf8').split('\n').slice(-30).join('\n') });

const k = (args: string[], input?: string) => kubectl(c, args, input !== undefined ? { input } : {});
const ok = (args: string[], input?: string) => {
  const r = k(args, input);
  assert.equal(r.code, 0, `kubectl ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
};
const jsonpath = (kind: string, name: string, path: string) => k(['get', kind, name, '-o', `jsonpath=${path}`]).stdout;

const serverArgs = () => ['--port', String(kubeletPort), '--pod-cidr', podCIDR, '--cluster-cidr', podCIDR, '--hostname-override', nodeName, '--pod-manifest-path', join(dir, 'manifests')];

function pod(name: string, spec: Record<string, unknown>): string {
  return JSON.stringify({ apiVersion: 'v1', kind: 'Pod', metadata: { name, labels: { app: name } }, spec: { nodeName, terminationGracePeriodSeconds: 2, ...spec } });
}

before(async () => {
  if (skip) return;
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-node-'));
  kubeletPort = await freePort();
  mkdirSync(join(dir, 'manifests'));
  writeFileSync(
    join(dir, 'manifests', 'static.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: static\nspec:\n  containers:\n  - name: static\n    image: busybox\n    command: [sleep, "3600"]\n',
  );
  c = await startServer({ agent: true, dir, args: serverArgs() });
  await until('node Ready', () => /\bReady\b/.test(k(['get', 'node', nodeName, '--no-headers']).stdout));
  ok(['create', '-f', '-'], pod('web', { containers: [{ name: 'web', image: 'nginx', ports: [{ containerPort: 80 }] }] }));
  ok(['create', '-f', '-'], pod('bb', { containers: [{ name: 'bb', image: 'busybox', command: ['sleep', '3600'] }] }));
});

after(async () => {
  if (skip || !c) return;
  await c.stop();
  // Nothing of the node may be left: no shim of its containerd, no mounts under its data dir.
  const shims = spawnSync('pgrep', ['-af', `containerd-shim.*${dir}`], { encoding: 'utf8' }).stdout.trim();
  assert.equal(shims, '', 'containerd shims left behind');
  assert.ok(!readFileSync('/proc/self/mounts', 'utf8').includes(dir), 'mounts left behind');
  assert.equal(spawnSync('ip', ['-o', 'addr', 'show'], { encoding: 'utf8' }).stdout.includes(podCIDR.replace('0/24', '1')), false, 'pod bridge left behind');
  rmSync(dir, { recursive: true, force: true });
});

test('a pod goes Pending → Running with a real container and answers on its pod IP from the node', { skip }, async () => {
  await until('web Ready', () => jsonpath('pod', 'web', '{.status.conditions[?(@.type=="Ready")].status}') === 'True');
  const ip = jsonpath('pod', 'web', '{.status.podIP}');
  assert.match(ip, /^10\.245\./);
  const body = await (await fetch(`http://${ip}/`)).text();
  assert.match(body, /Welcome to nginx!/);
  const st = JSON.parse(ok(['get', 'pod', 'web', '-o', 'json'])) as { status: { phase: string; hostIP: string; containerStatuses: { ready: boolean; restartCount: number; imageID: string; containerID: string; state: { running?: unknown } }[] } };
  assert.equal(st.status.phase, 'Running');
  const cs = st.status.containerStatuses[0]!;
  assert.ok(cs.state.running && cs.ready && cs.containerID.startsWith('containerd://') && cs.imageID !== '');
  const wide = ok(['get', 'pod', 'web', '-o', 'wide']);
  assert.match(wide, new RegExp(`web\\s+1/1\\s+Running\\s+0\\s+\\S+\\s+${ip.replace(/\./g, '\\.')}\\s+${nodeName}`));
  const events = ok(['get', 'events', '--field-selector', 'involvedObject.name=web']);
  for (const reason of ['Pulling|Pulled', 'Created', 'Started']) assert.match(events, new RegExp(reason));
});

test('kubectl logs and logs -f', { skip }, async () => {
  const ip = jsonpath('pod', 'web', '{.status.podIP}');
  await fetch(`http://${ip}/first`);
  await until('access log line', () => k(['logs', 'web']).stdout.includes('GET /first'));
  assert.match(ok(['logs', 'web', '--tail', '1']), /GET \/first/);
  const follow = spawn(kubectlPath(), ['logs', '-f', 'web'], { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir } });
  let out = '';
  follow.stdout.on('data', (d: Buffer) => (out += d.toString()));
  try {
    await until('follow started', () => out.includes('GET /first'), 30_000);
    await fetch(`http://${ip}/second`);
    await until('followed line', () => out.includes('GET /second'), 30_000);
  } finally {
    follow.kill();
  }
});

test('kubectl exec: output, exit code, stdin, and a TTY', { skip }, async () => {
  await until('bb Running', () => jsonpath('pod', 'bb', '{.status.phase}') === 'Running');
  assert.equal(ok(['exec', 'bb', '--', 'cat', '/etc/hostname']).trim(), 'bb');
  const fail = k(['exec', 'bb', '--', 'sh', '-c', 'echo out; echo err >&2; exit 3']);
  assert.equal(fail.code, 3);
  assert.equal(fail.stdout, 'out\n');
  assert.match(fail.stderr, /err\n[\s\S]*command terminated with exit code 3/);
  assert.equal(ok(['exec', '-i', 'bb', '--', 'sh', '-c', 'tr a-z A-Z'], 'hello stdin\n'), 'HELLO STDIN\n');
  // A pseudo-terminal for kubectl (script(1)), so -t really allocates a TTY in the container.
  const tty = spawnSync('script', ['-qec', `${kubectlPath()} exec -it bb -- sh -c 'tty; stty size'`, '/dev/null'], {
    encoding: 'utf8',
    env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir },
    timeout: 30_000,
  });
  assert.equal(tty.status, 0, tty.stderr);
  assert.match(tty.stdout, /\/dev\/pts\/\d+/);
});

test('the Python client: exec over WebSocket v4 and pod logs', { skip: skip || (!hasPythonClient() && 'python3-kubernetes missing') }, () => {
  const r = python(c, `
import sys
from kubernetes import client, config
from kubernetes.stream import stream
config.load_kube_config(sys.argv[1])
v1 = client.CoreV1Api()
resp = stream(v1.connect_get_namespaced_pod_exec, 'bb', 'default', command=['sh', '-c', 'echo from-python; echo oops >&2; exit 2'],
              stderr=True, stdin=False, stdout=True, tty=False, _preload_content=False)
resp.run_forever(timeout=20)
print('OUT', repr(resp.read_stdout()), 'ERR', repr(resp.read_stderr()), 'RC', resp.returncode)
print('LOG', repr(v1.read_namespaced_pod_log('web', 'default', tail_lines=1)[:3]))
`);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /OUT 'from-python\\n' ERR 'oops\\n' RC 2/);
  assert.match(r.stdout, /LOG '\d{2}/);
});

test('kubectl cp both ways', { skip }, () => {
  const local = join(dir, 'upload.txt');
  writeFileSync(local, 'payload 42\n');
  ok(['cp', local, 'bb:/tmp/upload.txt']);
  assert.equal(ok(['exec', 'bb', '--', 'cat', '/tmp/upload.txt']), 'payload 42\n');
  const back = join(dir, 'download.txt');
  ok(['cp', 'bb:/tmp/upload.txt', back]);
  assert.equal(readFileSync(back, 'utf8'), 'payload 42\n');
});

test('kubectl port-forward', { skip }, async () => {
  const pf = spawn(kubectlPath(), ['port-forward', 'pod/web', ':80'], { env: { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir } });
  let out = '';
  pf.stdout.on('data', (d: Buffer) => (out += d.toString()));
  pf.stderr.on('data', (d: Buffer) => (out += d.toString()));
  try {
    const port = await until('forwarding', () => /Forwarding from 127\.0\.0\.1:(\d+)/.exec(out)?.[1], 30_000);
    for (let i = 0; i < 3; i++) {
      const body = await (await fetch(`http://127.0.0.1:${port}/`)).text();
      assert.match(body, /Welcome to nginx!/);
    }
  } finally {
    pf.kill();
  }
});

test('restarts: crash back-off, lastState, logs -p; restartPolicy Never ends Succeeded or Failed', { skip }, async () => {
  ok(['create', '-f', '-'], pod('crash', { containers: [{ name: 'crash', image: 'busybox', command: ['sh', '-c', 'echo run at $(date +%s%N); exit 2'] }] }));
  ok(['create', '-f', '-'], pod('done', { restartPolicy: 'Never', containers: [{ name: 'done', image: 'busybox', command: ['sh', '-c', 'echo finished'] }] }));
  ok(['create', '-f', '-'], pod('failed', { restartPolicy: 'Never', containers: [{ name: 'failed', image: 'busybox', command: ['sh', '-c', 'exit 7'] }] }));
  await until('crash restarted', () => Number(jsonpath('pod', 'crash', '{.status.containerStatuses[0].restartCount}') || '0') >= 1);
  await until('CrashLoopBackOff', () => jsonpath('pod', 'crash', '{.status.containerStatuses[0].state.waiting.reason}') === 'CrashLoopBackOff');
  assert.equal(jsonpath('pod', 'crash', '{.status.containerStatuses[0].lastState.terminated.exitCode}'), '2');
  assert.equal(jsonpath('pod', 'crash', '{.status.containerStatuses[0].lastState.terminated.reason}'), 'Error');
  assert.match(ok(['get', 'pod', 'crash']), /CrashLoopBackOff/);
  assert.match(ok(['logs', '-p', 'crash']), /^run at \d+/);
  await until('done Succeeded', () => jsonpath('pod', 'done', '{.status.phase}') === 'Succeeded');
  assert.equal(jsonpath('pod', 'done', '{.status.containerStatuses[0].state.terminated.reason}'), 'Completed');
  assert.equal(ok(['logs', 'done']), 'finished\n');
  await until('failed Failed', () => jsonpath('pod', 'failed', '{.status.phase}') === 'Failed');
  assert.equal(jsonpath('pod', 'failed', '{.status.containerStatuses[0].state.terminated.exitCode}'), '7');
});

test('image pull errors show as ErrImagePull / ImagePullBackOff with the registry\'s message', { skip }, async () => {
  ok(['create', '-f', '-'], pod('noimage', { containers: [{ name: 'noimage', image: 'k8ts-e2e/absent:1' }] }));
  const reason = await until('pull failure', () => {
    const r = jsonpath('pod', 'noimage', '{.status.containerStatuses[0].state.waiting.reason}');
    return r === 'ErrImagePull' || r === 'ImagePullBackOff' ? r : undefined;
  });
  assert.ok(reason);
  await until('registry message', () => /not found/i.test(ok(['describe', 'pod', 'noimage'])));
  ok(['delete', 'pod', 'noimage', '--grace-period=0', '--force']);
});

test('probes: a failing readiness probe keeps the pod unready, a failing liveness probe restarts it', { skip }, async () => {
  ok(['create', '-f', '-'], pod('probed', {
    containers: [{
      name: 'probed',
      image: 'busybox',
      command: ['sh', '-c', 'mkdir -p /www && exec httpd -f -p 8080 -h /www'],
      readinessProbe: { httpGet: { path: '/absent', port: 8080 }, periodSeconds: 1, failureThreshold: 1 },
      livenessProbe: { exec: { command: ['test', '-e', '/nonexistent'] }, periodSeconds: 1, failureThreshold: 2, initialDelaySeconds: 1 },
    }],
  }));
  await until('liveness restart', () => Number(jsonpath('pod', 'probed', '{.status.containerStatuses[0].restartCount}') || '0') >= 1);
  assert.equal(jsonpath('pod', 'probed', '{.status.conditions[?(@.type=="Ready")].status}'), 'False');
  const events = ok(['get', 'events', '--field-selector', 'involvedObject.name=probed']);
  assert.match(events, /Readiness probe failed: HTTP probe failed with statuscode: 404/);
  assert.match(events, /Liveness probe failed/);
  ok(['delete', 'pod', 'probed', '--grace-period=0', '--force']);
});

test('env and volumes: configMap and secret keys, downward API, service variables', { skip }, async () => {
  ok(['create', 'configmap', 'cfg', '--from-literal=greeting=hello', '--from-literal=color=blue']);
  ok(['create', 'secret', 'generic', 'sec', '--from-literal=password=s3cret']);
  ok(['create', '-f', '-'], pod('envvol', {
    containers: [{
      name: 'envvol',
      image: 'busybox',
      command: ['sleep', '3600'],
      env: [
        { name: 'GREETING', valueFrom: { configMapKeyRef: { name: 'cfg', key: 'greeting' } } },
        { name: 'PASSWORD', valueFrom: { secretKeyRef: { name: 'sec', key: 'password' } } },
        { name: 'MY_POD', valueFrom: { fieldRef: { fieldPath: 'metadata.name' } } },
        { name: 'MESSAGE', value: '$(GREETING) from $(MY_POD)' },
      ],
      volumeMounts: [{ name: 'cfg', mountPath: '/cfg' }, { name: 'info', mountPath: '/info' }, { name: 'scratch', mountPath: '/scratch' }],
    }],
    volumes: [
      { name: 'cfg', configMap: { name: 'cfg' } },
      { name: 'info', downwardAPI: { items: [{ path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } }] } },
      { name: 'scratch', emptyDir: { medium: 'Memory' } },
    ],
  }));
  await until('envvol Running', () => jsonpath('pod', 'envvol', '{.status.phase}') === 'Running');
  const env = ok(['exec', 'envvol', '--', 'env']);
  assert.match(env, /^GREETING=hello$/m);
  assert.match(env, /^PASSWORD=s3cret$/m);
  assert.match(env, /^MESSAGE=hello from envvol$/m);
  assert.match(env, /^KUBERNETES_SERVICE_HOST=\d+\.\d+\.\d+\.\d+$/m);
  assert.equal(ok(['exec', 'envvol', '--', 'cat', '/cfg/color']), 'blue');
  assert.match(ok(['exec', 'envvol', '--', 'cat', '/info/labels']), /app="envvol"/);
  assert.match(ok(['exec', 'envvol', '--', 'sh', '-c', 'grep /scratch /proc/mounts']), /tmpfs/);
  ok(['delete', 'pod', 'envvol', '--grace-period=0', '--force']);
});

test('a projected ServiceAccount token: bound to its pod, accepted as the account, revoked with the pod', { skip }, async () => {
  ok(['create', 'serviceaccount', 'robot']);
  ok(['create', '-f', '-'], pod('tok', {
    serviceAccountName: 'robot',
    containers: [{ name: 'tok', image: 'busybox', command: ['sleep', '3600'], volumeMounts: [{ name: 'sa', mountPath: '/var/run/secrets/tokens', readOnly: true }] }],
    volumes: [{ name: 'sa', projected: { sources: [{ serviceAccountToken: { path: 'api', expirationSeconds: 3600 } }, { serviceAccountToken: { path: 'vault', audience: 'vault' } }] } }],
  }));
  await until('tok Running', () => jsonpath('pod', 'tok', '{.status.phase}') === 'Running');
  const token = ok(['exec', 'tok', '--', 'cat', '/var/run/secrets/tokens/api']);
  const vault = ok(['exec', 'tok', '--', 'cat', '/var/run/secrets/tokens/vault']);
  const review = (t: string, audiences?: string[]) =>
    JSON.parse(ok(['create', '-o', 'json', '-f', '-'], JSON.stringify({ apiVersion: 'authentication.k8s.io/v1', kind: 'TokenReview', spec: { token: t, ...(audiences ? { audiences } : {}) } }))) as {
      status: { authenticated?: boolean; user?: { username?: string; groups?: string[]; extra?: Record<string, string[]> }; audiences?: string[] };
    };
  const r = review(token);
  assert.equal(r.status.authenticated, true);
  assert.equal(r.status.user?.username, 'system:serviceaccount:default:robot');
  assert.deepEqual(r.status.user?.groups, ['system:serviceaccounts', 'system:serviceaccounts:default', 'system:authenticated']);
  assert.deepEqual(r.status.user?.extra?.['authentication.kubernetes.io/pod-name'], ['tok']);
  assert.deepEqual(r.status.user?.extra?.['authentication.kubernetes.io/node-name'], [nodeName]);
  // The API itself takes the token (kubectl with no other credentials), not the one minted for vault.
  const as = (t: string) => kubectl({ kubeconfig: '/dev/null', dir: c.dir }, ['--server', `https://127.0.0.1:${c.port}`, '--insecure-skip-tls-verify', '--token', t, 'auth', 'whoami', '-o', 'jsonpath={.status.userInfo.username}']);
  assert.equal(as(token).stdout, 'system:serviceaccount:default:robot');
  assert.match(as(vault).stderr, /Unauthorized/);
  assert.equal(review(vault, ['vault']).status.authenticated, true);
  ok(['delete', 'pod', 'tok', '--grace-period=0', '--force']);
  await until('tok gone', () => k(['get', 'pod', 'tok']).code !== 0);
  assert.equal(review(token).status.authenticated, false, 'a token bound to a deleted pod is refused');
});

test('in-cluster access: the ServiceAccount mount reaches the API through the kubernetes Service, TLS verified', { skip }, async () => {
  await until('default ServiceAccount', () => k(['get', 'serviceaccount', 'default']).code === 0);
  await until('kube-root-ca.crt published', () => k(['get', 'configmap', 'kube-root-ca.crt']).code === 0);
  const script = [
    'import json, os, ssl, urllib.request',
    "d = '/var/run/secrets/kubernetes.io/serviceaccount/'",
    "ctx = ssl.create_default_context(cafile=d + 'ca.crt')",
    "ns = open(d + 'namespace').read()",
    "url = 'https://%s:%s/api/v1/namespaces/%s/pods/%s' % (os.environ['KUBERNETES_SERVICE_HOST'], os.environ['KUBERNETES_SERVICE_PORT'], ns, os.environ['HOSTNAME'])",
    "req = urllib.request.Request(url, headers={'Authorization': 'Bearer ' + open(d + 'token').read()})",
    'try:',
    "    print(json.load(urllib.request.urlopen(req, context=ctx))['metadata']['name'])",
    'except urllib.error.HTTPError as e:',
    "    print(e.code, json.load(e)['message'])",
  ].join('\n');
  ok(['create', '-f', '-'], pod('incluster', { containers: [{ name: 'py', image: 'xiaopeng163/docker-flask-demo:1.0', command: ['sleep', '3600'] }] }));
  await until('incluster Running', () => jsonpath('pod', 'incluster', '{.status.phase}') === 'Running');
  // The ServiceAccount plugin added the kube-api-access volume and its read-only mount.
  const spec = JSON.parse(ok(['get', 'pod', 'incluster', '-o', 'json'])) as { spec: { volumes: Array<{ name: string; projected?: { sources: unknown[] } }>; containers: Array<{ volumeMounts: Array<{ name: string; mountPath: string; readOnly?: boolean }> }> } };
  const vol = spec.spec.volumes.find((v) => v.name.startsWith('kube-api-access-'));
  assert.ok(vol?.projected, 'a kube-api-access projected volume');
  assert.deepEqual(spec.spec.containers[0]?.volumeMounts, [{ name: vol.name, mountPath: '/var/run/secrets/kubernetes.io/serviceaccount', readOnly: true }]);
  assert.equal(ok(['exec', 'incluster', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/namespace']), 'default');
  assert.equal(ok(['exec', 'incluster', '--', 'cat', '/var/run/secrets/kubernetes.io/serviceaccount/ca.crt']), readFileSync(join(c.dir, 'pki', 'ca.crt'), 'utf8'));
  // The account may do nothing yet (RBAC), until a RoleBinding grants it the view role.
  assert.equal(ok(['exec', 'incluster', '--', 'python3', '-c', script]).trim(), '403 pods "incluster" is forbidden: User "system:serviceaccount:default:default" cannot get resource "pods" in API group "" in the namespace "default"');
  ok(['create', 'rolebinding', 'incluster-view', '--clusterrole=view', '--serviceaccount=default:default']);
  await until('the binding takes effect', () => ok(['exec', 'incluster', '--', 'python3', '-c', script]).trim() === 'incluster');
  ok(['delete', 'rolebinding', 'incluster-view']);
  // automountServiceAccountToken: false keeps the pod without one.
  ok(['create', '-f', '-'], pod('nomount', { automountServiceAccountToken: false, containers: [{ name: 'c', image: 'busybox', command: ['sleep', '3600'] }] }));
  assert.doesNotMatch(ok(['get', 'pod', 'nomount', '-o', 'json']), /kube-api-access/);
  ok(['delete', 'pod', 'incluster', 'nomount', '--grace-period=0', '--force']);
});

test('kubelet API: /pods anonymously, /stats/summary with a cluster client certificate only', { skip }, () => {
  const curl = (extra: string[], path: string) =>
    spawnSync('curl', ['-sk', '--max-time', '10', ...extra, `https://127.0.0.1:${kubeletPort}${path}`], { encoding: 'utf8' }).stdout;
  const pods = JSON.parse(curl([], '/pods')) as { kind: string; items: { metadata: { name: string } }[] };
  assert.equal(pods.kind, 'PodList');
  assert.ok(pods.items.some((p) => p.metadata.name === 'web'));
  assert.match(curl([], '/stats/summary'), /Unauthorized/);
  const pki = join(c.dir, 'pki');
  const summary = JSON.parse(curl(['--cert', join(pki, 'admin.crt'), '--key', join(pki, 'admin.key')], '/stats/summary')) as {
    node: { nodeName: string; memory: { workingSetBytes: number } };
    pods: { podRef: { name: string }; containers: { name: string; memory?: { workingSetBytes?: number } }[] }[];
  };
  assert.equal(summary.node.nodeName, nodeName);
  assert.ok(summary.node.memory.workingSetBytes > 0);
  const web = summary.pods.find((p) => p.podRef.name === 'web');
  assert.ok(web && (web.containers[0]?.memory?.workingSetBytes ?? 0) > 0, 'per-container memory from CRI stats');
});

test('init containers run first, in order, sharing volumes with the app container', { skip }, async () => {
  ok(['create', '-f', '-'], pod('init', {
    initContainers: [
      { name: 'one', image: 'busybox', command: ['sh', '-c', 'echo one > /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
      { name: 'two', image: 'busybox', command: ['sh', '-c', 'echo two >> /work/order'], volumeMounts: [{ name: 'work', mountPath: '/work' }] },
    ],
    containers: [{ name: 'main', image: 'busybox', command: ['sh', '-c', 'cat /work/order; sleep 3600'], volumeMounts: [{ name: 'work', mountPath: '/work' }] }],
    volumes: [{ name: 'work', emptyDir: {} }],
  }));
  await until('init Running', () => jsonpath('pod', 'init', '{.status.phase}') === 'Running');
  assert.equal(jsonpath('pod', 'init', '{.status.initContainerStatuses[*].state.terminated.reason}'), 'Completed Completed');
  assert.equal(jsonpath('pod', 'init', '{.status.conditions[?(@.type=="Initialized")].status}'), 'True');
  await until('main logs', () => ok(['logs', 'init', '-c', 'main']) === 'one\ntwo\n');
  ok(['delete', 'pod', 'init', '--grace-period=0', '--force']);
});

test('static pods run from the manifest folder and show as mirror pods; the node heartbeats through its Lease', { skip }, async () => {
  const mirror = `static-${nodeName}`;
  await until('mirror pod Running', () => jsonpath('pod', mirror, '{.status.phase}') === 'Running');
  assert.equal(jsonpath('pod', mirror, '{.metadata.annotations.kubernetes\\.io/config\\.source}'), 'file');
  assert.equal(jsonpath('pod', mirror, '{.metadata.ownerReferences[0].kind}'), 'Node');
  assert.equal(k(['get', 'lease', '-n', 'kube-node-lease', nodeName, '-o', 'jsonpath={.spec.holderIdentity}']).stdout, nodeName);
  const node = JSON.parse(ok(['get', 'node', nodeName, '-o', 'json'])) as { status: { conditions: { type: string; status: string }[]; capacity: Record<string, string>; nodeInfo: Record<string, string> } };
  assert.deepEqual(node.status.conditions.map((x) => `${x.type}=${x.status}`).sort(), ['DiskPressure=False', 'MemoryPressure=False', 'PIDPressure=False', 'Ready=True']);
  assert.ok(Number(node.status.capacity['cpu']) >= 1 && node.status.capacity['memory']?.endsWith('Ki'));
  assert.match(node.status.nodeInfo['containerRuntimeVersion'] ?? '', /^containerd:\/\//);
  // Deleting a mirror pod does not stop the static pod: the kubelet recreates the mirror.
  ok(['delete', 'pod', mirror, '--wait=false']);
  await until('mirror recreated', () => k(['get', 'pod', mirror, '-o', 'jsonpath={.metadata.deletionTimestamp}']).code === 0 && jsonpath('pod', mirror, '{.metadata.deletionTimestamp}') === '' && jsonpath('pod', mirror, '{.status.phase}') === 'Running');
});

test('a SIGKILLed server restarts and its kubelet adopts the running containers', { skip }, async () => {
  const before = jsonpath('pod', 'web', '{.status.containerStatuses[0].containerID}');
  const port = c.port;
  await c.kill();
  c = await startServer({ agent: true, dir, port, args: serverArgs() });
  await until('node Ready again', () => /\bReady\b/.test(k(['get', 'node', nodeName, '--no-headers']).stdout));
  await until('web status posted again', () => jsonpath('pod', 'web', '{.status.conditions[?(@.type=="Ready")].status}') === 'True');
  assert.equal(jsonpath('pod', 'web', '{.status.containerStatuses[0].containerID}'), before);
  assert.equal(jsonpath('pod', 'web', '{.status.containerStatuses[0].restartCount}'), '0');
  assert.match(ok(['exec', 'bb', '--', 'echo', 'still here']), /still here/);
});

test('deleting a pod stops its containers gracefully and removes it', { skip }, () => {
  ok(['delete', 'pod', 'web', '--wait=true', '--timeout=60s']);
  assert.equal(k(['get', 'pod', 'web']).code, 1);
});
