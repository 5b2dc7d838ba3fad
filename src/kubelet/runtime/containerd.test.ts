// The runtime layer for real (root): a private containerd with its own dirs, images built here, a
// local registry behind the docker.io mirror, a pod with CNI networking and a hostPort, containers,
// exec, stats, a containerd restart that leaves containers running, and cleanupNode leaving nothing.
// Everything carries a per-run prefix and is removed in after(), also on failure.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { join } from 'node:path';
import { randomBytes, randomInt } from 'node:crypto';
import { createLogger } from '../../util/log.js';
import { CriError } from '../cri/client.js';
import type { ContainerConfig, PodSandboxConfig } from '../cri/types.js';
import { writeCniConfig } from './cni.js';
import { cleanupNode, importImageArchive, startContainerd, type ContainerdHandle } from './containerd.js';
import { alive, findProcesses, flagValue, freeLoopbackPort, mountsUnder, run, runOk, terminate } from './proc.js';
import { buildBusyboxImage, buildPauseImage } from './test-images.js';

const NEEDED = ['/usr/bin/containerd', '/usr/bin/ctr', '/usr/sbin/runc', '/usr/bin/containerd-shim-runc-v2', '/usr/lib/cni/bridge', '/usr/lib/cni/host-local', '/usr/lib/cni/portmap', '/usr/lib/cni/loopback', '/usr/bin/gcc', '/bin/busybox', '/usr/bin/docker-registry', '/usr/bin/skopeo'];
const missing = NEEDED.filter((p) => !existsSync(p));
const skip = process.getuid?.() !== 0 ? 'needs root' : missing.length > 0 ? `missing ${missing.join(', ')}` : false;

const hex = randomBytes(2).toString('hex');
const prefix = `k8ts-test-${hex}`;
const base = `/tmp/${prefix}`;
const runDir = `/run/${prefix}`;
const bridge = `k8tst${hex}`;
const network = `k8tst${hex}`;
const subnet = randomInt(100, 250);
const podCIDR = `10.244.${subnet}.0/24`;
const gateway = `10.244.${subnet}.1`;
const cgroupParent = `/${prefix}`;
const log = createLogger(`runtime-test-${hex}`);
const dirs = { stateDir: join(base, 'containerd'), runDir, cniConfDir: join(base, 'cni'), ipamDataDir: join(base, 'ipam') };

/** Sends nothing, reads until the peer closes; bounded. */
function readTcp(host: string, port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    let got = '';
    const timer = setTimeout(() => s.destroy(new Error(`no answer from ${host}:${port}`)), 5_000);
    s.on('data', (d: Buffer) => (got += d.toString()));
    s.on('close', () => (clearTimeout(timer), resolve(got)));
    s.on('error', (e) => (clearTimeout(timer), reject(e)));
  });
}

