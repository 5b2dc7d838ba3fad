/** The nftables backend's transactions, checked as text (structure, not a golden copy); kernel tests are in nftables.kernel.test.ts. */
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Logger } from '../util/log.js';
import type { NodeNetwork, ServicePort } from './model.js';
import { NftablesBackend } from './nftables.js';
import { affinitySetName, endpointChainName, parseCIDR, portChainNames, renderPort, type PortRules } from './nftables/render.js';
import { deltaScript, fullScript } from './nftables/script.js';
import { endpoint, servicePort, snapshotOf } from './testing/fixtures.js';

const ctx = { clusterCIDR: '10.244.0.0/16', nodeIPs: ['192.168.77.1'] };

/** Named ports (`default/<name>:http`): chain names carry the port name. */
const port = (o: Partial<ServicePort> = {}) => servicePort({ portName: 'http', ...o });
const rulesOf = (pr: PortRules, chain: string) => pr.chains.get(chain) ?? assert.fail(`no chain ${chain} in ${[...pr.chains.keys()].join(' ')}`);
const elementsOf = (pr: PortRules, map: string) => pr.elements.filter((e) => e.map === map).map((e) => `${e.key} : ${e.value}`);

test('render: ClusterIP with three endpoints', () => {
  const sp = port();
  const eps = [endpoint(2), endpoint(3), endpoint(4)];
  const pr = renderPort(sp, eps, ctx);
  const names = portChainNames(sp);
  const svc = rulesOf(pr, names.cluster);
  assert.match(svc[0] ?? '', /^ip daddr 10\.96\.0\.10 tcp dport 80 ip saddr != 10\.244\.0\.0\/16 jump mark-for-masquerade$/);
  // A uniform cascade: 1/3, then 1/2 of the rest, then the last one.
  assert.deepEqual(svc.slice(1), [
    `numgen random mod 3 == 0 goto ${endpointChainName(sp, endpoint(2))}`,
    `numgen random mod 2 == 0 goto ${endpointChainName(sp, endpoint(3))}`,
    `goto ${endpointChainName(sp, endpoint(4))}`,
  ]);
  for (const e of eps) {
    assert.deepEqual(rulesOf(pr, endpointChainName(sp, e)), [`ip saddr ${e.ip} jump mark-for-masquerade`, `meta l4proto tcp dnat to ${e.ip}:8080`]);
  }
  assert.deepEqual(elementsOf(pr, 'service-ips'), [`10.96.0.10 . tcp . 80 : goto ${names.cluster}`]);
  assert.equal(pr.chains.size, 4); // no external, local or firewall chain
  assert.equal(pr.sets.size, 0);
  assert.ok(names.cluster.length <= 256 && /^service-[0-9A-F]{8}-default\/web\/tcp\/http$/.test(names.cluster));
});

test('render: ClientIP affinity checks each endpoint set before balancing', () => {
  const sp = port({ affinitySeconds: 60 });
  const pr = renderPort(sp, [endpoint(2), endpoint(3)], ctx);
  const svc = rulesOf(pr, portChainNames(sp).cluster);
  assert.deepEqual(svc.slice(1, 3), [endpoint(2), endpoint(3)].map((e) => `ip saddr @${affinitySetName(sp, e)} goto ${endpointChainName(sp, e)}`));
  assert.match(svc[3] ?? '', /^numgen random mod 2 == 0 goto endpoint-/);
  assert.deepEqual([...pr.sets.values()], [60, 60]);
  assert.ok(rulesOf(pr, endpointChainName(sp, endpoint(2))).includes(`update @${affinitySetName(sp, endpoint(2))} { ip saddr }`));
});

test('render: no usable endpoint rejects every address; not-ready endpoints do not count', () => {
  const sp = port({ nodePort: 30080, loadBalancerIPs: ['10.97.0.1'], externalIPs: ['192.168.77.50'] });
  const pr = renderPort(sp, [endpoint(2, { ready: false, serving: false })], ctx);
  assert.equal(pr.chains.size, 0);
  assert.deepEqual(elementsOf(pr, 'service-ips'), []);
  assert.deepEqual(elementsOf(pr, 'no-endpoint-services').sort(), [
    '10.96.0.10 . tcp . 80 : goto reject-chain',
    '10.97.0.1 . tcp . 80 : goto reject-chain',
    '192.168.77.50 . tcp . 80 : goto reject-chain',
  ]);
  assert.deepEqual(elementsOf(pr, 'no-endpoint-nodeports'), ['tcp . 30080 : goto reject-chain']);
});

