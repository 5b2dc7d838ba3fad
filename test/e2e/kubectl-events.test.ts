/**
 * Golden tests of `k8ts kubectl events` against the real kubectl 1.32 on one control-plane-only
 * cluster. Events are created through the API with fixed timestamps (far past, far future, or a
 * few days back at the half hour, so LAST SEEN cannot change between the two runs), then every case
 * runs with both kubectls and stdout, stderr and the exit code must be equal byte for byte.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, KUBECTL_LAUNCH, startServer, type Cluster, type Run } from './harness.js';

let cluster: Cluster;

/** One kubectl run without blocking the event loop, so cases run side by side. */
function run(which: 'real' | 'ours', args: string[]): Promise<Run> {
  const [bin, argv] = which === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECACHEDIR: join(cluster.dir, which === 'real' ? 'kubecache' : 'kubecache-k8ts'), HOME: cluster.dir };
  return new Promise((resolve) => {
    execFile(bin, argv, { env, timeout: 30_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

const HOUR = 3600_000;
const DAY = 24 * HOUR;

/** A time `ms` ago, pushed half an hour further so its age reads the same for half an hour. */
function ago(ms: number): string {
  return new Date(Date.now() - ms - HOUR / 2).toISOString().replace(/\.\d+Z$/, 'Z');
}

interface Spec {
  ns: string;
  name: string;
  kind?: string;
  apiVersion?: string;
  object?: string;
  type?: string;
  reason?: string;
  message?: string;
  first?: string;
  last?: string;
  count?: number;
  extra?: Record<string, unknown>;
}

function event(s: Spec): Record<string, unknown> {
  return {
    apiVersion: 'v1',
    kind: 'Event',
    metadata: { name: s.name, namespace: s.ns, labels: { app: 'golden' } },
    involvedObject: { kind: s.kind ?? 'Pod', apiVersion: s.apiVersion ?? 'v1', name: s.object ?? 'web', namespace: s.ns },
    type: s.type ?? 'Normal',
    reason: s.reason ?? 'Scheduled',
    message: s.message ?? 'Successfully assigned',
    ...(s.first ? { firstTimestamp: s.first } : {}),
    ...(s.last ? { lastTimestamp: s.last } : {}),
    ...(s.count ? { count: s.count } : {}),
    source: { component: 'golden' },
    ...s.extra,
  };
}

function events(): Record<string, unknown>[] {
  const out: Spec[] = [
    { ns: 'default', name: 'web.1', first: ago(3 * DAY), last: ago(3 * DAY), count: 1 },
    { ns: 'default', name: 'web.2', type: 'Warning', reason: 'BackOff', message: 'Back-off restarting failed container', first: ago(5 * DAY), last: ago(26 * HOUR), count: 12 },
    { ns: 'ev', name: 'web.a', first: '2019-01-01T00:00:00Z', last: '2019-01-01T00:00:00Z' },
    { ns: 'ev', name: 'web.b', type: 'Warning', reason: 'Failed', message: '  Error: \x1b[31mImagePullBackOff\r\n', first: ago(4 * DAY), last: ago(2 * DAY), count: 3 },
    { ns: 'ev', name: 'x.1', kind: 'Deployment', apiVersion: 'apps/v1', object: 'x', reason: 'ScalingReplicaSet', message: 'Scaled up replica set x-5d4 to 2', first: ago(3 * DAY), last: ago(3 * DAY) },
    { ns: 'ev', name: 'x-5d4.1', kind: 'ReplicaSet', apiVersion: 'apps/v1', object: 'x-5d4', reason: 'SuccessfulCreate', message: 'Created pod: x-5d4-abcde\twith a tab', first: ago(3 * DAY), last: ago(3 * DAY) },
    { ns: 'ev', name: 'later', kind: 'Node', object: 'n1', reason: 'Rebooted', first: '2099-01-01T00:00:00Z', last: '2099-01-01T00:00:00Z', count: 2 },
    {
      ns: 'ev',
      name: 'series',
      kind: 'Node',
      object: 'n1',
      type: 'Warning',
      reason: 'NodeNotReady',
      extra: { eventTime: '2021-03-04T05:06:07.123456Z', series: { count: 4, lastObservedTime: '2022-03-04T05:06:07.000001Z' }, action: 'Check', reportingComponent: 'node-controller', reportingInstance: 'cp-1' },
    },
    { ns: 'ev', name: 'bare', kind: '', object: '' },
  ];
  // Fourteen events at one time: past twelve Go's sort.Sort is not stable, and kubectl's order shows it.
  for (let i = 0; i < 14; i++) out.push({ ns: 'many', name: `same-${String(i).padStart(2, '0')}`, reason: `R${i}`, type: i % 3 ? 'Normal' : 'Warning', first: '2020-06-01T00:00:00Z', last: '2020-06-01T00:00:00Z', count: i });
  return out.map(event);
}

before(async () => {
  cluster = await startServer();
  for (const ns of ['ev', 'many', 'quiet']) assert.equal(kubectl(cluster, ['create', 'namespace', ns]).code, 0);
  const r = kubectl(cluster, ['create', '-f', '-'], { input: JSON.stringify({ apiVersion: 'v1', kind: 'List', items: events() }) });
  assert.equal(r.code, 0, r.stderr);
});

after(async () => {
  await cluster?.stop();
});

const CASES: string[][] = [
  [],
  ['-A'],
  ['-n', 'ev'],
  ['-n', 'ev', '--for', 'pod/web'],
  ['-n', 'ev', '--for', 'deploy/x'],
  ['-n', 'ev', '--for', 'replicasets.v1.apps/x-5d4', '-o', 'json'],
  ['-n', 'ev', '--types', 'warning'],
  ['-n', 'ev', '--types', 'Normal,bogus'],
  ['-n', 'ev', '--no-headers', '-A'],
  ['-n', 'ev', '-o', 'name'],
  ['-n', 'ev', '-o', 'yaml'],
  ['-n', 'ev', '-o', 'jsonpath={range .items[*]}{.metadata.name} {.eventTime}{"\\n"}{end}'],
  ['-n', 'ev', '-o', 'wide'],
  ['-n', 'many'],
  ['-n', 'quiet'],
  ['-A', '--types', 'Warning', '--for', 'pod/nothing'],
  ['--for', 'bogus/x'],
  ['--for', 'bogus.apps/x'],
  ['--for', 'pod'],
  ['-n', 'ev', '-w', '--request-timeout=1s'],
];

test('kubectl events: the same bytes and exit code as kubectl 1.32', async () => {
  const results = await Promise.all(CASES.map(async (args) => ({ args, real: await run('real', ['events', ...args]), ours: await run('ours', ['events', ...args]) })));
  for (const { args, real, ours } of results) {
    assert.deepEqual(ours, real, `kubectl events ${args.join(' ')}`);
  }
  // The cases must show what they claim to: guard against both sides printing nothing.
  const byArgs = (a: string[]) => results.find((r) => r.args.join(' ') === a.join(' '))?.real;
  assert.match(byArgs(['-n', 'ev'])?.stdout ?? '', /^LAST SEEN +TYPE +REASON +OBJECT +MESSAGE\n/);
  assert.match(byArgs(['-n', 'ev'])?.stdout ?? '', /Deployment\/x /);
  assert.match(byArgs(['-n', 'quiet'])?.stderr ?? '', /^No events found in quiet namespace\.\n$/);
  assert.match(byArgs(['-n', 'ev', '--types', 'Normal,bogus'])?.stderr ?? '', /valid --types are Normal or Warning/);
});
