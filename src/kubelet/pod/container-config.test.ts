import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Container, Pod } from '../../api/generated/core/v1.js';
import { containerConfig, containerHash, expandCommandAndArgs } from './container-config.js';
import { ContainerConfigError } from './errors.js';

const basePod = (c: Container, spec: Partial<Pod['spec']> = {}, meta: Partial<Pod['metadata']> = {}): Pod => ({
  metadata: { name: 'web', namespace: 'prod', uid: 'uid-1', labels: { app: 'web' }, ...meta },
  spec: { containers: [c], terminationGracePeriodSeconds: 30, ...spec },
});

const opts = { attempt: 2, logPath: 'app/2.log', image: 'sha256:abc', env: [{ name: 'GREETING', value: 'hi' }], mounts: [] };

test('command and args expand against the final environment', () => {
  const c: Container = { name: 'a', command: ['sh', '-c', 'echo $(GREETING) $(NOPE) $$(GREETING)'], args: ['$(PORT)'] };
  const env = [
    { name: 'PORT', value: '80' },
    { name: 'GREETING', value: 'hi' },
    { name: 'PORT', value: '8080' },
  ];
  assert.deepEqual(expandCommandAndArgs(c, env), { command: ['sh', '-c', 'echo hi $(NOPE) $(GREETING)'], args: ['8080'] });
});

test('container config carries identity, annotations and runtime settings', () => {
  const c: Container = {
    name: 'app',
    image: 'nginx:1.25',
    command: ['/bin/app', '--greet=$(GREETING)'],
    workingDir: '/srv',
    stdin: true,
    tty: true,
    ports: [{ containerPort: 80, name: 'http' }],
    lifecycle: { preStop: { exec: { command: ['sleep', '1'] } } },
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
    resources: { requests: { cpu: '250m', memory: '64Mi' }, limits: { cpu: '500m', memory: '128Mi' } },
  };
  const cfg = containerConfig(basePod(c), c, { ...opts, init: true, memoryCapacity: 8 * 1024 ** 3 });
  assert.deepEqual(cfg.metadata, { name: 'app', attempt: 2 });
  assert.deepEqual(cfg.image, { image: 'sha256:abc', user_specified_image: 'nginx:1.25' });
  assert.deepEqual(cfg.command, ['/bin/app', '--greet=hi']);
  assert.equal(cfg.working_dir, '/srv');
  assert.deepEqual(cfg.envs, [{ key: 'GREETING', value: 'hi' }]);
  assert.equal(cfg.log_path, 'app/2.log');
  assert.equal(cfg.stdin, true);
  assert.equal(cfg.tty, true);
  assert.equal(cfg.stdin_once, false);
  assert.deepEqual(cfg.labels, {
    'io.kubernetes.pod.name': 'web',
    'io.kubernetes.pod.namespace': 'prod',
    'io.kubernetes.pod.uid': 'uid-1',
    'io.kubernetes.container.name': 'app',
    'io.k8ts.container.init': 'true',
  });
  const a = cfg.annotations ?? {};
  assert.equal(a['io.kubernetes.container.hash'], containerHash(c));
  assert.equal(a['io.kubernetes.container.restartCount'], '2');
  assert.equal(a['io.kubernetes.container.terminationMessagePath'], '/dev/termination-log');
  assert.equal(a['io.kubernetes.container.terminationMessagePolicy'], 'File');
  assert.equal(a['io.kubernetes.pod.terminationGracePeriod'], '30');
  assert.equal(a['io.kubernetes.container.preStopHandler'], '{"exec":{"command":["sleep","1"]}}');
  assert.equal(a['io.kubernetes.container.ports'], '[{"containerPort":80,"name":"http"}]');
  assert.equal(cfg.linux?.resources?.cpu_shares, 256);
  assert.equal(cfg.linux?.resources?.cpu_quota, 50000);
  assert.equal(cfg.linux?.resources?.memory_limit_in_bytes, 128 * 1024 * 1024);
  assert.equal(cfg.linux?.resources?.oom_score_adj, 1000 - Math.trunc((1000 * 64) / (8 * 1024)));
  assert.deepEqual(cfg.linux?.security_context?.namespace_options, { network: 'POD', ipc: 'POD', pid: 'CONTAINER' });
  assert.deepEqual(cfg.linux?.security_context?.seccomp, { profile_type: 'Unconfined' });
});