test('render: terminating but serving endpoints are used when none is ready', () => {
  const pr = renderPort(port(), [endpoint(2, { ready: false, terminating: true }), endpoint(3, { ready: false, serving: false, terminating: true })], ctx);
  assert.deepEqual(rulesOf(pr, portChainNames(port()).cluster).slice(1), [`goto ${endpointChainName(port(), endpoint(2))}`]);
});

test('render: externalTrafficPolicy Local', async (t) => {
  const sp = port({ nodePort: 30080, loadBalancerIPs: ['10.97.0.1'], externalLocal: true });
  const names = portChainNames(sp);
  await t.test('with a local endpoint: outside clients stay local, pods and the node go cluster-wide', () => {
    const pr = renderPort(sp, [endpoint(2), endpoint(3, { local: false })], ctx);
    assert.deepEqual(rulesOf(pr, names.external), [
      `ip saddr 10.244.0.0/16 goto ${names.cluster}`,
      'fib saddr type local jump mark-for-masquerade',
      `fib saddr type local goto ${names.cluster}`,
      `goto ${names.local}`,
    ]);
    assert.deepEqual(rulesOf(pr, names.local), [`goto ${endpointChainName(sp, endpoint(2))}`]);
    assert.equal(rulesOf(pr, names.cluster).filter((r) => r.includes('goto endpoint-')).length, 2);
    assert.ok(!rulesOf(pr, names.external).some((r) => r === 'jump mark-for-masquerade'), 'outside traffic keeps its source');
    assert.deepEqual(elementsOf(pr, 'no-endpoint-services'), []);
  });
  await t.test('without one: outside clients are dropped, not rejected', () => {
    const pr = renderPort(sp, [endpoint(3, { local: false })], ctx);
    assert.ok(!pr.chains.has(names.local));
    assert.equal(rulesOf(pr, names.external).length, 3);
    assert.deepEqual(elementsOf(pr, 'no-endpoint-services'), ['10.97.0.1 . tcp . 80 : drop']);
    assert.deepEqual(elementsOf(pr, 'no-endpoint-nodeports'), ['tcp . 30080 : drop']);
    assert.deepEqual(elementsOf(pr, 'service-nodeports'), [`tcp . 30080 : goto ${names.external}`]);
  });
  await t.test('policy Cluster masquerades external traffic', () => {
    const pr = renderPort({ ...sp, externalLocal: false }, [endpoint(2)], ctx);
    assert.deepEqual(rulesOf(pr, names.external), ['jump mark-for-masquerade', `goto ${names.cluster}`]);
  });
});

test('render: internalTrafficPolicy Local sends ClusterIP traffic to local endpoints only', () => {
  const sp = port({ internalLocal: true });
  const names = portChainNames(sp);
  const pr = renderPort(sp, [endpoint(2), endpoint(3, { local: false })], ctx);
  assert.deepEqual(elementsOf(pr, 'service-ips'), [`10.96.0.10 . tcp . 80 : goto ${names.local}`]);
  assert.ok(!pr.chains.has(names.cluster));
  assert.match(rulesOf(pr, names.local)[0] ?? '', /saddr != 10\.244\.0\.0\/16 jump mark-for-masquerade/);
  assert.deepEqual(elementsOf(renderPort(sp, [endpoint(3, { local: false })], ctx), 'no-endpoint-services'), ['10.96.0.10 . tcp . 80 : drop']);
});

test('render: loadBalancerSourceRanges', () => {
  const sp = port({ loadBalancerIPs: ['10.97.0.1'], loadBalancerSourceRanges: ['192.168.77.0/24', '10.1.2.3/8', 'bogus'] });
  const pr = renderPort(sp, [endpoint(2)], ctx);
  const names = portChainNames(sp);
  // The node (192.168.77.1) is an allowed client, so its own LB address is an allowed source.
  assert.deepEqual(rulesOf(pr, names.firewall), ['ip saddr 192.168.77.0/24 return', 'ip saddr 10.0.0.0/8 return', 'ip saddr 10.97.0.1 return', 'drop']);
  assert.deepEqual(elementsOf(pr, 'firewall-ips'), [`10.97.0.1 . tcp . 80 : goto ${names.firewall}`]);
  assert.deepEqual(rulesOf(renderPort({ ...sp, loadBalancerSourceRanges: ['1.2.3.0/24'] }, [endpoint(2)], ctx), names.firewall), ['ip saddr 1.2.3.0/24 return', 'drop']);
});

