/**
 * Golden tests of `k8ts kubectl apply`, `patch`, `replace` and `edit` against the real kubectl
 * 1.32 on one API server (no controllers, so nothing but the two kubectls writes the objects).
 * Every script runs once with each kubectl, in its own namespace, step by step: after each step
 * the printed output (stdout, stderr, exit code) must be equal, and so must the objects it
 * touched, read back with the real kubectl (spec, labels, annotations with the last-applied
 * configuration, status, and managedFields without their times), once the namespace names,
 * UIDs, times and temp file names are replaced by placeholders.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, KUBECTL_LAUNCH, startServer, type Cluster, type Run } from './harness.js';

let cluster: Cluster;
let dir: string;
const NS = { real: 'apply-real', ours: 'apply-ours' } as const;
type Side = keyof typeof NS;

function run(side: Side, args: string[], env: Record<string, string> = {}): Promise<Run> {
  const [bin, argv] = side === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const fullEnv = { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECACHEDIR: join(cluster.dir, `kubecache-${side}`), HOME: cluster.dir, TMPDIR: dir, ...env };
  return new Promise((resolve) => {
    execFile(bin, argv, { env: fullEnv, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? (typeof err.code === 'number' ? err.code : -1) : 0, stdout, stderr });
    });
  });
}

function normalize(text: string, ns: string): string {
  return text
    .replaceAll(ns, 'NS')
    .replaceAll(dir, 'DIR')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UID')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ/g, 'TIME')
    .replace(/[EWI]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /g, 'KLOG ')
    // The real kubectl may be installed as kubectl.1.32, which is also the name of its temp files.
    .replace(/kubectl[.\d]*-edit-\d+/g, 'kubectl-edit-N')
    .replace(/resourceVersion(\\?"?): ?\\?"\d+\\?"/g, 'resourceVersion$1: RV')
    .replace(/"(clusterIP)": ("[^"]*")/g, '"$1": X')
    .replace(/"clusterIPs": \[[^\]]*\]/g, '"clusterIPs": X');
}

/** The parts of an object the two kubectls must leave the same. */
async function snapshot(ns: string, what: string): Promise<string> {
  const r = await run('real', ['get', what, '-n', ns, '-o', 'json', '--show-managed-fields']);
  if (r.code !== 0) return r.stderr;
  const obj = JSON.parse(r.stdout) as { metadata: Record<string, unknown>; spec?: unknown; status?: unknown; data?: unknown };
  const m = obj.metadata;
  // Requests without fieldManager are recorded under the User-Agent's name (kubectl.1.32, k8ts-kubectl);
  // entries are ordered by time, which may tick between the two runs.
  const managed = ((m['managedFields'] ?? []) as Record<string, unknown>[])
    .map((e): Record<string, unknown> => ({ ...e, time: undefined, manager: /^(k8ts-)?kubectl(\.1\.\d+)?$/.test(String(e['manager'])) ? 'kubectl' : e['manager'] }))
    .map((e) => ({ key: JSON.stringify([e['operation'], e['manager'], e['subresource']]), e }))
    .sort((a, b) => a.key.localeCompare(b.key))
    .map(({ e }) => e);
  const kept = { labels: m['labels'], annotations: sortSavedManagedFields(m['annotations']), generation: m['generation'], managedFields: managed, spec: obj.spec, status: obj.status, data: obj.data };
  // `edit --save-config` records the live object, whose creationTimestamp differs between the twins by
  // whichever second each was created in.
  return normalize(JSON.stringify(kept, null, 1), ns).replace(/\\"creationTimestamp\\":\\"[^\\]*\\"/g, '\\"creationTimestamp\\":\\"TIME\\"');
}

/**
 * `edit --save-config` records the live object, managedFields included, in the last-applied
 * annotation. The server orders those entries by time, then manager, so whether `kubectl-edit` comes
 * before `kubectl-replace` depends on whether the second ticked between them in that twin's run. The
 * embedded list is replaced by the entries sorted by manager, the rest of the annotation's bytes
 * (kubectl's HTML escapes among them) left as they are.
 */
