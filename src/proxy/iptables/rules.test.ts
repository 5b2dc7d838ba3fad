import assert from 'node:assert/strict';
import { test } from 'node:test';
import { endpoint, servicePort, snapshotOf } from '../testing/fixtures.js';
import { buildRestore, endpointChain, portChains } from './rules.js';

const none = { nat: new Set<string>(), filter: new Set<string>() };
const lines = (script: string, prefix: string) => script.split('\n').filter((l) => l.startsWith(prefix));

test('a ClusterIP with two endpoints: dispatch, random choice, DNAT, hairpin masquerade', () => {
  const sp = servicePort({ id: 'default/web:' });
  const out = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[sp, [endpoint('10.244.1.2'), endpoint('10.244.1.3')]]]), changed: 'all', existing: none });
  const { svc } = portChains('KT', sp);
  assert.ok(out.script.includes(`-A KT-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "default/web: cluster IP" -j ${svc}`));
  const svcRules = lines(out.script, `-A ${svc} `);
  assert.equal(svcRules.length, 3, svcRules.join('\n'));
  assert.match(svcRules[0] ?? '', /! -s 10\.244\.0\.0\/16 .* -j KT-MARK-MASQ/);
  assert.match(svcRules[1] ?? '', /--probability 0\.5000000000 -j KT-SEP-/);
  assert.doesNotMatch(svcRules[2] ?? '', /probability/);
  const sep = endpointChain('KT', sp, endpoint('10.244.1.2'));
  assert.deepEqual(lines(out.script, `-A ${sep} `), [`-A ${sep} -s 10.244.1.2/32 -j KT-MARK-MASQ`, `-A ${sep} -p tcp -m tcp -j DNAT --to-destination 10.244.1.2:8080`]);
  assert.ok(out.chains.nat.has(svc) && out.chains.nat.has(sep));
  // NodePort dispatch stays the last rule of the services chain.
  assert.match(lines(out.script, '-A KT-SERVICES ').at(-1) ?? '', /--dst-type LOCAL .* -j KT-NODEPORTS$/);
});

test('no ready endpoint: REJECT in filter and no nat chain; terminating-serving ones are the fallback', () => {
  const a = servicePort({ id: 'default/a:' });
  const b = servicePort({ id: 'default/b:', clusterIP: '10.96.0.11' });
  const out = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[a, [endpoint('10.244.1.2', { ready: false, serving: false })]], [b, [endpoint('10.244.1.3', { ready: false, serving: true, terminating: true })]]]), changed: 'all', existing: none });
  assert.ok(out.script.includes('-A KT-SERVICES -d 10.96.0.10/32 -p tcp -m tcp --dport 80 -m comment --comment "default/a: has no endpoints" -j REJECT'));
  assert.ok(!out.chains.nat.has(portChains('KT', a).svc));
  assert.ok(out.chains.nat.has(portChains('KT', b).svc));
});

test('NodePort and LoadBalancer go through the external chain; Cluster policy masquerades', () => {
  const sp = servicePort({ id: 'default/lb:', nodePort: 30080, loadBalancerIPs: ['10.97.0.1'], loadBalancerSourceRanges: ['192.168.77.0/24'] });
  const out = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[sp, [endpoint('10.244.1.2')]]]), changed: 'all', existing: none });
  const { ext, svc } = portChains('KT', sp);
  assert.ok(out.script.includes(`-A KT-NODEPORTS -p tcp -m tcp --dport 30080 -m comment --comment "default/lb: node port" -j ${ext}`));
  assert.ok(out.script.includes(`-A KT-SERVICES -s 192.168.77.0/24 -d 10.97.0.1/32 -p tcp -m tcp --dport 80`));
  assert.ok(out.script.includes('-A KT-EXTERNAL-SERVICES -d 10.97.0.1/32 -p tcp -m tcp --dport 80 -m comment --comment "default/lb: traffic not accepted by the load balancer source ranges" -j DROP'));
  assert.deepEqual(lines(out.script, `-A ${ext} `).map((l) => l.split(' -j ')[1]), ['KT-MARK-MASQ', svc]);
});

