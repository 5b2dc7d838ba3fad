import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { execFileSync } from 'node:child_process';
import type { ConfigMap, Pod, Secret, Volume } from '../../api/generated/core/v1.js';
import type { Mount } from '../cri/types.js';
import { createLogger } from '../../util/log.js';
import { VolumeError, VolumeManager } from './volumes.js';
import { mountPointsUnder } from './volumes/mounts.js';

const isRoot = process.getuid?.() === 0;
const hasMount = existsSync('/usr/bin/mount') || existsSync('/bin/mount');
const root = mkdtempSync(join(tmpdir(), 'k8ts-voltest-'));
after(() => {
  // Whatever a failed test left mounted goes before the directory does.
  for (const m of mountPointsUnder(root)) execFileSync('umount', ['-l', m]);
  rmSync(root, { recursive: true, force: true });
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const quiet = createLogger('test', { write: () => true } as unknown as NodeJS.WritableStream);
let uidSeq = 0;

function harness(o: { cms?: ConfigMap[]; secrets?: Secret[]; token?: string } = {}) {
  const podsDir = join(root, `pods-${++uidSeq}`);
  const cms = [...(o.cms ?? [])];
  const vm = new VolumeManager({
    podsDir,
    log: quiet,
    nodeAllocatable: { cpu: '2', memory: '4Gi' },
    sources: {
      configMap: (ns, name) => Promise.resolve(cms.find((c) => c.metadata?.namespace === ns && c.metadata.name === name)),
      secret: (ns, name) => Promise.resolve(o.secrets?.find((c) => c.metadata?.namespace === ns && c.metadata.name === name)),
      ...(o.token !== undefined ? { serviceAccountToken: () => Promise.resolve(o.token) } : {}),
    },
  });
  return { vm, podsDir, cms };
}

const mkPod = (uid: string, volumes: Volume[], extra: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'prod', uid, labels: { app: 'web' }, annotations: { a: 'b' } },
  spec: {
    containers: [{ name: 'app', resources: { limits: { memory: '64Mi' } }, volumeMounts: volumes.map((v) => ({ name: v.name, mountPath: `/mnt/${v.name}` })) }],
    volumes,
    ...extra,
  },
});

const tmpfsAt = (dir: string) => readFileSync('/proc/self/mountinfo', 'utf8').split('\n').find((l) => l.split(' ')[4] === dir && l.includes(' - tmpfs '));

test('configMap volume: items, modes, optional, refresh', async () => {
  const { vm, podsDir, cms } = harness({ cms: [{ metadata: { namespace: 'prod', name: 'cfg' }, data: { 'app.conf': 'v1', other: 'o' }, binaryData: { bin: b64('\x00\x01') } }] });
  const pod = mkPod('cm-1', [
    { name: 'all', configMap: { name: 'cfg' } },
    { name: 'some', configMap: { name: 'cfg', items: [{ key: 'app.conf', path: 'conf/app.conf', mode: 0o600 }], defaultMode: 0o400 } },
    { name: 'opt', configMap: { name: 'nope', optional: true } },
  ]);
  await vm.setUp(pod);
  const dir = (n: string) => join(podsDir, 'cm-1', 'volumes', 'kubernetes.io~configmap', n);
  assert.equal(readFileSync(join(dir('all'), 'app.conf'), 'utf8'), 'v1');
  assert.deepEqual([...readFileSync(join(dir('all'), 'bin'))], [0, 1]);
  assert.equal(statSync(join(dir('all'), 'other')).mode & 0o777, 0o644);
  assert.equal(readFileSync(join(dir('some'), 'conf/app.conf'), 'utf8'), 'v1');
  assert.equal(statSync(join(dir('some'), 'conf/app.conf')).mode & 0o777, 0o600);
  assert.equal(existsSync(join(dir('some'), 'other')), false);
  assert.ok(existsSync(dir('opt')));

  cms[0] = { metadata: { namespace: 'prod', name: 'cfg' }, data: { 'app.conf': 'v2' } };
  await vm.setUp(pod);
  assert.equal(readFileSync(join(dir('all'), 'app.conf'), 'utf8'), 'v2');
  assert.equal(existsSync(join(dir('all'), 'other')), false);
  await vm.tearDown('cm-1');
  assert.equal(existsSync(join(podsDir, 'cm-1')), false);
});

