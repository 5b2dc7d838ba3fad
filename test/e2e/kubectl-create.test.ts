/**
 * Golden tests of `k8ts kubectl create`, `delete`, `label` and `annotate` against the real kubectl
 * 1.32 on one control-plane cluster (with controllers, so namespaces and dependents go away).
 *
 * - Every generator's `--dry-run=client -o yaml` and `created (dry run)` line equal kubectl's.
 * - Stateful scripts (generators for real, then `create -f` / `label` / `annotate` / `delete`,
 *   error cases included) run once with each kubectl, each in its own namespace (cluster-scoped
 *   names get a suffix); the transcripts — stdout, stderr, exit codes and `@snapshot`s of the
 *   resulting objects read back with the real kubectl — must be equal once namespaces, suffixes,
 *   UIDs, times, tokens and allocated IPs are replaced by placeholders.
 */
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { kubectlPath, KUBECTL_LAUNCH, startServer, type Cluster, type Run } from './harness.js';

let cluster: Cluster;
let dir: string;
let hasTLS = false;


/** One kubectl run without blocking the event loop, so independent cases run side by side. */
function run(which: 'real' | 'ours', args: string[]): Promise<Run> {
  const [bin, argv] = which === 'real' ? [kubectlPath(), args] : [process.execPath, [KUBECTL_LAUNCH, ...args]];
  const env = { ...process.env, KUBECONFIG: cluster.kubeconfig, KUBECACHEDIR: join(cluster.dir, which === 'real' ? 'kubecache' : 'kubecache-k8ts'), HOME: cluster.dir };
  return new Promise((resolve) => {
    execFile(bin, argv, { env, timeout: 60_000, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      const code = err ? (typeof err.code === 'number' ? err.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

/** Splits a case line like a shell would (single and double quotes, no escapes needed here). */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? '');
}

const transcript = (line: string, r: Run) => `$ ${line}\n${r.stdout}${r.stderr}[exit ${r.code}]\n`;

before(async () => {
  cluster = await startServer({ loops: true });
  dir = mkdtempSync(join(tmpdir(), 'k8ts-e2e-create-'));
  mkdirSync(join(dir, 'files'));
  mkdirSync(join(dir, 'tree', 'sub'), { recursive: true });
  writeFileSync(join(dir, 'files', 'one.txt'), 'hello\n');
  writeFileSync(join(dir, 'files', 'two'), 'x\ny');
  writeFileSync(join(dir, 'bin.dat'), Buffer.from([0, 1, 0xff]));
  writeFileSync(join(dir, 'env.txt'), '# comment\na=1\n\nb=two\n');
  hasTLS = spawnSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', join(dir, 'tls.key'), '-out', join(dir, 'tls.crt'), '-days', '1', '-subj', '/CN=x'], { stdio: 'ignore' }).status === 0;
  writeFileSync(
    join(dir, 'two.yaml'),
    'apiVersion: v1\nkind: Pod\nmetadata:\n  name: nginx\n  labels: {app: web}\nspec:\n  containers:\n  - {name: nginx, image: nginx}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: cfg\ndata: {b: "2", a: "<1>"}\n',
  );
  writeFileSync(
    join(dir, 'bad.yaml'),
    'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: c1}\n---\napiVersion: v1\nkind: Foo\nmetadata: {name: f1}\n---\napiVersion: v1\nkind: ConfigMap\nmetadata: {name: c2, namespace: other}\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: p-invalid}\nspec: {containers: []}\n',
  );
  writeFileSync(join(dir, 'tree', 'a.yaml'), 'apiVersion: v1\nkind: Pod\nmetadata: {name: nolabels}\nspec:\n  containers: [{name: c, image: nginx}]\n');
  writeFileSync(join(dir, 'tree', 'sub', 'b.yml'), 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: deep}\ndata: {k: v}\n');
  writeFileSync(join(dir, 'tree', 'ignored.txt'), 'not: [yaml');
});

after(async () => {
  await cluster?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Generator invocations whose objects are deterministic (no random container-name suffix). */
function generatorCases(): string[] {
  return [
    'create namespace foo',
    'create ns foo --save-config',
    'create deployment web --image=nginx',
    'create deployment web --image=nginx --replicas=3 --port=8080 -n other',
    'create deployment web --image=nginx --image=busybox:1.36 --image=registry.k8s.io/pause:3.9',
    'create deployment web --image=busybox --save-config -- sleep 3600',
    'create service clusterip web --tcp=80:8080 --tcp=443:https',
    'create service clusterip web --clusterip=None',
    'create service nodeport web --tcp=80:8080 --node-port=30080',
    'create service loadbalancer web --tcp=80',
    'create service externalname web --external-name=example.com',
    `create configmap cm --from-literal=a=1 --from-literal=b=x=y --from-file=${dir}/files --from-file=bin=${dir}/bin.dat`,
    `create configmap cm --from-env-file=${dir}/env.txt --append-hash`,
    'create cm cm',
    'create configmap cm "--from-literal=x=<&> and \'quotes\'"',
    `create secret generic s --from-literal=a=1 --from-file=${dir}/files --type=Opaque`,
    `create secret generic s --from-env-file=${dir}/env.txt --append-hash`,
    'create secret generic s',
    ...(hasTLS ? [`create secret tls t --cert=${dir}/tls.crt --key=${dir}/tls.key --append-hash`] : []),
    'create secret docker-registry d --docker-username=u --docker-password=p --docker-email=e@x.com',
    'create secret docker-registry d --docker-username=u --docker-password=p --docker-server=reg.io --append-hash',
    'create job j --image=busybox -- echo hi there',
    'create cronjob cj --image=busybox "--schedule=*/5 * * * *" --restart=Never -- date',
    'create serviceaccount sa -n kube-system',
    'create quota q --hard=cpu=1,memory=1G,pods=10,requests.memory=1024Mi --scopes=BestEffort,NotTerminating',
    'create quota q',
    'create role r --verb=get,list --verb=watch --resource=pods,deploy,rs.apps,pods/status --resource-name=a',
    'create role r --verb=* --resource=*',
    'create rolebinding rb --role=r --user=alice --group=devs --serviceaccount=default:sa',
    'create rolebinding rb --clusterrole=view',
    'create clusterrole cr --verb=get --resource=nodes --non-resource-url=/logs/*',
    'create clusterrole cr --aggregation-rule=a=b,c=d',
    'create clusterrolebinding crb --clusterrole=view --user=bob --serviceaccount=kube-system:x',
    'create priorityclass pc --value=1000 --description=high',
    'create priorityclass pc --value=10 --global-default --preemption-policy=Never',
    'create poddisruptionbudget p --selector=app=web --min-available=1',
    'create pdb p "--selector=app=web,tier in (a,b),!gone" --max-unavailable=50%',
    'create ingress i --rule=foo.com/bar=svc:80',
    'create ingress i --rule=foo.com/*=svc:http,tls=sec --class=nginx --annotation=a=b --rule=bar.com/=svc:80,tls=sec',
    'create ingress i --default-backend=svc:80 --rule=/path=svc:80',
  ];
}

test('generators: --dry-run=client output (-o yaml and the created line) equals kubectl', async () => {
  const cases = generatorCases();
  // Every object as YAML; the `created (dry run)` line for a few (the real creates print the rest).
  const lines = [...cases.map((c) => `${c} --dry-run=client -o yaml`), ...cases.filter((_, i) => i % 8 === 0).map((c) => `${c} --dry-run=client`)];
  // -o json keeps Go's struct order for generated objects (and Go's escaping of <, >, &).
  lines.push(...cases.filter((c) => /^create (deployment web --image=busybox|configmap cm "|pdb)/.test(c)).map((c) => `${c} --dry-run=client -o json`));
  const withDash = (line: string) => {
    // Flags must come before `--`.
    const w = words(line);
    const dash = w.indexOf('--');
    if (dash < 0) return w;
    const tail = w.slice(dash);
    const flags = tail.filter((x) => x.startsWith('--dry-run') || x === '-o' || x === 'yaml');
    return [...w.slice(0, dash), ...flags, ...tail.filter((x) => !flags.includes(x))];
  };
  const out: Array<[string, string]> = [];
  for (let i = 0; i < lines.length; i += 8) {
    const batch = lines.slice(i, i + 8);
    const results = await Promise.all(batch.flatMap((l) => [run('real', withDash(l)), run('ours', withDash(l))]));
    batch.forEach((l, j) => out.push([transcript(l, results[2 * j] as Run), transcript(l, results[2 * j + 1] as Run)]));
  }
  for (const [real, ours] of out) assert.equal(ours, real);
});

/** Placeholders for what differs between two runs of one script. */
function normalize(text: string, ns: string, suffix: string): string {
  return text
    .replaceAll(ns, 'NS')
    .replaceAll(`-${suffix}`, '-SFX')
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/g, 'UID')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g, 'TIME')
    .replace(/[EW]\d{4} \d\d:\d\d:\d\d\.\d+ +\d+ /g, 'KLOG ')
    .replace(/eyJ[\w-]+\.[\w-]+\.[\w-]+/g, 'TOKEN')
    // The ServiceAccount plugin names each pod's token volume with a random suffix.
    .replace(/kube-api-access-[a-z0-9]{5}/g, 'kube-api-access-SFX')
    .replace(/"(clusterIP|resourceVersion|nodePort)": ("[^"]*"|\d+)/g, '"$1": X')
    .replace(/"clusterIPs": \[[^\]]*\]/g, '"clusterIPs": X')
    .replace(/("generation"): \d+/g, '$1: X');
}

/** Runs a script with one kubectl; `@snapshot KINDS` reads those objects back with the real kubectl. */
async function script(which: 'real' | 'ours', lines: string[]): Promise<string> {
  const suffix = which;
  const ns = `e2e-${which}`;
  let out = '';
  for (const raw of lines) {
    const line = raw.replaceAll('{ns}', ns).replaceAll('{s}', suffix).replaceAll('{dir}', dir);
    if (line.startsWith('@snapshot ')) {
      const r = await run('real', ['get', line.slice('@snapshot '.length), '-n', ns, '-o', 'json']);
      const list = JSON.parse(r.stdout) as { items: Array<{ metadata: Record<string, unknown>; status?: unknown }> };
      for (const item of list.items) {
        delete item.metadata['managedFields'];
        delete item.status;
      }
      out += `@snapshot\n${JSON.stringify(list.items, null, 1)}\n`;
      continue;
    }
    const r = await run(which, words(line));
    out += transcript(raw, r);
    // Pods get a token volume only once the namespace's default ServiceAccount exists: wait for
    // it, so both transcripts' pods are admitted alike.
    if (raw === 'create namespace {ns}' && r.code === 0) {
      for (let i = 0; i < 300 && (await run('real', ['get', 'serviceaccount', 'default', '-n', ns])).code !== 0; i++) await new Promise((res) => setTimeout(res, 100));
    }
  }
  return normalize(out.replaceAll(dir, 'DIR'), ns, suffix);
}

async function compareScripts(lines: string[]): Promise<void> {
  const [real, ours] = await Promise.all([script('real', lines), script('ours', lines)]);
  // K8TS_E2E_DUMP=dir keeps both transcripts for a diff when they differ.
  const dump = process.env['K8TS_E2E_DUMP'];
  if (dump && ours !== real) {
    writeFileSync(join(dump, `${lines.length}-real.txt`), real);
    writeFileSync(join(dump, `${lines.length}-ours.txt`), ours);
  }
  assert.equal(ours, real);
}

test('generators for real: created lines, server errors and the objects equal kubectl', async () => {
  await compareScripts([
    'create namespace {ns}',
    'create namespace {ns}',
    'create deployment web --image=nginx --replicas=2 --port=80 -n {ns}',
    'create deployment web --image=nginx -n {ns}',
    'create deployment web2 --image=busybox -n {ns} --save-config -- sleep 3600',
    'create deployment',
    'create deployment a b --image=x',
    'create deployment a --image=x --image=y -- sleep 1',
    'create service clusterip web --tcp=80:8080 -n {ns}',
    'create service clusterip web --tcp=80:8080 -n {ns}',
    'create service clusterip web2 -n {ns}',
    'create service clusterip headless --clusterip=None -n {ns}',
    'create service externalname ext --external-name=example.com -n {ns}',
    'create service externalname ext2 --external-name=Bad_Name -n {ns}',
    'create service clusterip web5 --tcp=80:0 -n {ns}',
    'create configmap cm --from-literal=a=1 --from-file={dir}/files -n {ns}',
    'create configmap cm --from-literal=a=1 -n {ns}',
    'create configmap cm2 --from-literal=a=1 --from-literal=a=2 -n {ns}',
    'create configmap cm2 --from-literal=bad/key=1 -n {ns}',
    'create configmap cm2 --from-file=/nope -n {ns}',
    'create configmap cm2 --from-env-file={dir}/env.txt --from-literal=a=1 -n {ns}',
    'create configmap cm-env --from-env-file={dir}/env.txt --append-hash -n {ns}',
    'create secret generic sec --from-literal=a=1 --type=Opaque -n {ns}',
    'create secret generic sec --from-literal=a=1 -n {ns}',
    'create secret docker-registry reg --docker-username=u --docker-password=p -n {ns}',
    'create secret docker-registry reg2 --docker-username=u -n {ns}',
    'create serviceaccount robot -n {ns}',
    'create serviceaccount robot -n {ns}',
    'create token robot -n {ns} --duration=10m --audience=a',
    'create token nope -n {ns}',
    'create token robot -n {ns} --bound-object-kind=Foo',
    'create token robot -n {ns} -o yaml',
    'create token robot -n {ns} --duration=1m',
    'create token robot -n {ns} --bound-object-kind=Secret --bound-object-name=sec',
    'create token robot -n {ns} --bound-object-kind=Secret --bound-object-name=sec --bound-object-uid=00000000-0000-0000-0000-000000000000',
    'create token robot -n {ns} --bound-object-kind=Pod --bound-object-name=nope',
    'create job once --image=busybox -n {ns} -- echo hi',
    'create job once --image=busybox -n {ns}',
    'create job two -n {ns}',
    'create cronjob tick --image=busybox "--schedule=*/5 * * * *" -n {ns}',
    'create job from-cron --from=cronjob/tick -n {ns}',
    'create job from-nope --from=cronjob/nope -n {ns}',
    'create quota q --hard=cpu=1,memory=1Gi,pods=10 -n {ns}',
    'create quota q2 --hard=cpu -n {ns}',
    'create role reader --verb=get,list --resource=pods,deployments.apps -n {ns}',
    'create role reader --verb=get --resource=pods -n {ns}',
    'create role r2 --verb=use --resource=pods -n {ns}',
    'create rolebinding rb --role=reader --user=alice --serviceaccount={ns}:robot -n {ns}',
    'create rolebinding rb2 --role=a --clusterrole=b -n {ns}',
    'create clusterrole cr-{s} --verb=get --resource=nodes --non-resource-url=/healthz',
    'create clusterrole cr-{s} --verb=get --resource=nodes',
    'create clusterrolebinding crb-{s} --clusterrole=view --group=devs',
    'create clusterrolebinding crb2-{s}',
    'create priorityclass pc-{s} --value=100 --description=test',
    'create pdb pdb --selector=app=web --min-available=1 -n {ns}',
    'create pdb pdb2 --selector=app=web -n {ns}',
    'create ingress ing --rule=foo.com/bar=web:80 --class=nginx -n {ns}',
    'create ingress ing2 --rule=bad -n {ns}',
    '@snapshot deployments,services,configmaps,secrets,serviceaccounts,jobs,cronjobs,resourcequotas,roles,rolebindings,poddisruptionbudgets,ingresses',
    'delete clusterrole cr-{s}',
    'delete clusterrolebinding crb-{s}',
    'delete priorityclass pc-{s} -n {ns}',
    'delete namespace {ns}',
  ]);
});

test('create -f, label, annotate and delete: lines, errors and objects equal kubectl', async () => {
  await compareScripts([
    'create namespace {ns}',
    'create -f {dir}/two.yaml -n {ns} --save-config',
    'create -f {dir}/two.yaml -n {ns}',
    'create -f {dir}/two.yaml -n {ns} --save-config --dry-run=client -o yaml',
    'create -f {dir}/two.yaml --dry-run=client -o json',
    'create -f {dir}/bad.yaml -n {ns}',
    'create -f {dir}/tree -R -n {ns}',
    'create -f {dir}/tree -R -n {ns} --dry-run=server -o name',
    'create -f {dir}/nope.yaml',
    'create -f {dir}/two.yaml -l app=nope -n {ns}',
    'create -f {dir}/two.yaml --validate=bogus',
    'create',
    'create foo',
    'label pod nginx tier=fe -n {ns}',
    'label pod nginx tier=be -n {ns}',
    'label pod nginx tier=be --overwrite -n {ns}',
    'label pod nginx tier=be -n {ns}',
    'label pod nginx tier- -n {ns}',
    'label pod nginx missing- -n {ns}',
    'label pod nolabels missing- -n {ns}',
    'label pods --all team=a -n {ns}',
    'label pods nginx nolabels team=b -n {ns}',
    'label pods -l app=web sel=1 --dry-run=server -n {ns}',
    'label pods -l app=web sel=1 --dry-run=client -o name -n {ns}',
    'label pod nolabels --list -n {ns}',
    'label pod nginx a=b=c -n {ns}',
    'label pod nginx "a=b c" -n {ns}',
    'label pod nginx a=1 a- -n {ns}',
    'label pod nginx x=1 extra -n {ns}',
    'label pod nginx bad_key/x=1 -n {ns}',
    'label pod nope nginx k=v -n {ns}',
    'label pod nginx -n {ns}',
    'label pods k=v -n {ns}',
    'label pods nginx nolabels --resource-version=1 k=v -n {ns}',
    'label -f {dir}/tree/a.yaml from=file -n {ns}',
    'label --local -f {dir}/two.yaml x=1 -o yaml',
    'annotate --local -f {dir}/two.yaml x=1 -o yaml',
    'annotate pod nginx note=hello -n {ns}',
    'annotate pod nginx note=bye -n {ns}',
    'annotate pod nginx note=bye --overwrite -n {ns}',
    'annotate pod nginx note- -n {ns}',
    'annotate pods --all owner=me -n {ns}',
    'annotate pod nolabels --list -n {ns}',
    'annotate pod nginx a=1 a- -n {ns}',
    'annotate pod nginx =x -n {ns}',
    'annotate pod nope q=1 -n {ns}',
    'annotate pod nginx q=1 -o name -n {ns}',
    '@snapshot pods,configmaps',
    'delete pod nginx -n {ns}',
    'delete pod nginx -n {ns}',
    'delete pod nginx --ignore-not-found -n {ns}',
    'delete cm cfg nope -n {ns}',
    'delete -f {dir}/tree -R -n {ns} -o name',
    'delete pods --all -n {ns}',
    'delete pods -n {ns}',
    'delete pods x -l a=b -n {ns}',
    'delete pod x --now --grace-period=3 -n {ns}',
    'delete pod x --force --grace-period=3 -n {ns}',
    'delete pod x --cascade=foo -n {ns}',
    'delete pod/x -o yaml -n {ns}',
    'create -f {dir}/two.yaml -n {ns}',
    'delete pod/nginx configmap/cfg --dry-run=server -n {ns}',
    'delete pods,cm -l app=web -n {ns}',
    'delete cm cfg --force --grace-period=0 -n {ns}',
    'delete foo x',
    '@snapshot pods,configmaps',
    'delete namespace {ns} --cascade=foreground',
  ]);
});