function sortSavedManagedFields(annotations: unknown): unknown {
  const key = 'kubectl.kubernetes.io/last-applied-configuration';
  if (annotations === null || typeof annotations !== 'object') return annotations;
  const saved = (annotations as Record<string, unknown>)[key];
  if (typeof saved !== 'string') return annotations;
  const marker = '"managedFields":[';
  const start = saved.indexOf(marker);
  if (start < 0) return annotations;
  let depth = 0;
  let inString = false;
  let end = -1;
  for (let i = start + marker.length - 1; i < saved.length; i++) {
    const ch = saved[i];
    if (inString) {
      if (ch === '\\') i++;
      else if (ch === '"') inString = false;
    } else if (ch === '"') inString = true;
    else if (ch === '[' || ch === '{') depth++;
    else if ((ch === ']' || ch === '}') && --depth === 0) {
      end = i + 1;
      break;
    }
  }
  if (end < 0) return annotations;
  const entries = JSON.parse(saved.slice(start + marker.length - 1, end)) as Record<string, unknown>[];
  const sorted = entries
    .map((e): Record<string, unknown> => ({ ...e, time: 'TIME' }))
    .sort((a, b) => JSON.stringify([a['operation'], a['manager']]).localeCompare(JSON.stringify([b['operation'], b['manager']])));
  return { ...annotations, [key]: saved.slice(0, start + marker.length - 1) + JSON.stringify(sorted) + saved.slice(end) };
}

interface Step {
  /** kubectl arguments; `-n <namespace>` is added. */
  args: string[];
  /** Objects to compare after the step (`deploy/web`). */
  check?: string[];
  /** Run with the real kubectl on both sides (a change made by someone else). */
  both?: boolean;
  env?: Record<string, string>;
}

/** Runs a script with both kubectls, comparing each step's output and the objects it names. */
async function script(steps: Step[]): Promise<void> {
  for (const step of steps) {
    const line = step.args.join(' ');
    const [real, ours] = await Promise.all(
      (['real', 'ours'] as const).map((side) => run(step.both ? 'real' : side, [...step.args, '-n', NS[side]], step.env)),
    );
    const show = (r: Run | undefined, ns: string) => normalize(`${r?.stdout ?? ''}${r?.stderr ?? ''}[exit ${r?.code ?? -1}]`, ns);
    assert.equal(show(ours, NS.ours), show(real, NS.real), `output of: kubectl ${line}`);
    for (const what of step.check ?? []) {
      const [a, b] = await Promise.all([snapshot(NS.real, what), snapshot(NS.ours, what)]);
      assert.equal(b, a, `${what} after: kubectl ${line}`);
    }
  }
}

const file = (name: string, text: string): string => {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
};

const deployment = (o: { labels: string; image: string; replicas?: number; extra?: string; ports: string; args: string }) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
  labels: {${o.labels}}
  annotations: {note: "a & b <c>"}
spec:
  ${o.replicas === undefined ? '' : `replicas: ${o.replicas}`}
  selector: {matchLabels: {app: web}}
  strategy: {type: RollingUpdate, rollingUpdate: {maxSurge: 1}}
  template:
    metadata: {labels: {app: web}}
    spec:
      volumes: [{name: v1, emptyDir: {}}]
      containers:
      - name: nginx
        image: ${o.image}
        ports: [${o.ports}]
        args: [${o.args}]
        env: [{name: A1, value: "1"}, {name: B1, value: "2"}]
${o.extra ?? ''}`;

const SIDE = '      - {name: side, image: busybox}\n';

before(async () => {
  cluster = await startServer();
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-apply-'));
  for (const ns of Object.values(NS)) assert.equal(kubectl(cluster, ['create', 'namespace', ns]).code, 0);
  const crd = kubectl(cluster, ['apply', '-f', '-'], {
    input: `apiVersion: apiextensions.k8s.io/v1
kind: CustomResourceDefinition
metadata: {name: widgets.example.com}
spec:
  group: example.com
  names: {kind: Widget, plural: widgets, singular: widget, listKind: WidgetList}
  scope: Namespaced
  versions:
  - name: v1
    served: true
    storage: true
    schema: {openAPIV3Schema: {type: object, x-kubernetes-preserve-unknown-fields: true}}
