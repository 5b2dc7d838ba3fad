// Test helper: runs the real kubectl against a tiny API stub on 127.0.0.1 and records the write
// requests it sends, so tests and scripts/capture-kubectl-proto.ts can compare what kubectl 1.32
// sends as protobuf with what kubectl 1.31 sends as JSON for the same command.
// The stub answers /version (minor from the caller), legacy discovery for the few resources the
// commands touch, GET of the one Deployment `autoscale` reads, and 201 to every write.
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** One request kubectl sent with a body. */
export interface CapturedRequest {
  method: string;
  path: string;
  contentType: string;
  body: Buffer;
}

/** One kubectl invocation to capture. */
export interface KubectlCommand {
  /** Fixture name, e.g. "create-namespace". */
  name: string;
  /** Name of the object the command writes (the stub echoes it back). */
  object: string;
  /** kubectl arguments after the global flags; `{{binfile}}` becomes a file of bytes 0x00…0xff. */
  args: string[];
}

/** Where the kubectl binaries live on these machines (the gcloud SDK ships one per minor). */
export const KUBECTL_DIR = '/usr/lib/google-cloud-sdk/bin';

/**
 * The kubectl binary for a minor version: the SDK's kubectl.1.<minor>, else /usr/bin/kubectl
 * (the SDK dispatcher, which picks the binary from the stub's /version minor), else undefined.
 */
export function findKubectl(minor: string): string | undefined {
  return [join(KUBECTL_DIR, `kubectl.1.${minor}`), '/usr/bin/kubectl'].find((p) => existsSync(p));
}

/** The commands whose bodies the golden tests check. */
export const GOLDEN_COMMANDS: readonly KubectlCommand[] = [
  { name: 'create-namespace', object: 'foo', args: ['create', 'namespace', 'foo'] },
  { name: 'create-configmap', object: 'x', args: ['create', 'configmap', 'x', '--from-literal=a=b', '--from-literal=empty='] },
  { name: 'create-secret', object: 's', args: ['create', 'secret', 'generic', 's', '--from-literal=k=v'] },
  { name: 'create-secret-binary', object: 'bin', args: ['create', 'secret', 'generic', 'bin', '--from-file=blob={{binfile}}'] },
  { name: 'create-deployment', object: 'd', args: ['create', 'deployment', 'd', '--image=nginx', '--replicas=2', '--port=80'] },
  { name: 'create-deployment-zero', object: 'z', args: ['create', 'deployment', 'z', '--image=nginx', '--replicas=0'] },
  { name: 'create-service', object: 'svc', args: ['create', 'service', 'clusterip', 'svc', '--tcp=80:8080', '--tcp=443:https'] },
  { name: 'create-job', object: 'j', args: ['create', 'job', 'j', '--image=busybox', '--', 'echo', 'hi'] },
  { name: 'create-cronjob', object: 'cj', args: ['create', 'cronjob', 'cj', '--image=busybox', '--schedule=*/5 * * * *', '--', 'date'] },
  { name: 'create-quota', object: 'q', args: ['create', 'quota', 'q', '--hard=cpu=1500m,memory=1Gi,pods=2'] },
  { name: 'create-pdb', object: 'p', args: ['create', 'pdb', 'p', '--selector=app=d', '--min-available=50%'] },
  { name: 'create-role', object: 'r', args: ['create', 'role', 'r', '--verb=get,list', '--resource=pods,deployments.apps'] },
  { name: 'create-priorityclass', object: 'high', args: ['create', 'priorityclass', 'high', '--value=1000', '--description=important'] },
  { name: 'autoscale', object: 'd', args: ['autoscale', 'deployment', 'd', '--min=2', '--max=5', '--cpu-percent=80'] },
];

interface Resource {
  name: string;
  kind: string;
  namespaced: boolean;
  /** For a subresource whose kind lives in another group (deployments/scale → autoscaling/v1 Scale). */
  group?: string;
  version?: string;
}

const GROUPS: Record<string, Resource[]> = {
  v1: [
    { name: 'namespaces', kind: 'Namespace', namespaced: false },
    { name: 'configmaps', kind: 'ConfigMap', namespaced: true },
    { name: 'secrets', kind: 'Secret', namespaced: true },
    { name: 'services', kind: 'Service', namespaced: true },
    { name: 'pods', kind: 'Pod', namespaced: true },
    { name: 'resourcequotas', kind: 'ResourceQuota', namespaced: true },
  ],
  'apps/v1': [
    { name: 'deployments', kind: 'Deployment', namespaced: true },
    // `autoscale` looks for the scale subresource before it writes the HPA.
    { name: 'deployments/scale', kind: 'Scale', namespaced: true, group: 'autoscaling', version: 'v1' },
  ],
  'batch/v1': [
    { name: 'jobs', kind: 'Job', namespaced: true },
    { name: 'cronjobs', kind: 'CronJob', namespaced: true },
  ],
  'autoscaling/v1': [{ name: 'horizontalpodautoscalers', kind: 'HorizontalPodAutoscaler', namespaced: true }],
  'policy/v1': [{ name: 'poddisruptionbudgets', kind: 'PodDisruptionBudget', namespaced: true }],
  'rbac.authorization.k8s.io/v1': [{ name: 'roles', kind: 'Role', namespaced: true }],
  'scheduling.k8s.io/v1': [{ name: 'priorityclasses', kind: 'PriorityClass', namespaced: false }],
};