async function until<T>(what: string, f: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await f();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Live (non-zombie) shims of our containerd. */
const ourShims = () => findProcesses((a) => /containerd-shim/.test(a[0] ?? '') && flagValue(a, '-address') === join(runDir, 'containerd.sock'));
const ourRules = async () => (await runOk('iptables-save', [])).split('\n').filter((l) => l.includes(network) || l.includes(`10.244.${subnet}.`) || l.includes(bridge));

describe('containerd runtime (real, root)', { skip, timeout: 240_000 }, () => {
  let registry: ChildProcess | undefined;
  let registryUrl = '';
  let h: ContainerdHandle | undefined;
  let sandboxId = '';
  let serverId = '';
  let podIP = '';
  let hostPort = 0;
  const netnsBefore = existsSync('/var/run/netns') ? readdirSync('/var/run/netns') : [];
  const sandboxConfig = (): PodSandboxConfig => ({
    metadata: { name: 'web', namespace: 'default', uid: `uid-${hex}`, attempt: 0 },
    hostname: 'web',
    log_directory: join(base, 'pods', 'web'),
    port_mappings: [{ protocol: 'TCP', container_port: 8080, host_port: hostPort, host_ip: gateway }],
    linux: { cgroup_parent: cgroupParent, security_context: { namespace_options: { network: 'POD', pid: 'CONTAINER', ipc: 'POD' } } },
  });
  const container = (name: string, command: string[]): ContainerConfig => ({ metadata: { name }, image: { image: 'k8ts.test/busybox:1' }, command, log_path: `${name}/0.log` });

  before(async () => {
    mkdirSync(base, { recursive: true });
    // A registry on loopback holding one image, reached through the docker.io mirror.
    const port = await freeLoopbackPort();
    registryUrl = `http://127.0.0.1:${port}`;
    writeFileSync(join(base, 'registry.yml'), `version: 0.1\nstorage:\n  filesystem:\n    rootdirectory: ${base}/registry\nhttp:\n  addr: 127.0.0.1:${port}\n`);
    registry = spawn('docker-registry', ['serve', join(base, 'registry.yml')], { stdio: 'ignore' });
    const images = mkdtempSync(join(base, 'images-'));
    const pause = await buildPauseImage(images, 'k8ts.test/pause:1');
    const busybox = await buildBusyboxImage(images, 'k8ts.test/busybox:1');
    await until('registry', async () => ((await run('skopeo', ['copy', '--quiet', '--dest-tls-verify=false', `oci-archive:${busybox}`, `docker://127.0.0.1:${port}/library/k8tsbox:1`])).code === 0 ? true : undefined));
    hostPort = await freeLoopbackPort();
    writeCniConfig({ confDir: dirs.cniConfDir, networkName: network, bridge, podCIDR, routes: ['10.244.0.0/16'], ipamDataDir: dirs.ipamDataDir });
    h = await startContainerd({ ...dirs, sandboxImage: 'k8ts.test/pause:1', registryMirror: registryUrl, log });
    log.info('containerd started', { startupMs: h.startupMs });
    await importImageArchive(h.socket, pause);
    await importImageArchive(h.socket, busybox);
  });

  /** What cleanupNode promises: nothing of this node is left on the machine. */
  const assertNothingLeft = async () => {
    assert.deepEqual(ourShims(), [], 'shims left');
    assert.deepEqual(findProcesses((a) => a.includes(join(dirs.stateDir, 'config.toml'))), [], 'containerd left');
    assert.deepEqual(mountsUnder([base, runDir]), [], 'mounts left');
    assert.ok(!existsSync(`/sys/class/net/${bridge}`), 'bridge left');
    assert.deepEqual(await ourRules(), [], 'iptables rules left');
    assert.deepEqual(existsSync('/var/run/netns') ? readdirSync('/var/run/netns').filter((n) => !netnsBefore.includes(n)) : [], [], 'netns left');
    assert.ok(!existsSync(dirs.ipamDataDir) && !existsSync(runDir), 'IPAM or run dir left');
    assert.ok(!existsSync(`/sys/fs/cgroup/memory${cgroupParent}`), 'cgroup left');
    assert.deepEqual(readdirSync('/var/lib/cni/results').filter((f) => f.startsWith(network) || f.includes(sandboxId)), [], 'CNI cache left');
  };

  after(async () => {
    try {
      await h?.stop();
      await cleanupNode({ ...dirs, bridge, cgroupParent, log });
      await assertNothingLeft();
    } finally {
      if (registry?.pid !== undefined && alive(registry.pid)) await terminate(registry.pid, 2_000);
      rmSync(base, { recursive: true, force: true });
      rmSync(runDir, { recursive: true, force: true });
    }
  });

  test('runtime status and images', async () => {
    const cri = h!.cri;
    const v = await cri.version({});
    assert.equal(v.runtime_name, 'containerd');
    assert.equal(v.runtime_api_version, 'v1');
    const st = await cri.status({});
    assert.deepEqual(st.status?.conditions.map((c) => [c.type, c.status]), [['RuntimeReady', true], ['NetworkReady', true]]);
    const tags = (await cri.listImages({})).images.flatMap((i) => i.repo_tags);
    assert.ok(tags.includes('k8ts.test/pause:1') && tags.includes('k8ts.test/busybox:1'), tags.join(','));
    // Usage figures are sampled every 10 s (stats_collect_period); the mount point is there at once.
    const fs = await cri.imageFsInfo({});
    assert.ok(fs.image_filesystems[0]?.fs_id?.mountpoint.startsWith(dirs.stateDir), JSON.stringify(fs));
  });

  test('pulls through the docker.io mirror; a failed pull carries the registry message', async () => {
    const cri = h!.cri;
    const pulled = await cri.pullImage({ image: { image: 'k8tsbox:1' } }, { timeoutMs: 60_000 });
    assert.match(pulled.image_ref, /^sha256:/);
    assert.ok((await cri.imageStatus({ image: { image: 'docker.io/library/k8tsbox:1' } })).image?.repo_tags.includes('docker.io/library/k8tsbox:1'));
    const err = await cri.pullImage({ image: { image: 'docker.io/library/absent:1' } }, { timeoutMs: 60_000 }).catch((e: unknown) => e);
    assert.ok(err instanceof CriError, String(err));
    assert.match(err.message, /docker\.io\/library\/absent:1.*not found/);
  });

  test('a pod sandbox gets an IP on the bridge, reachable from the node', async () => {
    const cri = h!.cri;
    sandboxId = (await cri.runPodSandbox({ config: sandboxConfig() })).pod_sandbox_id;
    const st = await cri.podSandboxStatus({ pod_sandbox_id: sandboxId });
    assert.equal(st.status?.state, 'SANDBOX_READY');
    podIP = st.status?.network?.ip ?? '';
    assert.match(podIP, new RegExp(`^10\\.244\\.${subnet}\\.\\d+$`));
    const ping = await run('busybox', ['ping', '-c', '1', '-W', '3', podIP], { timeoutMs: 10_000 });
    assert.equal(ping.code, 0, ping.stdout + ping.stderr);
    // The bridge plugin with ipMasq false adds no rule; portmap's are all in nat, tied to our network.
    const rules = await ourRules();
    assert.ok(rules.length > 0 && rules.every((l) => !/MASQUERADE/.test(l)), rules.join('\n'));
  });

  test('containers run, answer TCP directly and through the hostPort, exec, report stats', async () => {
    const cri = h!.cri;
    const cfg = sandboxConfig();
    serverId = (await cri.createContainer({ pod_sandbox_id: sandboxId, sandbox_config: cfg, config: container('server', ['nc', '-ll', '-p', '8080', '-e', 'echo', 'hello']) })).container_id;
    await cri.startContainer({ container_id: serverId });
    assert.equal(await until('pod TCP', () => readTcp(podIP, 8080).catch(() => undefined)), 'hello\n');
    assert.equal(await readTcp(gateway, hostPort), 'hello\n');

    const ex = await cri.execSync({ container_id: serverId, cmd: ['sh', '-c', 'echo out; echo err >&2; hostname; exit 3'], timeout: 10 });
    assert.equal(ex.exit_code, 3);
    assert.equal(ex.stdout.toString(), 'out\nweb\n');
    assert.equal(ex.stderr.toString(), 'err\n');

    const url = (await cri.exec({ container_id: serverId, cmd: ['sh'], stdin: true, stdout: true, stderr: false, tty: false })).url;
    assert.ok(h!.streamUrlBase !== undefined && url.startsWith(`${h!.streamUrlBase}/exec/`), url);

    const stats = await cri.containerStats({ container_id: serverId });
    assert.ok((stats.stats?.memory?.working_set_bytes?.value ?? 0) > 0, JSON.stringify(stats.stats?.memory));
    assert.ok((await cri.listContainerStats({})).stats.some((s) => s.attributes?.id === serverId));

    const quitter = (await cri.createContainer({ pod_sandbox_id: sandboxId, sandbox_config: cfg, config: container('quitter', ['sh', '-c', 'echo bye; exit 7']) })).container_id;
    await cri.startContainer({ container_id: quitter });
    const done = await until('exit', async () => {
      const s = (await cri.containerStatus({ container_id: quitter })).status;
      return s?.state === 'CONTAINER_EXITED' ? s : undefined;
    });
    assert.equal(done.exit_code, 7);
    // Both times are set; their order is not: containerd records started_at when Start returns,
    // which for a process this short can come after its exit was recorded.
    assert.ok(done.finished_at > 0 && done.started_at > 0);
  });

  test('stopping containerd leaves the pod running; the next start finds it', async () => {
    const first = h!;
    await first.stop();
    assert.ok(!alive(first.pid));
    assert.ok(ourShims().length > 0, 'shims survive containerd');
    assert.equal(await readTcp(podIP, 8080), 'hello\n', 'pod still serves while containerd is down');
    h = await startContainerd({ ...dirs, sandboxImage: 'k8ts.test/pause:1', registryMirror: registryUrl, log });
    assert.equal(h.reused, false);
    log.info('containerd restarted', { startupMs: h.startupMs });
    const s = (await h.cri.containerStatus({ container_id: serverId })).status;
    assert.equal(s?.state, 'CONTAINER_RUNNING');
    // A kubelet killed without stopping containerd: the next one adopts the running containerd.
    const adopted = await startContainerd({ ...dirs, sandboxImage: 'k8ts.test/pause:1', log });
    assert.equal(adopted.reused, true);
    assert.equal(adopted.pid, h.pid);
    assert.equal(adopted.streamUrlBase, h.streamUrlBase);
    adopted.cri.close();
    assert.equal(await readTcp(podIP, 8080), 'hello\n');
  });

  test('cleanupNode removes pods through CRI and leaves nothing', async () => {
    await cleanupNode({ ...dirs, bridge, cgroupParent, log });
    h = undefined;
    await assertNothingLeft();
  });

  test('cleanupNode removes pods by force when containerd cannot start', async () => {
    // Images survive cleanup (stateDir is kept), so a new pod needs no import.
    h = await startContainerd({ ...dirs, sandboxImage: 'k8ts.test/pause:1', log });
    const cri = h.cri;
    sandboxId = (await cri.runPodSandbox({ config: sandboxConfig() })).pod_sandbox_id;
    podIP = (await cri.podSandboxStatus({ pod_sandbox_id: sandboxId })).status?.network?.ip ?? '';
    const id = (await cri.createContainer({ pod_sandbox_id: sandboxId, sandbox_config: sandboxConfig(), config: container('server', ['nc', '-ll', '-p', '8080', '-e', 'echo', 'hello']) })).container_id;
    await cri.startContainer({ container_id: id });
    assert.equal(await until('pod TCP', () => readTcp(podIP, 8080).catch(() => undefined)), 'hello\n');
    await h.stop();
    h = undefined;
    writeFileSync(join(dirs.stateDir, 'config.toml'), 'this is not toml [\n');
    await cleanupNode({ ...dirs, bridge, cgroupParent, log });
    await assertNothingLeft();
    // (No connection attempt to the old pod IP: with the bridge gone it would route out of the machine.)
  });
});