test('volume errors carry the kubelet event text', async () => {
  const { vm } = harness({ cms: [{ metadata: { namespace: 'prod', name: 'cfg' }, data: { a: '1' } }] });
  const pod = mkPod('err-1', [
    { name: 'missing', configMap: { name: 'nope' } },
    { name: 'badkey', configMap: { name: 'cfg', items: [{ key: 'k', path: 'k' }] } },
    { name: 'ok', emptyDir: {} },
    { name: 'pvc', persistentVolumeClaim: { claimName: 'c' } },
  ]);
  await assert.rejects(vm.setUp(pod), (e: Error) => {
    assert.ok(e instanceof VolumeError);
    assert.deepEqual(
      e.failures.map((f) => f.message),
      [
        'MountVolume.SetUp failed for volume "missing" : configmap "nope" not found',
        'MountVolume.SetUp failed for volume "badkey" : configmap references non-existent config key: k',
        'MountVolume.SetUp failed for volume "pvc" : volume type persistentVolumeClaim is not supported by this kubelet',
      ],
    );
    return true;
  });
  await vm.tearDown('err-1');
});

test('downwardAPI, secret and projected volumes (tmpfs)', { skip: !isRoot || !hasMount ? 'needs root and mount(8)' : false }, async () => {
  const { vm, podsDir } = harness({
    cms: [{ metadata: { namespace: 'prod', name: 'kube-root-ca.crt' }, data: { 'ca.crt': 'CA' } }],
    secrets: [{ metadata: { namespace: 'prod', name: 'creds' }, data: { user: b64('admin'), pass: b64('pw') } }],
    token: 'jwt-token',
  });
  const pod = mkPod('dw-1', [
    { name: 'sec', secret: { secretName: 'creds', defaultMode: 0o400 } },
    {
      name: 'info',
      downwardAPI: {
        items: [
          { path: 'labels', fieldRef: { fieldPath: 'metadata.labels' } },
          { path: 'name', fieldRef: { fieldPath: 'metadata.name' } },
          { path: 'mem', resourceFieldRef: { containerName: 'app', resource: 'limits.memory', divisor: '1Mi' } },
          { path: 'cpu', resourceFieldRef: { containerName: 'app', resource: 'limits.cpu' } },
        ],
      },
    },
    {
      name: 'kube-api-access',
      projected: {
        defaultMode: 0o644,
        sources: [
          { serviceAccountToken: { path: 'token', expirationSeconds: 3607 } },
          { configMap: { name: 'kube-root-ca.crt', items: [{ key: 'ca.crt', path: 'ca.crt' }] } },
          { downwardAPI: { items: [{ path: 'namespace', fieldRef: { fieldPath: 'metadata.namespace' } }] } },
          { secret: { name: 'creds', items: [{ key: 'user', path: 'user' }] } },
        ],
      },
    },
    { name: 'mem', emptyDir: { medium: 'Memory', sizeLimit: '16Mi' } },
    { name: 'disk', emptyDir: {} },
  ]);
  await vm.setUp(pod);
  const vol = (plugin: string, n: string) => join(podsDir, 'dw-1', 'volumes', `kubernetes.io~${plugin}`, n);
  assert.ok(tmpfsAt(vol('secret', 'sec')), 'secret volume is tmpfs');
  assert.ok(tmpfsAt(vol('downward-api', 'info')));
  assert.ok(tmpfsAt(vol('projected', 'kube-api-access')));
  assert.match(tmpfsAt(vol('empty-dir', 'mem')) ?? '', /size=16384k/);
  assert.equal(tmpfsAt(vol('empty-dir', 'disk')), undefined);
  assert.equal(statSync(vol('empty-dir', 'disk')).mode & 0o777, 0o777);
  assert.equal(readFileSync(join(vol('secret', 'sec'), 'pass'), 'utf8'), 'pw');
  assert.equal(statSync(join(vol('secret', 'sec'), 'pass')).mode & 0o777, 0o400);
  assert.equal(readFileSync(join(vol('downward-api', 'info'), 'labels'), 'utf8'), 'app="web"');
  assert.equal(readFileSync(join(vol('downward-api', 'info'), 'name'), 'utf8'), 'web');
  assert.equal(readFileSync(join(vol('downward-api', 'info'), 'mem'), 'utf8'), '64');
  assert.equal(readFileSync(join(vol('downward-api', 'info'), 'cpu'), 'utf8'), '2', 'unset limit is node allocatable');
  const p = vol('projected', 'kube-api-access');
  assert.equal(readFileSync(join(p, 'token'), 'utf8'), 'jwt-token');
  assert.equal(readFileSync(join(p, 'ca.crt'), 'utf8'), 'CA');
  assert.equal(readFileSync(join(p, 'namespace'), 'utf8'), 'prod');
  assert.equal(readFileSync(join(p, 'user'), 'utf8'), 'admin');

  await vm.setUp(pod); // idempotent: no second tmpfs on top
  assert.equal(mountPointsUnder(join(podsDir, 'dw-1')).length, 4);
  await vm.tearDown('dw-1');
  assert.deepEqual(mountPointsUnder(join(podsDir, 'dw-1')), []);
  assert.equal(existsSync(join(podsDir, 'dw-1')), false);
});