test('externalTrafficPolicy Local: local endpoints only for outside clients, pods and the node go cluster-wide', () => {
  const sp = servicePort({ id: 'default/local:', nodePort: 30081, externalLocal: true });
  const eps = [endpoint('10.244.1.2', { local: true }), endpoint('10.244.2.2', { local: false })];
  const out = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[sp, eps]]), changed: 'all', existing: none });
  const { ext, svc, svl } = portChains('KT', sp);
  const extRules = lines(out.script, `-A ${ext} `);
  assert.match(extRules[0] ?? '', new RegExp(`-s 10.244.0.0/16 .* -j ${svc}$`));
  assert.equal(extRules.at(-1), `-A ${ext} -j ${svl}`);
  assert.equal(lines(out.script, `-A ${svl} `).length, 1, 'the local chain holds the one local endpoint');
  // No local endpoint: outside clients are dropped, not sent elsewhere.
  const remote = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[sp, [endpoint('10.244.2.2', { local: false })]]]), changed: 'all', existing: none });
  assert.ok(remote.script.includes('--dport 30081 -m comment --comment "default/local: has no local endpoints" -j DROP'));
});

test('ClientIP affinity: recent-match checks before the random choice, and --set at the DNAT', () => {
  const sp = servicePort({ id: 'default/sticky:', affinitySeconds: 600 });
  const out = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[sp, [endpoint('10.244.1.2'), endpoint('10.244.1.3')]]]), changed: 'all', existing: none });
  const svcRules = lines(out.script, `-A ${portChains('KT', sp).svc} `);
  assert.equal(svcRules.filter((l) => l.includes('--rcheck --seconds 600 --reap')).length, 2);
  assert.ok(lines(out.script, `-A ${endpointChain('KT', sp, endpoint('10.244.1.2'))} `).some((l) => l.includes('--set -j DNAT')));
});

test('partial sync: unchanged ports keep their chains untouched; removed ones are flushed and deleted', () => {
  const a = servicePort({ id: 'default/a:' });
  const b = servicePort({ id: 'default/b:', clusterIP: '10.96.0.11' });
  const first = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[a, [endpoint('10.244.1.2')]], [b, [endpoint('10.244.1.3')]]]), changed: 'all', existing: none });
  const second = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[a, [endpoint('10.244.1.2')]]]), changed: new Set([b.id]), existing: first.chains });
  const aSvc = portChains('KT', a).svc;
  const bSvc = portChains('KT', b).svc;
  assert.ok(!second.script.includes(`:${aSvc} `), 'a is not rewritten');
  assert.ok(second.script.includes(`-A KT-SERVICES -d 10.96.0.10/32`), 'the dispatch still jumps to a');
  assert.ok(second.script.includes(`:${bSvc} - [0:0]`) && second.script.includes(`-X ${bSvc}`), 'b is flushed and deleted');
  assert.ok(second.chains.nat.has(aSvc) && !second.chains.nat.has(bSvc));
  assert.ok(second.rules < first.rules);
});

test('loopback is guarded (route_localnet), and internalTrafficPolicy Local masquerades off-cluster clients in its own chain', () => {
  const sp = servicePort({ id: 'default/local:', internalLocal: true });
  const out = buildRestore({ prefix: 'KT', clusterCIDR: '10.244.0.0/16', snapshot: snapshotOf([[sp, [endpoint('10.244.1.2', { local: true }), endpoint('10.244.2.2', { local: false })]]]), changed: 'all', existing: none });
  assert.ok(out.script.includes('-A KT-FIREWALL -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT'));
  assert.ok(out.chains.filter.has('KT-FIREWALL'));
  const { svc, svl } = portChains('KT', sp);
  assert.match(out.script, new RegExp(`-A KT-SERVICES -d 10\\.96\\.0\\.10/32 .* -j ${svl}`), 'the ClusterIP serves the local chain');
  assert.match(lines(out.script, `-A ${svl} `)[0] ?? '', /! -s 10\.244\.0\.0\/16 .* -j KT-MARK-MASQ/);
  assert.ok(!lines(out.script, `-A ${svc} `).some((l) => l.includes('KT-MARK-MASQ')), 'no ClusterIP masquerade in the cluster-wide chain');
});
