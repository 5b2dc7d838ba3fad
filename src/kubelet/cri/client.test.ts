// CriClient against an in-process gRPC server speaking the same api.proto on a unix socket:
// connecting before the server listens, value shapes (int64 as number, enums as names, snake_case),
// error mapping, deadlines and cancellation; plus the generated types being up to date.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { packageRoot } from '../../api/spec-path.js';
import { CRI_TYPES_PATH, generateCriTypes } from '../../../scripts/gen-cri-types.js';
import { CriClient, CriError, isNotFound } from './client.js';
import { criRoot } from './proto.js';

type Handler = (call: grpc.ServerUnaryCall<unknown, unknown>, cb: grpc.sendUnaryData<unknown>) => void;

function serviceDefs(): { runtime: grpc.ServiceDefinition; image: grpc.ServiceDefinition } {
  const def = protoLoader.fromJSON(criRoot().toJSON(), { keepCase: true, longs: Number, enums: String, defaults: true });
  const pkg = grpc.loadPackageDefinition(def) as unknown as { runtime: { v1: Record<string, { service: grpc.ServiceDefinition }> } };
  const runtime = pkg.runtime.v1['RuntimeService'];
  const image = pkg.runtime.v1['ImageService'];
  assert.ok(runtime && image);
  return { runtime: runtime.service, image: image.service };
}

async function fakeRuntime(socket: string, runtime: Record<string, Handler>, image: Record<string, Handler>): Promise<grpc.Server> {
  const server = new grpc.Server();
  const defs = serviceDefs();
  server.addService(defs.runtime, runtime);
  server.addService(defs.image, image);
  await new Promise<void>((resolve, reject) => server.bindAsync(`unix://${socket}`, grpc.ServerCredentials.createInsecure(), (e) => (e ? reject(e) : resolve())));
  return server;
}

test('the committed CRI types match the generator output', () => {
  const onDisk = readFileSync(join(packageRoot(), CRI_TYPES_PATH), 'utf8');
  const fresh = generateCriTypes();
  assert.equal(generateCriTypes(), fresh, 'generation is deterministic');
  assert.ok(onDisk === fresh, `${CRI_TYPES_PATH} is stale or edited by hand: run node dist/scripts/gen-cri-types.js`);
  assert.match(fresh, /export interface RunPodSandboxRequest \{\n[^}]*config\?: PodSandboxConfig \| null;/);
  assert.match(fresh, /export type Protocol = 'TCP' \| 'UDP' \| 'SCTP';/);
  assert.match(fresh, /export interface ContainerStatus \{\n[^}]*exit_code: number;/);
  assert.match(fresh, /stdout: Buffer;/);
});

test('CriClient has a method for every RPC in api.proto', () => {
  const root = criRoot();
  for (const svc of ['RuntimeService', 'ImageService']) {
    for (const m of root.lookupService(`runtime.v1.${svc}`).methodsArray) {
      const name = m.name.charAt(0).toLowerCase() + m.name.slice(1);
      assert.equal(typeof (CriClient.prototype as unknown as Record<string, unknown>)[name], 'function', `${svc}.${m.name} -> ${name}`);
    }
  }
});

test('CriClient talks CRI: shapes, errors, deadlines, cancellation', { timeout: 30_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-'));
  const socket = join(dir, 'cri.sock');
  let server: grpc.Server | undefined;
  let client: CriClient | undefined;
  try {
    // Connect first: the client must wait for the socket to appear.
    const connecting = CriClient.connect(socket, { timeoutMs: 10_000 });
    await new Promise((r) => setTimeout(r, 300));
    const seen: unknown[] = [];
    server = await fakeRuntime(
      socket,
      {
        Version: (_c, cb) => cb(null, { version: '0.1.0', runtime_name: 'fake', runtime_version: '1', runtime_api_version: 'v1' }),
        ContainerStatus: (c, cb) => {
          seen.push(c.request);
          const id = (c.request as { container_id: string }).container_id;
          if (id === 'missing') return cb({ code: grpc.status.NOT_FOUND, details: `an error occurred when try to find container "${id}": not found` });
          cb(null, { status: { id, state: 'CONTAINER_EXITED', exit_code: 7, finished_at: 1_700_000_000_123_456_789, labels: { a: 'b' } } });
        },
        ExecSync: () => {
          /* never answers: the deadline must end the call */
        },
      },
      {
        PullImage: (_c, cb) => cb({ code: grpc.status.UNKNOWN, details: 'failed to pull and unpack image "docker.io/library/nope:1": not found' }),
      },
    );
    client = await connecting;
    const v = await client.version({});
    assert.equal(v.runtime_name, 'fake');

    const st = await client.containerStatus({ container_id: 'c1', verbose: false });
    assert.deepEqual(seen[0], { container_id: 'c1', verbose: false });
    assert.equal(st.status?.state, 'CONTAINER_EXITED');
    assert.equal(st.status?.exit_code, 7);
    assert.equal(typeof st.status?.finished_at, 'number');
    assert.deepEqual(st.status?.labels, { a: 'b' });
    assert.equal(st.status?.image, null, 'absent sub-messages are null');
    assert.deepEqual(st.status?.mounts, [], 'absent lists are empty');

    const notFound = await client.containerStatus({ container_id: 'missing' }).catch((e: unknown) => e);
    assert.ok(notFound instanceof CriError);
    assert.ok(isNotFound(notFound));
    assert.equal(notFound.rpc, 'ContainerStatus');
    assert.match(notFound.message, /try to find container "missing"/);

    const pull = await client.pullImage({ image: { image: 'nope:1' } }).catch((e: unknown) => e);
    assert.ok(pull instanceof CriError && !isNotFound(pull));
    assert.equal(pull.message, 'failed to pull and unpack image "docker.io/library/nope:1": not found');

    const slow = await client.execSync({ container_id: 'c1', cmd: ['true'] }, { timeoutMs: 200 }).catch((e: unknown) => e);
    assert.ok(slow instanceof CriError);
    assert.equal(slow.code, grpc.status.DEADLINE_EXCEEDED);

    const ac = new AbortController();
    const cancelled = client.execSync({ container_id: 'c1', cmd: ['true'] }, { signal: ac.signal }).catch((e: unknown) => e);
    setTimeout(() => ac.abort(), 50);
    const c = await cancelled;
    assert.ok(c instanceof CriError);
    assert.equal(c.code, grpc.status.CANCELLED);

    const unimpl = await client.checkpointContainer({ container_id: 'c1' }).catch((e: unknown) => e);
    assert.ok(unimpl instanceof CriError && unimpl.code === grpc.status.UNIMPLEMENTED);
  } finally {
    client?.close();
    server?.forceShutdown();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('CriClient.connect gives up at its deadline when nothing listens', { timeout: 10_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'k8ts-cri-'));
  try {
    // The test's own timeout bounds it; no wall-clock assertion.
    await assert.rejects(CriClient.connect(join(dir, 'absent.sock'), { timeoutMs: 300 }), CriError);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