`,
  });
  assert.equal(crd.code, 0, crd.stderr);
  // Discovery of the new group may lag a moment behind the CRD.
  for (let i = 0; i < 50 && kubectl(cluster, ['get', 'widgets', '-A']).code !== 0; i++) await new Promise((r) => setTimeout(r, 100));
});

after(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

test('apply: create, change, remove, unchanged, dry runs, server-side apply and back, last-applied subcommands', async () => {
  const d1 = file('d1.yaml', deployment({ labels: 'app: web, tier: fe', image: 'nginx:1.25', ports: '{containerPort: 80}, {containerPort: 443}', args: 'a, b', extra: SIDE }));
  const d2 = file('d2.yaml', deployment({ labels: 'app: web, tier: fe', image: 'nginx:1.27', ports: '{containerPort: 80}, {containerPort: 443}', args: 'a, b', extra: SIDE }));
  const d3 = file('d3.yaml', deployment({ labels: 'app: web', image: 'nginx:1.27', ports: '{containerPort: 80}', args: 'a' }));
  const d4 = file('d4.yaml', deployment({ labels: 'app: web', image: 'nginx:1.28', replicas: 3, ports: '{containerPort: 80}', args: 'a' }));
  const w = ['deploy/web'];
  await script([
    { args: ['apply', '-f', d1], check: w },
    { args: ['apply', '-f', d2, '--dry-run=client'], check: w },
    { args: ['apply', '-f', d2, '--dry-run=server', '-o', 'name'], check: w },
    { args: ['apply', '-f', d2], check: w },
    { args: ['label', 'deploy', 'web', 'extra=yes'], both: true },
    { args: ['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"add","path":"/spec/template/spec/containers/-","value":{"name":"added","image":"x"}}]'], both: true },
    { args: ['apply', '-f', d3], check: w },
    { args: ['apply', '-f', d3], check: w },
    { args: ['apply', 'view-last-applied', 'deploy/web'] },
    { args: ['apply', 'view-last-applied', 'deployment', 'web', '-o', 'json'] },
    { args: ['apply', '--server-side', '-f', d4], check: w },
    { args: ['scale', 'deploy', 'web', '--replicas=5'], both: true },
    { args: ['apply', '--server-side', '-f', d4], check: w },
    { args: ['apply', '--server-side', '--force-conflicts', '-f', d4, '-o', 'name'], check: w },
    { args: ['apply', '-f', d3], check: w },
    { args: ['apply', 'set-last-applied', '-f', d1], check: w },
    { args: ['apply', 'set-last-applied', '-f', d1] },
    { args: ['apply', 'view-last-applied', '-f', d1, '-o', 'json'] },
    { args: ['apply', '-f', d1], check: w },
  ]);
});

test('apply: services, custom resources, several objects with errors, prune', async () => {
  const s1 = file('s1.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: svc, labels: {app: p}}\nspec:\n  selector: {app: x}\n  ports: [{name: http, port: 80, targetPort: 8080}, {name: https, port: 443}]\n');
  const s2 = file('s2.yaml', 'apiVersion: v1\nkind: Service\nmetadata: {name: svc, labels: {app: p}}\nspec:\n  selector: {app: x}\n  ports: [{name: https, port: 443, targetPort: 8443}, {name: metrics, port: 9090}]\n  sessionAffinity: null\n');
  const w1 = file('w1.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: "1", b: "2"}}\nspec: {size: 3, items: [x, z], nested: {keep: 1, drop: 2}}\n');
  const w2 = file('w2.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: w, labels: {a: "1"}}\nspec: {size: 4, items: [x], nested: {keep: 1, empty: {}}, gone: null}\n');
  const mixed = file('mixed.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, labels: {app: p}}\ndata: {a: "1"}\n---\napiVersion: nope.example.com/v1\nkind: Thing\nmetadata: {name: t}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2, labels: {app: p}}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: bad}\nspec: {containers: []}\n');
  const pruned = file('pruned.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1, labels: {app: p}}\ndata: {a: "2"}\n');
  await script([
    { args: ['apply', '-f', s1], check: ['svc/svc'] },
    { args: ['apply', '-f', s2], check: ['svc/svc'] },
    { args: ['apply', '-f', w1], check: ['widget/w'] },
    { args: ['label', 'widget', 'w', 'extra=1'], both: true },
    { args: ['apply', '-f', w2], check: ['widget/w'] },
    { args: ['apply', '-f', w1, '-o', 'yaml'], check: ['widget/w'] },
    { args: ['apply', '-f', mixed], check: ['cm/c1', 'cm/c2'] },
    { args: ['apply', '-f', mixed, '-l', 'app=p'] },
    { args: ['apply', '--prune', '-l', 'app=p', '-f', pruned, '--dry-run=client'], check: ['cm/c2'] },
    { args: ['apply', '--prune', '-l', 'app=p', '-f', pruned], check: ['cm/c1', 'cm/c2', 'svc/svc'] },
    { args: ['apply', '--prune', '-f', pruned] },
    { args: ['apply', '--force-conflicts', '-f', pruned] },
    { args: ['apply', '-f', join(dir, 'missing.yaml')] },
    { args: ['apply'] },
  ]);
});

test('apply --overwrite=false, patch (strategic, merge, json) and replace', async () => {
  const d = file('p.yaml', deployment({ labels: 'app: web', image: 'nginx:1.25', ports: '{containerPort: 80}', args: 'a' }));
  const r = file('r.yaml', deployment({ labels: 'app: web, replaced: "yes"', image: 'nginx:1.26', ports: '{containerPort: 81}', args: 'b' }));
  const w = ['deploy/web'];
  await script([
    { args: ['apply', '-f', d] },
    { args: ['label', 'deploy', 'web', 'app=other', '--overwrite'], both: true },
    { args: ['apply', '-f', d, '--overwrite=false'], check: w },
    { args: ['apply', '-f', d], check: w },
    { args: ['patch', 'deploy', 'web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"nginx","image":"nginx:2"}]}}}}'], check: w },
    { args: ['patch', 'deploy', 'web', '-p', 'spec: {replicas: 2}'], check: w },
    { args: ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":2}}'], check: w },
    { args: ['patch', 'deploy/web', '--type', 'merge', '-p', '{"metadata":{"labels":{"m":"1"}}}', '-o', 'jsonpath={.metadata.labels}'], check: w },
    { args: ['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"remove","path":"/metadata/labels/m"}]'], check: w },
    { args: ['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"remove","path":"/spec/nope"}]'] },
    { args: ['patch', 'deploy', 'web', '--type=json', '-p', '[{"op":"remove","path":"/spec/nope"}]', '--dry-run=client'] },
    { args: ['patch', 'deploy', 'web', '-p', '{"spec":{"replicas":9}}', '--dry-run=server'], check: w },
    { args: ['patch', 'deploy', 'web', '--subresource=scale', '--type=merge', '-p', '{"spec":{"replicas":4}}'], check: w },
    { args: ['patch', '-f', d, '-p', '{"spec":{"replicas":4}}'], check: w },
    { args: ['patch', 'deploy', 'nope', '-p', '{}'] },
    { args: ['patch', 'deploy', 'web', '--type=foo', '-p', '{}'] },
    { args: ['apply', '-f', file('wp.yaml', 'apiVersion: example.com/v1\nkind: Widget\nmetadata: {name: wp}\nspec: {size: 1}\n')] },
    { args: ['patch', 'widget', 'wp', '-p', '{"spec":{"size":2}}'] },
    { args: ['patch', 'widget', 'wp', '--type=merge', '-p', '{"spec":{"size":2}}'], check: ['widget/wp'] },
    { args: ['replace', '-f', r], check: w },
    { args: ['replace', '-f', r, '--save-config', '-o', 'name'], check: w },
    { args: ['replace', '--force', '-f', r], check: w },
    { args: ['replace', '-f', r, '--grace-period=1'] },
    { args: ['replace', '-f', file('rm.yaml', 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: nope}\n')] },
  ]);
});

test('edit: a change, no change, an invalid change that is given up, broken YAML that is fixed, a file emptied, edit-last-applied', async () => {
  const editor = (name: string, body: string) => {
    const p = join(dir, name);
    writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return p;
  };
  const replicas = editor('replicas.sh', 'sed -i "s/^  replicas: .*/  replicas: 3/" "$1"');
  const nothing = editor('nothing.sh', 'true');
  const invalid = editor('invalid.sh', 'sed -i "s/^  replicas: .*/  replicas: -1/" "$1"');
  // First run breaks the YAML; the reopened file (with the validation error in its header) is fixed.
  const fixer = editor('fixer.sh', `if grep -q "failed validation" "$1"; then sed -i "/^BROKEN/d; s/^  replicas: .*/  replicas: 2/" "$1"; else sed -i "1i BROKEN: a: b" "$1"; fi`);
  const emptied = editor('emptied.sh', `sed -i '/^[^#]/d' "$1"`);
  const config = editor('config.sh', 'sed -i "s/image: nginx:1.25/image: nginx:9/" "$1"');
  const w = ['deploy/web'];
  await script([
    { args: ['apply', '-f', file('e.yaml', deployment({ labels: 'app: web', image: 'nginx:1.25', ports: '{containerPort: 80}', args: 'a' }))] },
    { args: ['edit', 'deploy', 'web', '--output-patch'], env: { EDITOR: replicas }, check: w },
    { args: ['edit', 'deploy/web'], env: { KUBE_EDITOR: nothing, EDITOR: replicas }, check: w },
    { args: ['edit', 'deploy/web', '-o', 'json'], env: { EDITOR: nothing } },
    { args: ['edit', 'deploy/web'], env: { EDITOR: invalid }, check: w },
    { args: ['edit', 'deploy/web', '--save-config'], env: { EDITOR: fixer }, check: w },
    { args: ['edit', 'deploy/web'], env: { EDITOR: emptied }, check: w },
    { args: ['edit', 'deploy/nope'], env: { EDITOR: nothing } },
    { args: ['apply', 'edit-last-applied', 'deploy/web'], env: { EDITOR: config }, check: w },
    { args: ['apply', 'edit-last-applied', 'deploy/web', '-o', 'json'], env: { EDITOR: nothing } },
    { args: ['edit', 'deploy/web'], env: { EDITOR: join(dir, 'no-such-editor') } },
  ]);
});
