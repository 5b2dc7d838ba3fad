/**
 * Golden tests of our kubectl against the real kubectl 1.32 for the verbs that read discovery,
 * OpenAPI and kubeconfig files: api-resources (every form), api-versions, explain (paths,
 * --recursive, --api-version, errors), the shape of `version -o json`, and the config verbs run on
 * temporary kubeconfig files (merged through $KUBECONFIG): stdout, stderr, exit code and the files
 * they leave must be equal. Then the bash completion script: sourced in bash with COMP_WORDS set,
 * `get po<TAB>` must offer what the real kubectl offers.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectl, kubectlPath, ourKubectl, KUBECTL_LAUNCH, REPO, startServer, type Cluster, type Run } from './harness.js';

let c: Cluster;

before(async () => {
  c = await startServer();
});

after(async () => {
  await c?.stop();
});

const show = (r: Run) => `code ${r.code}\n--- stdout\n${r.stdout}--- stderr\n${r.stderr}`;


/**
 * The real kubectl (`real`) or ours, run asynchronously with the environment the harness gives
 * them, so that independent cases run side by side (each run is a process start: ~0.3 s).
 */
function runAsync(which: 'real' | 'ours', kubeconfig: string, dir: string, args: string[]): Promise<Run> {
  const [file, argv] = which === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const env = { ...process.env, KUBECONFIG: kubeconfig, HOME: dir, KUBECACHEDIR: join(dir, which === 'real' ? 'kubecache' : 'kubecache-k8ts') };
  return new Promise((resolve) => {
    execFile(file, argv, { env, encoding: 'utf8', timeout: 60_000 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Runs `fn` over `items`, `width` at a time, keeping the results in order. */
async function inBatches<T, R>(items: T[], width: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += width) out.push(...(await Promise.all(items.slice(i, i + width).map(fn))));
  return out;
}

/** Runs both kubectls on the cluster for each case and compares everything they print. */
async function same(cases: string[][]): Promise<void> {
  const results = await inBatches(cases, 6, (args) => Promise.all([runAsync('real', c.kubeconfig, c.dir, args), runAsync('ours', c.kubeconfig, c.dir, args)]));
  results.forEach(([real, ours], i) => assert.equal(show(ours), show(real), `kubectl ${(cases[i] ?? []).join(' ')}`));
}

const API_RESOURCES: string[][] = [
  [],
  ['-o', 'wide'],
  ['-o', 'name'],
  ['--namespaced=false'],
  ['--namespaced=true'],
  ['--api-group=apps'],
  ['--api-group='],
  ['--verbs=list,watch', '--sort-by=kind'],
  ['--sort-by=name', '--no-headers'],
  ['--categories=all', '-o', 'wide'],
  ['--cached'],
  ['-o', 'json'],
  ['--sort-by=age'],
];

test('api-resources prints what kubectl prints, in every form', async () => {
  // One fresh-discovery run first, so the --cached runs find both caches written.
  await same([['api-resources']]);
  await same(API_RESOURCES.map((extra) => ['api-resources', ...extra]));
});

test('api-versions', async () => {
  await same([['api-versions']]);
});

const EXPLAIN: string[][] = [
  ['pods'],
  ['pods.spec.containers'],
  ['pods', '--recursive'],
  ['deploy.spec.strategy', '--recursive'],
  ['svc.spec.type'],
  ['deployments.apps.spec.replicas'],
  ['crd.spec.versions.schema', '--recursive'],
  ['hpa', '--api-version=autoscaling/v1'],
  ['hpa.v2.autoscaling.spec'],
  ['nodes.status.conditions'],
  ['pods.spec.foo'],
  ['foo'],
  ['pods', '--api-version=v2'],
  [],
  ['pods', 'svc'],
];

test('explain prints kubectl 1.32 layout from /openapi/v3, errors included', async () => {
  await same(EXPLAIN.map((args) => ['explain', ...args]));
});

test('version -o json has kubectl structure and the server part verbatim', () => {
  const real = JSON.parse(kubectl(c, ['version', '-o', 'json']).stdout) as Record<string, Record<string, string>>;
  const r = ourKubectl(c, ['version', '-o', 'json']);
  assert.equal(r.code, 0, r.stderr);
  const ours = JSON.parse(r.stdout) as Record<string, Record<string, string>>;
  assert.deepEqual(Object.keys(ours.clientVersion ?? {}), Object.keys(real.clientVersion ?? {}));
  assert.deepEqual(ours.serverVersion, real.serverVersion);
  assert.equal(ours.clientVersion?.major, '1');
  assert.equal(ours.clientVersion?.minor, '32');
  const text = ourKubectl(c, ['version']);
  assert.match(text.stdout, /^Client Version: v1\.32\.\d+\S*\nServer Version: v1\.32\.0-k8ts\n$/);
  assert.equal(text.stderr, '');
});

test('options and the global flags: the list, flag errors, --match-server-version, --warnings-as-errors', async () => {
  // Both with the same environment: `--cache-dir` shows $KUBECACHEDIR, else $HOME/.kube/cache.
  const env = (cacheDir?: string) => {
    const e: NodeJS.ProcessEnv = { ...process.env, KUBECONFIG: c.kubeconfig, HOME: c.dir };
    delete e['KUBECACHEDIR'];
    if (cacheDir !== undefined) e['KUBECACHEDIR'] = cacheDir;
    return e;
  };
  const both = (args: string[], e: NodeJS.ProcessEnv) =>
    [spawnSync(kubectlPath(), args, { env: e, encoding: 'utf8' }), spawnSync(process.execPath, [KUBECTL_LAUNCH, ...args], { env: e, encoding: 'utf8' })].map((r) => ({ code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr }));
  for (const [args, e] of [[['options'], env()], [['options'], env('/some/cache')], [['options', '-h'], env()], [['options', '--bogus'], env()]] as const) {
    const [real, ours] = both([...args], e);
    assert.deepEqual(ours, real, `kubectl ${args.join(' ')}`);
  }
  await same([
    ['get', 'ns', 'default', '--v=abc'],
    ['get', 'ns', 'default', '--vmodule=a=-1'],
    ['get', 'ns', 'default', '--log-flush-frequency=3'],
    ['get', 'ns', 'default', '--profile=bogus'],
    ['get', 'ns', 'default', '-o', 'name', '--disable-compression', '--log-flush-frequency=1s', '--vmodule=x=1', '--profile=none', '--profile-output=p', '-v', '0'],
    ['get', 'ns', 'default', '--token=t', '--username=u'],
    ['get', 'ns', 'default', '--bogus'],
  ]);
  // Our client is not kubectl v1.32.5: only the client's own version.Info may differ.
  const clientPart = (r: Run) => ({ ...r, stderr: r.stderr.replace(/differs from client version \(version\.Info\{.*\}\)/, 'differs from client version (…)') });
  assert.deepEqual(clientPart(ourKubectl(c, ['get', 'ns', '--match-server-version'])), clientPart(kubectl(c, ['get', 'ns', '--match-server-version'])));
  // A server warning (an unknown field, --validate=warn) fails the command that otherwise worked.
  const cm = (name: string) => `{"apiVersion": "v1", "kind": "ConfigMap", "metadata": {"name": "${name}"}, "foo": "bar"}`;
  const create = ['create', '--validate=warn', '--warnings-as-errors', '-f', '-'];
  const real = kubectl(c, create, { input: cm('warn-real') });
  const ours = ourKubectl(c, create, { input: cm('warn-ours') });
  assert.deepEqual({ ...ours, stdout: ours.stdout.replace('warn-ours', 'warn-real') }, real);
  assert.deepEqual(real, { code: 1, stdout: 'configmap/warn-real created\n', stderr: 'Warning: unknown field "foo"\nerror: 1 warning received\n' });
});

// ---- config verbs on temporary files ----

const FILE_A = `apiVersion: v1
kind: Config
current-context: ctx1
preferences: {colors: true}
clusters:
- name: c1
  cluster: {server: "https://127.0.0.1:1", certificate-authority: ca.crt, bogus: x}
- name: c0
  cluster: {server: "https://10.0.0.1", certificate-authority-data: aGVsbG8K, tls-server-name: "yes"}
users:
- name: u1
  user: {token: abc, password: pw, username: "on"}
- name: u2
  user:
    client-certificate-data: aGVsbG8K
    client-key-data: aGVsbG8K
    exec: {command: ./plugin, apiVersion: client.authentication.k8s.io/v1beta1}
contexts:
- name: ctx1
  context: {cluster: c1, user: u1, namespace: ns1}
- name: ctx0
  context: {cluster: c0}
`;

const FILE_B = `apiVersion: v1
kind: Config
current-context: other
clusters:
- name: c1
  cluster: {server: "https://shadowed"}
- name: c2
  cluster: {insecure-skip-tls-verify: true}
contexts:
- name: noserver
  context: {cluster: c2, user: u1}
`;

/** Each case runs on fresh copies of a.yaml, b.yaml (and a missing c.yaml) merged through $KUBECONFIG. */
const CONFIG: string[][] = [
  ['view'],
  ['view', '--raw'],
  ['view', '-o', 'json'],
  ['view', '--minify'],
  ['view', '--minify', '--context', 'ctx0'],
  ['view', '--flatten'],
  ['view', '--merge=false'],
  ['view', 'extra'],
  ['view', '-o', 'jsonpath={.clusters[*].name}'],
  ['view', '-o', 'name'],
  ['get-contexts'],
  ['get-contexts', 'ctx1', 'nope'],
  ['get-contexts', '-o', 'name'],
  ['get-contexts', '--no-headers'],
  ['get-contexts', '-o', 'wide'],
  ['get-users'],
  ['current-context'],
  ['use-context', 'noserver'],
  ['use-context', 'nope'],
  ['set-context', '--current', '--namespace=foo'],
  ['set-context', 'fresh', '--cluster=c9', '--user=u9'],
  ['set-context', 'ctx0', '--namespace=zz', '--user='],
  ['set-context'],
  ['delete-context', 'ctx1'],
  ['delete-context', 'noserver'],
  ['delete-context', 'nope'],
  ['delete-cluster', 'c2'],
  ['delete-user', 'u2'],
  ['rename-context', 'ctx1', 'renamed'],
  ['rename-context', 'ctx0', 'ctx1'],
  ['set-cluster', 'c0', '--server=https://9.9.9.9'],
  ['set-cluster', 'new', '--server=https://9.9.9.9', '--certificate-authority=DIR/ca.crt', '--embed-certs'],
  ['set-cluster', 'new', '--certificate-authority=DIR/ca.crt'],
  ['set-cluster', 'c1', '--insecure-skip-tls-verify'],
  ['set-credentials', 'u1', '--token=newtok'],
  ['set-credentials', 'u3', '--client-certificate=DIR/ca.crt', '--client-key=DIR/ca.crt', '--embed-certs'],
  ['set-credentials', 'u3', '--auth-provider=oidc', '--auth-provider-arg=a=b,c=d'],
  ['set-credentials', 'u2', '--exec-command=/bin/x', '--exec-arg=a,b', '--exec-env=A=1'],
  ['set', 'clusters.c0.server', 'https://1.1.1.1'],
  ['set', 'clusters.my.cluster.server', 'https://1.1.1.1'],
  ['set', 'clusters.c0.insecure-skip-tls-verify', 'maybe'],
  ['set', 'users.u1.client-key-data', 'rawtext', '--set-raw-bytes'],
  ['set', 'contexts.ctx0.namespace', 'nsx'],
  ['set', 'foo', 'bar'],
  ['unset', 'current-context'],
  ['unset', 'contexts.ctx1.namespace'],
  ['unset', 'users.u1'],
  ['unset', 'clusters.zz.server'],
];

async function configRun(which: 'real' | 'ours', args: string[]): Promise<{ out: string; files: Record<string, string> }> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubeconfig-'));
  try {
    writeFileSync(join(dir, 'a.yaml'), FILE_A);
    writeFileSync(join(dir, 'b.yaml'), FILE_B);
    writeFileSync(join(dir, 'ca.crt'), '-----BEGIN CERTIFICATE-----\n');
    const list = ['a.yaml', 'b.yaml', 'c.yaml'].map((f) => join(dir, f)).join(':');
    const r = await runAsync(which, list, dir, ['config', ...args.map((a) => a.replaceAll('DIR', dir))]);
    const files = Object.fromEntries(
      readdirSync(dir)
        .filter((f) => f.endsWith('.yaml'))
        .map((f) => [f, readFileSync(join(dir, f), 'utf8').replaceAll(dir, 'DIR')]),
    );
    return { out: show(r).replaceAll(dir, 'DIR'), files };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

test('config verbs print and write what kubectl prints and writes', async () => {
  const results = await inBatches(CONFIG, 8, (args) => Promise.all([configRun('real', args), configRun('ours', args)]));
  results.forEach(([real, ours], i) => {
    const what = `kubectl config ${(CONFIG[i] ?? []).join(' ')}`;
    assert.equal(ours.out, real.out, what);
    assert.deepEqual(ours.files, real.files, `files after ${what}`);
  });
});

test('config get-clusters lists the same clusters (kubectl leaves their order to Go map iteration)', async () => {
  const lines = (r: { out: string }) => r.out.split('\n').sort().join('\n');
  const [real, ours] = await Promise.all([configRun('real', ['get-clusters']), configRun('ours', ['get-clusters'])]);
  assert.equal(lines(ours), lines(real));
});

// ---- completion ----

test('bash completion completes verbs, subcommands, resource types and names as kubectl does', () => {
  const bin = mkdtempSync(join(tmpdir(), 'k8ts-completion-'));
  try {
    const cli = join(REPO, 'dist', 'src', 'cmd', 'k8ts.js');
    for (const [name, sub] of [['k8ts-kubectl', ' kubectl'], ['k8ts', '']] as const) {
      writeFileSync(join(bin, name), `#!/bin/sh\nexec "${process.execPath}" "${cli}"${sub} "$@"\n`);
      chmodSync(join(bin, name), 0o755);
    }
    mkdirSync(join(bin, 'cache'));
    copyFileSync(c.kubeconfig, join(bin, 'kubeconfig'));
    const script = ourKubectl(c, ['completion', 'bash']);
    assert.equal(script.code, 0, script.stderr);
    writeFileSync(join(bin, 'completion.bash'), script.stdout);
    const env = { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}`, KUBECONFIG: join(bin, 'kubeconfig'), HOME: bin, KUBECACHEDIR: join(bin, 'cache') };
    const completeWith = (words: string[]): string[] => {
      const r = spawnSync('bash', ['-c', `source ${join(bin, 'completion.bash')}; COMP_WORDS=(${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length - 1}; __k8ts_kubectl_complete; printf '%s\\n' "\${COMPREPLY[@]}"`], { env, encoding: 'utf8', timeout: 30_000 });
      assert.equal(r.status, 0, r.stderr);
      return r.stdout.split('\n').filter((l) => l !== '');
    };
    // What the real kubectl's own completion offers for `get po`.
    const real = kubectl(c, ['__complete', 'get', 'po']).stdout.split('\n').filter((l) => l !== '' && !l.startsWith(':'));
    assert.ok(real.includes('pods'), real.join(','));
    assert.deepEqual(completeWith(['k8ts-kubectl', 'get', 'po']), real);
    assert.deepEqual(completeWith(['k8ts', 'kubectl', 'get', 'po']), real);
    assert.deepEqual(completeWith(['k8ts-kubectl', 'get', 'namespaces', 'kube-p']), ['kube-public']);
    assert.deepEqual(completeWith(['k8ts-kubectl', 'get', 'ns/kube-s']), ['ns/kube-system']);
    assert.deepEqual(completeWith(['k8ts-kubectl', 'ap']), ['api-resources', 'api-versions', 'apply']);
    assert.deepEqual(completeWith(['k8ts-kubectl', 'config', 'use-']), ['use-context']);
    assert.deepEqual(completeWith(['k8ts-kubectl', '--namespace', 'kube-n']), ['kube-node-lease']);
    assert.deepEqual(completeWith(['k8ts-kubectl', 'get', '--all-name']), ['--all-namespaces']);
    assert.deepEqual(completeWith(['k8ts', 'kub']), ['kubectl']);
  } finally {
    rmSync(bin, { recursive: true, force: true });
  }
});