test('parseCIDR', () => {
  const cases: [string, string | undefined][] = [
    ['10.1.2.3/8', '10.0.0.0/8'],
    ['0.0.0.0/0', '0.0.0.0/0'],
    ['1.2.3.4', '1.2.3.4/32'],
    ['1.2.3.256/8', undefined],
    ['1.2.3.0/33', undefined],
    ['::1/128', undefined],
  ];
  for (const [input, want] of cases) assert.equal(parseCIDR(input)?.text, want, input);
});

test('fullScript: replaces the whole table in one transaction', () => {
  const script = fullScript('klab', [renderPort(port(), [endpoint(2)], ctx)]);
  const lines = script.split('\n');
  assert.deepEqual(lines.slice(0, 3), ['add table ip klab', 'delete table ip klab', 'add table ip klab']);
  for (const hook of ['prerouting', 'output']) assert.ok(lines.some((l) => l.includes(`nat-${hook} { type nat hook ${hook} priority -100;`)));
  assert.ok(lines.some((l) => l.includes('nat-postrouting { type nat hook postrouting priority 100;')));
  for (const hook of ['input', 'forward', 'output']) assert.ok(lines.includes(`add rule ip klab filter-${hook} ct state new jump endpoints-check`));
  assert.ok(lines.includes('add rule ip klab services fib daddr type local meta l4proto . th dport vmap @service-nodeports'));
  assert.ok(lines.some((l) => /^add element ip klab service-ips \{ 10\.96\.0\.10 \. tcp \. 80 : goto service-/.test(l)));
  // Chains exist before any rule jumps to them.
  const firstRule = lines.findIndex((l) => l.includes('add rule ip klab service-'));
  const lastChain = lines.findLastIndex((l) => l.startsWith('add chain'));
  assert.ok(lastChain < firstRule);
});

test('deltaScript', async (t) => {
  const sp = port();
  const two = renderPort(sp, [endpoint(2), endpoint(3)], ctx);
  const one = renderPort(sp, [endpoint(2)], ctx);
  const names = portChainNames(sp);
  await t.test('nothing changed: no transaction', () => assert.equal(deltaScript('klab', [{ before: two, after: two }]), ''));
  await t.test('an endpoint removed: service chain rewritten, its endpoint chain deleted, others untouched', () => {
    const lines = deltaScript('klab', [{ before: two, after: one }]).trim().split('\n');
    assert.deepEqual(lines.filter((l) => l.startsWith('flush')).sort(), [`flush chain ip klab ${names.cluster}`, `flush chain ip klab ${endpointChainName(sp, endpoint(3))}`].sort());
    assert.deepEqual(lines.filter((l) => l.startsWith('delete')), [`delete chain ip klab ${endpointChainName(sp, endpoint(3))}`]);
    assert.ok(!lines.some((l) => l.includes('element')), 'dispatch unchanged');
    assert.ok(!lines.some((l) => l.includes(endpointChainName(sp, endpoint(2))) && l.startsWith('add rule ip klab endpoint')));
    assert.equal(lines.at(-1), `add rule ip klab ${names.cluster} goto ${endpointChainName(sp, endpoint(2))}`);
  });
  await t.test('last endpoint gone: dispatch moves to the reject map', () => {
    const lines = deltaScript('klab', [{ before: one, after: renderPort(sp, [], ctx) }]).trim().split('\n');
    const delEl = lines.indexOf('delete element ip klab service-ips { 10.96.0.10 . tcp . 80 }');
    const delChain = lines.indexOf(`delete chain ip klab ${names.cluster}`);
    assert.ok(delEl >= 0 && delChain > delEl, 'the map stops pointing at a chain before it is deleted');
    assert.ok(lines.includes('add element ip klab no-endpoint-services { 10.96.0.10 . tcp . 80 : goto reject-chain }'));
  });
  await t.test('service removed', () => {
    const lines = deltaScript('klab', [{ before: one, after: undefined }]).trim().split('\n');
    assert.equal(lines.filter((l) => l.startsWith('delete chain')).length, 2);
    assert.ok(!lines.some((l) => l.startsWith('add')));
  });
  await t.test('affinity timeout changed: set re-created after the rules naming it are flushed', () => {
    const a = renderPort({ ...sp, affinitySeconds: 60 }, [endpoint(2)], ctx);
    const b = renderPort({ ...sp, affinitySeconds: 30 }, [endpoint(2)], ctx);
    const lines = deltaScript('klab', [{ before: a, after: b }]).trim().split('\n');
    const set = affinitySetName(sp, endpoint(2));
    const del = lines.indexOf(`delete set ip klab ${set}`);
    assert.ok(del > lines.lastIndexOf(`flush chain ip klab ${endpointChainName(sp, endpoint(2))}`));
    assert.ok(lines.indexOf(`add set ip klab ${set} { type ipv4_addr; flags dynamic,timeout; timeout 30s; }`) > del);
    assert.ok(lines.some((l) => l.endsWith(`update @${set} { ip saddr }`)));
  });
});

/** A node whose `nft` records each script (and fails on demand); `ip`/`sysctl`/`conntrack` succeed. */
function fakeNode() {
  const scripts: string[] = [];
  let failNext = false;
  const net: NodeNetwork = {
    nodeIPs: ['192.168.77.1'],
    clusterCIDR: '10.244.0.0/16',
    serviceCIDR: '10.96.0.0/16',
    prefix: 'KTEST',
    link: 'k8tsproxy0',
    exec: (file, _args, input) => {
      if (file === 'nft') {
        scripts.push(input ?? '');
        if (failNext) {
          failNext = false;
          return Promise.resolve({ code: 1, stdout: '', stderr: 'Error: boom' });
        }
      }
      return Promise.resolve({ code: 0, stdout: '', stderr: '' });
    },
  };
  const warnings: string[] = [];
  const logger: Logger = { info: () => {}, warn: (m) => warnings.push(m), error: () => {} };
  return { net, scripts, warnings, logger, failOnce: () => (failNext = true) };
}

test('backend: full table first, then only the changed port; a failure forces the whole table again', async () => {
  const node = fakeNode();
  const b = new NftablesBackend({ net: node.net, logger: node.logger });
  const web = port();
  const api = port({ name: 'api', clusterIP: '10.96.0.11' });
  await b.sync({ snapshot: snapshotOf([[web, [endpoint(2)]], [api, [endpoint(3)]]]), changed: 'all' });
  assert.equal(node.scripts.length, 1);
  assert.match(node.scripts[0] ?? '', /^add table ip ktest\ndelete table ip ktest\n/);
  assert.equal(b.lastSync.full, true);

  await b.sync({ snapshot: snapshotOf([[web, [endpoint(2), endpoint(4)]], [api, [endpoint(3)]]]), changed: new Set([web.id]) });
  const delta = node.scripts[1] ?? '';
  assert.ok(!delta.includes('table'), 'no table-wide statement');
  assert.ok(delta.includes(endpointChainName(web, endpoint(4))));
  assert.ok(!delta.includes('/api/'), 'the unchanged port is not touched');
  assert.equal(b.lastSync.full, false);

  node.failOnce();
  await assert.rejects(b.sync({ snapshot: snapshotOf([[web, [endpoint(2)]], [api, [endpoint(3)]]]), changed: new Set([web.id]) }), /boom/);
  await b.sync({ snapshot: snapshotOf([[web, [endpoint(2)]], [api, [endpoint(3)]]]), changed: new Set([api.id]) });
  assert.match(node.scripts.at(-1) ?? '', /^add table ip ktest\ndelete table ip ktest\n/);
});

test('backend: two ports claiming one external address: the first keeps it, the kernel never sees both', async () => {
  const node = fakeNode();
  const b = new NftablesBackend({ net: node.net, logger: node.logger });
  const a = port({ name: 'a', externalIPs: ['192.168.77.50'] });
  const c = port({ name: 'c', clusterIP: '10.96.0.12', externalIPs: ['192.168.77.50'] });
  await b.sync({ snapshot: snapshotOf([[a, [endpoint(2)]], [c, [endpoint(3)]]]), changed: 'all' });
  assert.equal(node.scripts[0]?.match(/service-ips \{ 192\.168\.77\.50 \. tcp \. 80/g)?.length, 1);
  assert.equal(node.warnings.length, 1);
  // Once a is gone, c takes the address over on its next change.
  await b.sync({ snapshot: snapshotOf([[c, [endpoint(3)]]]), changed: new Set([a.id, c.id]) });
  const delta = node.scripts[1] ?? '';
  assert.ok(delta.indexOf('delete element ip ktest service-ips { 192.168.77.50') < delta.indexOf('add element ip ktest service-ips { 192.168.77.50'));
});
