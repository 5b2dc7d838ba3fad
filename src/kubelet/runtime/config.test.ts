// Unit tests for what the runtime layer writes: containerd's config.toml, the CNI conflist, and the
// iptables-restore script that removes a network's portmap rules.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { cniNetworkNames, writeCniConfig } from './cni.js';
import { containerdPaths, mirroredRegistries, registryHostsFiles, renderContainerdConfig, streamPortOf } from './containerd-config.js';
import { portmapCleanupScript } from './iptables.js';

test('config.toml keeps the instance apart and mirrors registries', () => {
  const paths = containerdPaths('/var/lib/k8ts/n1/containerd', '/run/k8ts/n1');
  const toml = renderContainerdConfig({ paths, sandboxImage: 'registry.k8s.io/pause:3.9', cniConfDir: '/etc/k8ts/n1/cni', cniBinDir: '/usr/lib/cni', streamPort: 41234 });
  for (const want of [
    'version = 2',
    'root = "/var/lib/k8ts/n1/containerd/root"',
    'state = "/run/k8ts/n1/state"',
    'address = "/run/k8ts/n1/containerd.sock"',
    'restrict_oom_score_adj = true',
    'sandbox_image = "registry.k8s.io/pause:3.9"',
    'stream_server_address = "127.0.0.1"',
    'enable_tls_streaming = false',
    'snapshotter = "overlayfs"',
    'runtime_type = "io.containerd.runc.v2"',
    'Root = "/run/k8ts/n1/runc"',
    'SystemdCgroup = false',
    'bin_dir = "/usr/lib/cni"',
    'conf_dir = "/etc/k8ts/n1/cni"',
    'config_path = "/var/lib/k8ts/n1/containerd/certs.d"',
  ]) {
    assert.ok(toml.includes(want), `missing ${want}\n${toml}`);
  }
  assert.equal(streamPortOf(toml), 41234);
  assert.deepEqual(mirroredRegistries('http://localhost:5000'), ['docker.io', 'registry-1.docker.io', 'registry.k8s.io', 'k8s.gcr.io', 'localhost:5000', '127.0.0.1:5000']);
  assert.ok(!toml.includes('registry.mirrors'), 'mirrors fall back to the internet; hosts.toml does not');
  const hosts = registryHostsFiles('http://127.0.0.1:5000/');
  assert.deepEqual([...hosts.keys()], ['docker.io/hosts.toml', 'registry-1.docker.io/hosts.toml', 'registry.k8s.io/hosts.toml', 'k8s.gcr.io/hosts.toml', '127.0.0.1:5000/hosts.toml', 'localhost:5000/hosts.toml']);
  assert.match(hosts.get('docker.io/hosts.toml') ?? '', /^server = "http:\/\/127\.0\.0\.1:5000"$/m);
});

test('CNI conflist: bridge without masquerade or default route, host-local, portmap', () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cni-'));
  try {
    const file = writeCniConfig({ confDir: join(dir, 'net.d'), networkName: 'k8ts-n1', bridge: 'k8ts0', podCIDR: '10.244.1.0/24', routes: ['10.244.0.0/16', '10.96.0.0/12', '192.0.2.2/32'], ipamDataDir: join(dir, 'ipam'), mtu: 1450 });
    const conf = JSON.parse(readFileSync(file, 'utf8')) as { cniVersion: string; name: string; plugins: Array<Record<string, unknown>> };
    assert.equal(conf.cniVersion, '1.0.0');
    assert.equal(conf.name, 'k8ts-n1');
    const [bridge, portmap] = conf.plugins;
    assert.deepEqual(bridge, {
      type: 'bridge',
      bridge: 'k8ts0',
      isGateway: true,
      ipMasq: false,
      hairpinMode: true,
      mtu: 1450,
      ipam: { type: 'host-local', ranges: [[{ subnet: '10.244.1.0/24' }]], routes: [{ dst: '10.244.0.0/16' }, { dst: '10.96.0.0/12' }, { dst: '192.0.2.2/32' }], dataDir: join(dir, 'ipam') },
    });
    assert.deepEqual(portmap, { type: 'portmap', capabilities: { portMappings: true } });
    assert.deepEqual(cniNetworkNames(join(dir, 'net.d')), ['k8ts-n1']);
    assert.throws(() => writeCniConfig({ confDir: dir, networkName: 'x', bridge: 'a-very-long-bridge', podCIDR: '10.0.0.0/24', routes: [], ipamDataDir: dir }), /15 characters/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

const NAT = `*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:CNI-DN-aaa - [0:0]
:CNI-DN-bbb - [0:0]
:CNI-HOSTPORT-DNAT - [0:0]
:CNI-HOSTPORT-MASQ - [0:0]
:CNI-HOSTPORT-SETMARK - [0:0]
-A PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A OUTPUT -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT
-A POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ
-A CNI-DN-aaa -d 10.244.1.1/32 -p tcp -m tcp --dport 38080 -j DNAT --to-destination 10.244.1.2:8080
-A CNI-DN-bbb -d 10.244.2.1/32 -p tcp -m tcp --dport 38081 -j DNAT --to-destination 10.244.2.2:8080
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net1\\" id: \\"s1\\"" -m multiport --dports 38080 -j CNI-DN-aaa
-A CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net2\\" id: \\"s2\\"" -m multiport --dports 38081 -j CNI-DN-bbb
-A CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE
-A CNI-HOSTPORT-SETMARK -m comment --comment "CNI portfwd masquerade mark" -j MARK --set-xmark 0x2000/0x2000
COMMIT
`;

test('portmap cleanup removes one network, and the shared chains only when unused', () => {
  const one = portmapCleanupScript(NAT, 'net1');
  assert.equal(
    one,
    '*nat\n-D CNI-HOSTPORT-DNAT -p tcp -m comment --comment "dnat name: \\"net1\\" id: \\"s1\\"" -m multiport --dports 38080 -j CNI-DN-aaa\n-F CNI-DN-aaa\n-X CNI-DN-aaa\nCOMMIT\n',
  );
  const onlyNet2 = NAT.split('\n').filter((l) => !l.includes('aaa') && !l.includes('net1')).join('\n');
  const last = portmapCleanupScript(onlyNet2, 'net2') ?? '';
  for (const want of ['-F CNI-DN-bbb', '-X CNI-DN-bbb', '-D PREROUTING -m addrtype --dst-type LOCAL -j CNI-HOSTPORT-DNAT', '-D POSTROUTING -m comment --comment "CNI portfwd requiring masquerade" -j CNI-HOSTPORT-MASQ', '-D CNI-HOSTPORT-MASQ -m mark --mark 0x2000/0x2000 -j MASQUERADE', '-X CNI-HOSTPORT-DNAT', '-X CNI-HOSTPORT-SETMARK']) {
    assert.ok(last.includes(want), `missing ${want}\n${last}`);
  }
  assert.equal(portmapCleanupScript(onlyNet2, 'net3'), undefined, 'another network in use: nothing to do');
  assert.equal(portmapCleanupScript('*nat\n:PREROUTING ACCEPT [0:0]\nCOMMIT\n', 'net1'), undefined);
});