test('a projected token without a token source fails the volume', async () => {
  const { vm } = harness();
  const pod = mkPod('tok-1', [{ name: 'api', projected: { sources: [{ serviceAccountToken: { path: 'token' } }] } }]);
  await assert.rejects(vm.setUp(pod), /MountVolume.SetUp failed for volume "api" : failed to fetch token: no token for service account "prod\/default"/);
  await vm.tearDown('tok-1');
});

test('hostPath types', async () => {
  const { vm } = harness();
  const base = join(root, 'host');
  mkdirSync(base);
  writeFileSync(join(base, 'file'), 'x');
  const sockPath = join(base, 'sock');
  const server = createServer();
  await new Promise<void>((r) => server.listen(sockPath, r));
  try {
    const ok: [string, string | undefined][] = [
      [join(base, 'any'), undefined],
      [join(base, 'made/deep'), 'DirectoryOrCreate'],
      [join(base, 'touched'), 'FileOrCreate'],
      [base, 'Directory'],
      [join(base, 'file'), 'File'],
      [sockPath, 'Socket'],
      ['/dev/null', 'CharDevice'],
    ];
    for (const [path, type] of ok) await vm.setUp(mkPod(`hp-ok`, [{ name: 'h', hostPath: { path, ...(type ? { type } : {}) } }]));
    assert.ok(statSync(join(base, 'made/deep')).isDirectory());
    assert.ok(statSync(join(base, 'touched')).isFile());
    const bad: [string, string, string][] = [
      [join(base, 'absent'), 'Directory', `hostPath type check failed: ${join(base, 'absent')} is not a directory`],
      [join(base, 'file'), 'Directory', `hostPath type check failed: ${join(base, 'file')} is not a directory`],
      [base, 'File', `hostPath type check failed: ${base} is not a file`],
      [join(base, 'file'), 'DirectoryOrCreate', `hostPath type check failed: ${join(base, 'file')} is not a directory`],
      [base, 'FileOrCreate', `hostPath type check failed: ${base} is not a file`],
      [join(base, 'file'), 'Socket', `hostPath type check failed: ${join(base, 'file')} is not a socket file`],
      [join(base, 'file'), 'CharDevice', `hostPath type check failed: ${join(base, 'file')} is not a character device`],
      ['/dev/null', 'BlockDevice', 'hostPath type check failed: /dev/null is not a block device'],
      [base, 'Weird', 'Weird is an invalid volume type'],
    ];
    for (const [path, type, msg] of bad) {
      await assert.rejects(vm.setUp(mkPod('hp-bad', [{ name: 'h', hostPath: { path, type } }])), (e: Error) => e.message === `MountVolume.SetUp failed for volume "h" : ${msg}`, `${type} ${path}`);
    }
  } finally {
    server.close();
    await vm.tearDown('hp-ok');
    await vm.tearDown('hp-bad');
  }
});