test('security context merges pod and container settings', () => {
  const c: Container = {
    name: 'app',
    securityContext: {
      privileged: true,
      runAsUser: 1000,
      readOnlyRootFilesystem: true,
      allowPrivilegeEscalation: false,
      capabilities: { add: ['NET_ADMIN'], drop: ['ALL'] },
      seccompProfile: { type: 'RuntimeDefault' },
    },
  };
  const pod = basePod(c, {
    hostNetwork: true,
    shareProcessNamespace: true,
    securityContext: { runAsUser: 5, runAsGroup: 3000, fsGroup: 2000, supplementalGroups: [4000], seccompProfile: { type: 'Localhost', localhostProfile: 'p.json' } },
  });
  const sc = containerConfig(pod, c, opts).linux?.security_context;
  assert.equal(sc?.privileged, true);
  assert.deepEqual(sc?.run_as_user, { value: 1000 });
  assert.deepEqual(sc?.run_as_group, { value: 3000 });
  assert.equal(sc?.readonly_rootfs, true);
  assert.equal(sc?.no_new_privs, true);
  assert.deepEqual(sc?.capabilities, { add_capabilities: ['NET_ADMIN'], drop_capabilities: ['ALL'] });
  assert.deepEqual(sc?.supplemental_groups, [2000, 4000]);
  assert.deepEqual(sc?.seccomp, { profile_type: 'RuntimeDefault' });
  assert.deepEqual(sc?.namespace_options, { network: 'NODE', ipc: 'POD', pid: 'POD' });
  const other: Container = { name: 'b' };
  const sc2 = containerConfig(pod, other, opts).linux?.security_context;
  assert.deepEqual(sc2?.seccomp, { profile_type: 'Localhost', localhost_ref: '/var/lib/kubelet/seccomp/p.json' });
  assert.deepEqual(sc2?.run_as_user, { value: 5 });
  assert.equal(sc2?.no_new_privs, false);
});

test('runAsNonRoot is enforced with the kubelet messages', () => {
  const root: Container = { name: 'a', securityContext: { runAsNonRoot: true, runAsUser: 0 } };
  assert.throws(() => containerConfig(basePod(root), root, opts), (e: Error) => e instanceof ContainerConfigError && e.message === `container's runAsUser breaks non-root policy (pod: "web_prod(uid-1)", container: a)`);
  const byImage: Container = { name: 'a', securityContext: { runAsNonRoot: true } };
  assert.throws(() => containerConfig(basePod(byImage), byImage, { ...opts, imageUser: { uid: 0 } }), /container has runAsNonRoot and image will run as root/);
  assert.throws(() => containerConfig(basePod(byImage), byImage, { ...opts, imageUser: { username: 'www' } }), /image has non-numeric user \(www\)/);
  const ok = containerConfig(basePod(byImage), byImage, { ...opts, imageUser: { uid: 101 } });
  assert.deepEqual(ok.linux?.security_context?.run_as_user, { value: 101 });
});

test('the container hash is stable and follows the image', () => {
  const a: Container = { name: 'app', image: 'nginx:1', env: [{ name: 'X', value: '1' }] };
  assert.equal(containerHash(a), containerHash({ ...a }));
  assert.match(containerHash(a), /^[0-9a-f]+$/);
  assert.notEqual(containerHash(a), containerHash({ ...a, image: 'nginx:2' }));
  assert.notEqual(containerHash(a), containerHash({ ...a, name: 'other' }));
});
