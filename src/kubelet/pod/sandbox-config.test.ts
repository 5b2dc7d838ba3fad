import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { Pod } from '../../api/generated/core/v1.js';
import { parseResolvConf, podDNSConfig } from './dns.js';
import { kernelHostname, podHostnameAndDomain } from './hostname.js';
import { managedHostsContent } from './hosts.js';
import { podSandboxConfig } from './sandbox-config.js';

const pod = (spec: Partial<Pod['spec']> = {}): Pod => ({
  metadata: { name: 'web-0', namespace: 'prod', uid: 'u-1', labels: { app: 'web' }, annotations: { note: 'x' } },
  spec: { containers: [{ name: 'a', ports: [{ containerPort: 80, hostPort: 8080 }, { containerPort: 53, protocol: 'UDP' }] }], ...spec },
});

test('sandbox config: identity, hostname, logs, ports, labels, namespaces', () => {
  const dns = { servers: ['10.43.0.10'], searches: ['prod.svc.cluster.local'], options: ['ndots:5'] };
  const cfg = podSandboxConfig(pod({ securityContext: { sysctls: [{ name: 'net.ipv4.ip_unprivileged_port_start', value: '0' }], runAsUser: 7 } }), {
    logDirectory: '/var/log/pods/prod_web-0_u-1',
    attempt: 1,
    dns,
    cgroupParent: '/k8ts/pod-u-1',
  });
  assert.deepEqual(cfg.metadata, { name: 'web-0', namespace: 'prod', uid: 'u-1', attempt: 1 });
  assert.equal(cfg.hostname, 'web-0');
  assert.equal(cfg.log_directory, '/var/log/pods/prod_web-0_u-1');
  assert.deepEqual(cfg.dns_config, dns);
  assert.deepEqual(cfg.port_mappings, [
    { protocol: 'TCP', container_port: 80, host_port: 8080, host_ip: '' },
    { protocol: 'UDP', container_port: 53, host_port: 0, host_ip: '' },
  ]);
  assert.deepEqual(cfg.labels, { app: 'web', 'io.kubernetes.pod.name': 'web-0', 'io.kubernetes.pod.namespace': 'prod', 'io.kubernetes.pod.uid': 'u-1' });
  assert.deepEqual(cfg.annotations, { note: 'x' });
  assert.equal(cfg.linux?.cgroup_parent, '/k8ts/pod-u-1');
  assert.deepEqual(cfg.linux?.sysctls, { 'net.ipv4.ip_unprivileged_port_start': '0' });
  assert.deepEqual(cfg.linux?.security_context?.namespace_options, { network: 'POD', ipc: 'POD', pid: 'CONTAINER' });
  assert.deepEqual(cfg.linux?.security_context?.run_as_user, { value: 7 });
  assert.equal(cfg.linux?.security_context?.privileged, false);

  const host = podSandboxConfig(pod({ hostNetwork: true, hostPID: true, hostIPC: true, containers: [{ name: 'a', securityContext: { privileged: true } }] }), { logDirectory: '/l', attempt: 0 });
  assert.equal(host.hostname, undefined, 'host-network pods keep the node hostname');
  assert.deepEqual(host.linux?.security_context?.namespace_options, { network: 'NODE', ipc: 'NODE', pid: 'NODE' });
  assert.equal(host.linux?.security_context?.privileged, true);
  assert.equal(host.port_mappings, undefined);
});

test('hostname, subdomain and FQDN', () => {
  assert.deepEqual(podHostnameAndDomain(pod({ hostname: 'h', subdomain: 'sub' })), { hostname: 'h', domain: 'sub.prod.svc.cluster.local' });
  const long = { ...pod(), metadata: { name: 'a'.repeat(62) + '-b' + 'c'.repeat(10), namespace: 'n' } };
  assert.equal(podHostnameAndDomain(long).hostname, 'a'.repeat(62), 'cut to 63 without a trailing dash');
  assert.throws(() => podHostnameAndDomain(pod({ hostname: 'Bad_Name' })), /pod Hostname "Bad_Name" is not a valid DNS label/);
  assert.equal(kernelHostname(pod({ hostname: 'h', subdomain: 's', setHostnameAsFQDN: true }), 'k.local'), 'h.s.prod.svc.k.local');
  assert.throws(() => kernelHostname(pod({ hostname: 'h'.repeat(40), subdomain: 's'.repeat(30), setHostnameAsFQDN: true })), /is too long/);
});

test('managed hosts file', () => {
  const content = managedHostsContent(['10.42.0.5'], 'web-0', 'sub.prod.svc.cluster.local', [{ ip: '1.2.3.4', hostnames: ['a', 'b'] }]);
  assert.equal(
    content,
    '# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n' +
      '10.42.0.5\tweb-0.sub.prod.svc.cluster.local\tweb-0\n\n# Entries added by HostAliases.\n1.2.3.4\ta\tb\n',
  );
});

test('pod DNS by policy', () => {
  const host = parseResolvConf('# comment\nnameserver 192.168.1.1\nnameserver 192.168.1.2\nsearch example.com corp\noptions edns0 ndots:2\n');
  assert.deepEqual(host, { servers: ['192.168.1.1', '192.168.1.2'], searches: ['example.com', 'corp'], options: ['edns0', 'ndots:2'] });
  const o = { clusterDNS: ['10.43.0.10'], clusterDomain: 'cluster.local', host };
  assert.deepEqual(podDNSConfig(pod(), o), {
    servers: ['10.43.0.10'],
    searches: ['prod.svc.cluster.local', 'svc.cluster.local', 'cluster.local', 'example.com', 'corp'],
    options: ['ndots:5'],
  });
  assert.deepEqual(podDNSConfig(pod({ hostNetwork: true }), o), host, 'ClusterFirst on the host network is Default');
  assert.deepEqual(podDNSConfig(pod({ hostNetwork: true, dnsPolicy: 'ClusterFirstWithHostNet' }), o).servers, ['10.43.0.10']);
  assert.deepEqual(podDNSConfig(pod({ dnsPolicy: 'Default' }), o), host);
  assert.deepEqual(podDNSConfig(pod(), { ...o, clusterDNS: [] }), host, 'no cluster DNS falls back to Default');
  assert.deepEqual(
    podDNSConfig(pod({ dnsPolicy: 'None', dnsConfig: { nameservers: ['1.1.1.1'], searches: ['x'], options: [{ name: 'ndots', value: '1' }, { name: 'rotate' }] } }), o),
    { servers: ['1.1.1.1'], searches: ['x'], options: ['ndots:1', 'rotate'] },
  );
  const merged = podDNSConfig(pod({ dnsConfig: { nameservers: ['1.1.1.1', '10.43.0.10', '8.8.8.8', '9.9.9.9'], options: [{ name: 'ndots', value: '2' }] } }), o);
  assert.deepEqual(merged.servers, ['10.43.0.10', '1.1.1.1', '8.8.8.8'], 'deduplicated and cut to 3');
  assert.deepEqual(merged.options, ['ndots:2']);
});