test('container mounts: read-only kinds, propagation, subPath, hosts and termination files', async () => {
  const { vm, podsDir } = harness({ cms: [{ metadata: { namespace: 'prod', name: 'cfg' }, data: { 'app.conf': 'v1' } }] });
  const hostDir = join(root, 'hp-mounts');
  mkdirSync(hostDir);
  const pod: Pod = {
    metadata: { name: 'web', namespace: 'prod', uid: 'mnt-1' },
    spec: {
      hostAliases: [{ ip: '10.0.0.9', hostnames: ['db'] }],
      volumes: [
        { name: 'cfg', configMap: { name: 'cfg' } },
        { name: 'data', emptyDir: {} },
        { name: 'host', hostPath: { path: hostDir } },
      ],
      containers: [
        {
          name: 'app',
          volumeMounts: [
            { name: 'cfg', mountPath: '/etc/app' },
            { name: 'cfg', mountPath: '/etc/app.conf', subPath: 'app.conf' },
            { name: 'data', mountPath: '/data', subPath: 'a/b' },
            { name: 'data', mountPath: '/per-pod', subPathExpr: '$(POD_NAME)' },
            { name: 'host', mountPath: '/host', readOnly: true, mountPropagation: 'HostToContainer' },
          ],
        },
        { name: 'own-hosts', terminationMessagePath: '', volumeMounts: [{ name: 'data', mountPath: '/etc/hosts', subPath: 'hosts' }] },
      ],
    },
  };
  await vm.setUp(pod, { podIP: '10.42.0.5' });
  const podDir = join(podsDir, 'mnt-1');
  const [app, own] = pod.spec!.containers;
  const mounts = vm.mounts(pod, app!, [{ name: 'POD_NAME', value: 'web' }]);
  const by: Record<string, Mount> = Object.fromEntries(mounts.map((m) => [m.container_path ?? '', m]));
  const cfgDir = join(podDir, 'volumes/kubernetes.io~configmap/cfg');
  const dataDir = join(podDir, 'volumes/kubernetes.io~empty-dir/data');
  assert.deepEqual(by['/etc/app'], { container_path: '/etc/app', host_path: cfgDir, readonly: true, selinux_relabel: false, propagation: 'PROPAGATION_PRIVATE' });
  assert.match(by['/etc/app.conf']?.host_path ?? '', new RegExp(`^${cfgDir}/\\.\\.\\d{4}_.*/app\\.conf$`), 'subPath resolves to the real file');
  assert.equal(by['/data']?.host_path, join(dataDir, 'a/b'));
  assert.ok(statSync(join(dataDir, 'a/b')).isDirectory(), 'subPath directories are created');
  assert.equal(by['/per-pod']?.host_path, join(dataDir, 'web'));
  assert.equal(by['/host']?.readonly, true);
  assert.equal(by['/host']?.propagation, 'PROPAGATION_HOST_TO_CONTAINER');
  assert.equal(by['/etc/hosts']?.host_path, join(podDir, 'etc-hosts'));
  assert.match(readFileSync(join(podDir, 'etc-hosts'), 'utf8'), /10\.42\.0\.5\tweb\n\n# Entries added by HostAliases\.\n10\.0\.0\.9\tdb\n$/);
  const term = by['/dev/termination-log'];
  assert.ok(term);
  assert.ok(term.host_path?.startsWith(join(podDir, 'containers/app/')));
  assert.equal(statSync(term.host_path ?? '').mode & 0o777, 0o666);
  assert.equal(term.readonly, false);
  assert.notEqual(vm.mounts(pod, app!, [{ name: 'POD_NAME', value: 'web' }]).find((m) => m.container_path === '/dev/termination-log')?.host_path, term.host_path, 'a new file per start');

  const ownMounts = vm.mounts(pod, own!);
  assert.equal(ownMounts.filter((m) => m.container_path === '/etc/hosts').length, 1, 'a container mounting /etc/hosts itself gets no managed one');
  assert.equal(ownMounts.some((m) => m.container_path === '/dev/termination-log'), false);

  // subPath may not leave the volume.
  symlinkSync('/etc', join(dataDir, 'escape'));
  const refuse: [Record<string, string>, RegExp][] = [
    [{ subPath: '../../etc' }, /unable to provision SubPath `\.\.\/\.\.\/etc`: must not contain '\.\.'/],
    [{ subPath: '/etc' }, /error SubPath `\/etc` must not be an absolute path/],
    [{ subPath: 'escape/passwd' }, /failed to prepare subPath for volumeMount "data" of container "bad"/],
    [{ subPathExpr: '$(NOPE)' }, /missing value for NOPE/],
    [{ mountPropagation: 'Sideways' }, /invalid MountPropagation mode: "Sideways"/],
    [{ name: 'ghost' }, /cannot find volume "ghost" to mount into container "bad"/],
  ];
  for (const [extra, re] of refuse) {
    const bad = { name: 'bad', volumeMounts: [{ name: 'data', mountPath: '/x', ...extra }] };
    assert.throws(() => vm.mounts(pod, bad), re);
  }
  assert.equal(readlinkSync(join(dataDir, 'escape')), '/etc');
  assert.deepEqual(vm.podUidsOnDisk(), ['mnt-1']);
  await vm.tearDown('mnt-1');
  assert.deepEqual(vm.podUidsOnDisk(), []);
});

test('host-network pods get the node hosts file plus aliases', async () => {
  const { vm, podsDir } = harness();
  const nodeHosts = join(root, 'node-hosts');
  writeFileSync(nodeHosts, '127.0.0.1\tlocalhost\n192.168.1.10\tnode-1\n');
  const vm2 = new VolumeManager({ podsDir, log: quiet, nodeHostsFile: nodeHosts, sources: { configMap: () => Promise.resolve(undefined), secret: () => Promise.resolve(undefined) } });
  const pod = mkPod('hn-1', [], { hostNetwork: true, hostAliases: [{ ip: '1.2.3.4', hostnames: ['x'] }] });
  await vm2.setUp(pod);
  assert.equal(readFileSync(join(podsDir, 'hn-1', 'etc-hosts'), 'utf8'), '# Kubernetes-managed hosts file (host network).\n127.0.0.1\tlocalhost\n192.168.1.10\tnode-1\n\n# Entries added by HostAliases.\n1.2.3.4\tx\n');
  // Without a pod IP a pod-network pod has no hosts file yet, so none is mounted.
  await vm.setUp(mkPod('noip-1', []));
  assert.equal(existsSync(join(podsDir, 'noip-1', 'etc-hosts')), false);
  await vm2.tearDown('hn-1');
  await vm.tearDown('noip-1');
  assert.throws(() => vm.podDir('../x'), /invalid pod uid/);
});
