import assert from 'node:assert/strict';
import { test } from 'node:test';
import { applyOverrides, buildPod, buildService, parseLabelSpec } from './generate.js';

const spec = (o: unknown) => (o as { spec: Record<string, unknown> }).spec;

test('buildService: ports from the exposed object, one port per protocol when a port has several', () => {
  const svc = buildService({ name: 's', selector: 'app=x', ports: '80,53', protocol: '', protocols: new Map([['80', ['TCP']], ['53', ['UDP', 'TCP']]]) });
  assert.deepEqual(spec(svc)['ports'], [
    { name: 'port-1', protocol: 'TCP', port: 80, targetPort: 80 },
    { name: 'port-2-udp', protocol: 'UDP', port: 53, targetPort: 53 },
    { name: 'port-2-tcp', protocol: 'TCP', port: 53, targetPort: 53 },
  ]);
  // --protocol wins over what the object says; a named target port stays a name.
  const one = buildService({ name: 's', selector: 'app=x', ports: '80', protocol: 'SCTP', protocols: new Map([['80', ['UDP']]]), targetPort: 'http' });
  assert.deepEqual(spec(one)['ports'], [{ protocol: 'SCTP', port: 80, targetPort: 'http' }]);
  assert.throws(() => buildService({ name: 's', selector: 'app=x', ports: '80', protocol: '', sessionAffinity: 'Sticky' }), /unknown session affinity: Sticky/);
  assert.throws(() => buildService({ name: 's', selector: '', ports: '80', protocol: '' }), /selector must be specified/);
});

test('parseLabelSpec returns sorted maps and kubectl\'s errors', () => {
  assert.deepEqual(Object.keys(parseLabelSpec('z=1,a=2')), ['a', 'z']);
  assert.throws(() => parseLabelSpec('a'), /unexpected label spec: a/);
  assert.throws(() => parseLabelSpec('=b'), /unexpected empty label key/);
});

test('buildPod puts args or command, env, ports and stdin flags where kubectl run does', () => {
  const pod = buildPod({ name: 'p', image: 'busybox', annotations: [], env: ['A=1'], port: '80', restart: 'Never', command: true, args: ['sh', '-c', 'x'], stdin: true, tty: true, leaveStdinOpen: false, privileged: false });
  const c = (spec(pod)['containers'] as Record<string, unknown>[])[0];
  assert.deepEqual(Object.keys(c ?? {}), ['name', 'image', 'command', 'ports', 'env', 'resources', 'stdin', 'stdinOnce', 'tty']);
  assert.deepEqual((pod.metadata as { labels?: unknown }).labels, { run: 'p' });
  assert.throws(() => buildPod({ name: 'p', image: 'i', annotations: [], env: ['1A=x'], restart: 'Always', command: false, args: [], stdin: false, tty: false, leaveStdinOpen: false, privileged: false }), /invalid env: 1A=x/);
});

test('overrides merge, strategic-merge or JSON-patch the generated object', () => {
  const pod = buildPod({ name: 'p', image: 'i', annotations: [], env: [], restart: 'Always', command: false, args: [], stdin: false, tty: false, leaveStdinOpen: false, privileged: false });
  const merged = applyOverrides(pod, '{"spec":{"nodeName":"n1"}}', 'merge', 'io.k8s.api.core.v1.Pod');
  assert.equal(spec(merged)['nodeName'], 'n1');
  const strategic = applyOverrides(pod, '{"spec":{"containers":[{"name":"p","image":"j"}]}}', 'strategic', 'io.k8s.api.core.v1.Pod');
  assert.deepEqual((spec(strategic)['containers'] as Array<{ image: string }>).map((x) => x.image), ['j']);
  const json = applyOverrides(pod, '[{"op":"replace","path":"/spec/restartPolicy","value":"Never"}]', 'json', 'io.k8s.api.core.v1.Pod');
  assert.equal(spec(json)['restartPolicy'], 'Never');
  assert.throws(() => applyOverrides(pod, '{}', 'bogus', ''), /invalid override type: bogus/);
});