const VERBS = ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'];

function discovery(path: string, minor: string): unknown {
  if (path === '/version') return { major: '1', minor, gitVersion: `v1.${minor}.0`, platform: 'linux/amd64' };
  if (path === '/api') return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [] };
  if (path === '/apis') {
    const groups = Object.keys(GROUPS).filter((gv) => gv.includes('/'));
    return {
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: groups.map((gv) => {
        const version = { groupVersion: gv, version: gv.split('/')[1] };
        return { name: gv.split('/')[0], versions: [version], preferredVersion: version };
      }),
    };
  }
  const gv = path === '/api/v1' ? 'v1' : path.startsWith('/apis/') ? path.slice('/apis/'.length) : undefined;
  const resources = gv === undefined ? undefined : GROUPS[gv];
  if (gv === undefined || resources === undefined) return undefined;
  return {
    kind: 'APIResourceList',
    apiVersion: 'v1',
    groupVersion: gv,
    resources: resources.map((r) => ({
      name: r.name,
      singularName: r.name.includes('/') ? '' : r.kind.toLowerCase(),
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: VERBS,
      ...(r.group === undefined ? {} : { group: r.group, version: r.version }),
    })),
  };
}

/** The object a write returns: enough for kubectl to print "<resource>/<name> created". */
function writeReply(path: string, name: string): unknown {
  const m = /^\/(?:api|apis\/[^/]+)\/([^/]+)\/(?:namespaces\/[^/]+\/)?([^/?]+)/.exec(path);
  const gv = path.startsWith('/api/') ? 'v1' : `${path.split('/')[2]}/${m?.[1] ?? ''}`;
  const kind = GROUPS[gv]?.find((r) => r.name === m?.[2])?.kind ?? 'Status';
  return { kind, apiVersion: gv, metadata: { name, namespace: 'default' } };
}

const DEPLOYMENT_D = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  metadata: { name: 'd', namespace: 'default', uid: '00000000-0000-0000-0000-000000000001', resourceVersion: '1' },
  spec: {
    replicas: 2,
    selector: { matchLabels: { app: 'd' } },
    template: { metadata: { labels: { app: 'd' } }, spec: { containers: [{ name: 'nginx', image: 'nginx' }] } },
  },
};

function send(res: ServerResponse, code: number, body: unknown): void {
  res.writeHead(code, { 'content-type': 'application/json' });
  res.end(JSON.stringify(body));
}

function run(file: string, args: string[], env: NodeJS.ProcessEnv): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(file, args, { env, timeout: 30_000 }, (err, stdout, stderr) => {
      const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
      resolve({ code, output: `${stdout}${stderr}` });
    });
  });
}

/**
 * Runs `kubectl` (a binary path) once per command against a fresh stub and returns, per command
 * name, the write requests it sent. Throws when kubectl fails, with its output.
 */
export async function captureKubectl(kubectl: string, commands: readonly KubectlCommand[], minor = '32'): Promise<Map<string, CapturedRequest[]>> {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-kubectl-stub-'));
  let writes: CapturedRequest[] = [];
  let currentName = '';
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const path = new URL(req.url ?? '/', 'http://stub').pathname;
      if (req.method === 'GET') {
        if (path === '/apis/apps/v1/namespaces/default/deployments/d') return send(res, 200, DEPLOYMENT_D);
        const doc = discovery(path, minor);
        return doc === undefined ? send(res, 404, { kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404 }) : send(res, 200, doc);
      }
      writes.push({ method: req.method ?? '', path: req.url ?? '', contentType: req.headers['content-type'] ?? '', body: Buffer.concat(chunks) });
      send(res, 201, writeReply(path, currentName));
    });
  });
  try {
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    const kubeconfig = join(dir, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      `apiVersion: v1\nkind: Config\nclusters:\n- name: stub\n  cluster:\n    server: http://127.0.0.1:${port}\n` +
        `contexts:\n- name: stub\n  context: {cluster: stub, user: stub, namespace: default}\ncurrent-context: stub\nusers:\n- name: stub\n  user: {}\n`,
    );
    const binfile = join(dir, 'blob.bin');
    writeFileSync(binfile, Buffer.from(Array.from({ length: 256 }, (_, i) => i)));
    const env = { PATH: process.env['PATH'] ?? '/usr/bin:/bin', HOME: dir, KUBECACHEDIR: join(dir, 'cache') };
    const out = new Map<string, CapturedRequest[]>();
    for (const command of commands) {
      writes = [];
      currentName = command.object;
      const args = ['--kubeconfig', kubeconfig, ...command.args.map((a) => a.replace('{{binfile}}', binfile))];
      const result = await run(kubectl, args, env);
      if (result.code !== 0) throw new Error(`${kubectl} ${command.args.join(' ')} exited ${result.code}: ${result.output}`);
      out.set(command.name, writes);
    }
    return out;
  } finally {
    await new Promise<void>((resolve) => server.close(() => resolve()));
    rmSync(dir, { recursive: true, force: true });
  }
}
