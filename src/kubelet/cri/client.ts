/**
 * CRI v1 client (RuntimeService + ImageService) over a unix socket, on @grpc/grpc-js with the schema
 * from the vendored api.proto (see proto.ts). One async method per unary RPC; messages keep the
 * proto's snake_case field names (types.ts). Failures become {@link CriError}s.
 */
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { CRI_PACKAGE, criRoot } from './proto.js';
import type * as T from './types.js';
import { protoLoaderOptions } from '../../util/grpc.js';

/** Deadline for an RPC when the caller gives none. */
export const DEFAULT_CRI_TIMEOUT_MS = 2 * 60_000;
/** Deadline for PullImage when the caller gives none: a pull of a big image can take minutes. */
export const DEFAULT_PULL_TIMEOUT_MS = 15 * 60_000;

/** Per-call options. */
export interface CriCallOptions {
  /** Deadline for this call (default {@link DEFAULT_CRI_TIMEOUT_MS}, PullImage {@link DEFAULT_PULL_TIMEOUT_MS}). */
  timeoutMs?: number;
  /** Cancels the call; it then fails with code CANCELLED. */
  signal?: AbortSignal;
}

/**
 * A failed CRI call. `message` is the runtime's own text (e.g. containerd's "failed to pull and unpack
 * image ...: not found"), so it can be shown as is ("ErrImagePull: <message>"); `code` is the gRPC status.
 */
export class CriError extends Error {
  override readonly name = 'CriError';
  constructor(
    /** gRPC status code (grpc.status). */
    readonly code: grpc.status,
    message: string,
    /** The RPC that failed, e.g. "PullImage". */
    readonly rpc: string,
  ) {
    super(message);
  }
}

/** True when `e` says the sandbox, container or image does not exist. */
export function isNotFound(e: unknown): boolean {
  return e instanceof CriError && e.code === grpc.status.NOT_FOUND;
}

/** True when the runtime does not implement the RPC (newer CRI calls against containerd 1.6). */
export function isUnimplemented(e: unknown): boolean {
  return e instanceof CriError && e.code === grpc.status.UNIMPLEMENTED;
}

type Callback = (err: grpc.ServiceError | null, res?: unknown) => void;
type UnaryFn = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions, cb: Callback) => grpc.ClientUnaryCall;
type StreamFn = (req: unknown, meta: grpc.Metadata, opts: grpc.CallOptions) => grpc.ClientReadableStream<unknown>;
type ServiceCtor = new (target: string, creds: grpc.ChannelCredentials, opts?: grpc.ChannelOptions) => grpc.Client;

let ctors: { runtime: ServiceCtor; image: ServiceCtor } | undefined;

function services(): { runtime: ServiceCtor; image: ServiceCtor } {
  if (ctors) return ctors;
  const def = protoLoader.fromJSON(criRoot().toJSON(), protoLoaderOptions);
  const pkg = grpc.loadPackageDefinition(def);
  const ns = CRI_PACKAGE.split('.').reduce<unknown>((o, k) => (o as Record<string, unknown>)[k], pkg) as Record<string, ServiceCtor>;
  const runtime = ns['RuntimeService'];
  const image = ns['ImageService'];
  if (!runtime || !image) throw new Error(`CRI schema has no RuntimeService/ImageService in ${CRI_PACKAGE}`);
  ctors = { runtime, image };
  return ctors;
}

const channelOptions: grpc.ChannelOptions = {
  // Lists of containers, images and stats grow with the node; the kubelet allows 16 MiB too.
  'grpc.max_receive_message_length': 16 * 1024 * 1024,
  'grpc.max_send_message_length': 16 * 1024 * 1024,
  // Reconnect quickly after containerd restarts (grpc-js would otherwise back off up to 2 minutes).
  'grpc.initial_reconnect_backoff_ms': 100,
  'grpc.max_reconnect_backoff_ms': 2_000,
};

/** A CRI connection to one runtime socket. */
export class CriClient {
  private constructor(
    /** The unix socket this client talks to. */
    readonly socketPath: string,
    private readonly runtime: grpc.Client,
    private readonly image: grpc.Client,
  ) {}

  /**
   * Connects to the runtime at `socketPath` and resolves once it answers Version, retrying while the
   * socket is absent or refuses, for up to `timeoutMs` (default 30 s); rejects with the last error.
   */
  static async connect(socketPath: string, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<CriClient> {
    const s = services();
    const target = `unix://${socketPath}`;
    const creds = grpc.credentials.createInsecure();
    // Same target and options: grpc-js shares one connection between the two service clients.
    const client = new CriClient(socketPath, new s.runtime(target, creds, channelOptions), new s.image(target, creds, channelOptions));
    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      try {
        // waitForReady: the call waits for the channel to connect (retrying with backoff) instead of
        // failing at once while containerd is still creating its socket.
        await client.call('runtime', 'Version', {}, { timeoutMs: Math.max(1, deadline - Date.now()), signal: opts.signal }, true);
        return client;
      } catch (e) {
        // containerd answers "server is not initialized yet" while its CRI plugin recovers state after
        // a restart: wait for it. UNIMPLEMENTED means no CRI at all, CANCELLED that the caller gave up.
        const code = e instanceof CriError ? e.code : grpc.status.UNKNOWN;
        if (code === grpc.status.UNIMPLEMENTED || code === grpc.status.CANCELLED || Date.now() >= deadline - 50) {
          client.close();
          throw e;
        }
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }

  /** Closes the connection; calls in flight fail with CANCELLED. */
  close(): void {
    this.runtime.close();
    this.image.close();
  }

  private call<Res>(svc: 'runtime' | 'image', rpc: string, req: object, opts: CriCallOptions = {}, waitForReady = false): Promise<Res> {
    const client = svc === 'runtime' ? this.runtime : this.image;
    const fn = (client as unknown as Record<string, UnaryFn | undefined>)[rpc];
    if (!fn) return Promise.reject(new CriError(grpc.status.UNIMPLEMENTED, `CRI client has no method ${rpc}`, rpc));
    const timeoutMs = opts.timeoutMs ?? (rpc === 'PullImage' ? DEFAULT_PULL_TIMEOUT_MS : DEFAULT_CRI_TIMEOUT_MS);
    return new Promise<Res>((resolve, reject) => {
      if (opts.signal?.aborted) {
        reject(new CriError(grpc.status.CANCELLED, `${rpc} cancelled before it started`, rpc));
        return;
      }
      const onAbort = () => call.cancel();
      const call = fn.call(client, req, new grpc.Metadata(), { deadline: Date.now() + timeoutMs, waitForReady }, (err, res) => {
        opts.signal?.removeEventListener('abort', onAbort);
        if (err) reject(new CriError(err.code, err.details || err.message, rpc));
        else resolve(res as Res);
      });
      opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  // RuntimeService
  version(req: T.VersionRequest, o?: CriCallOptions): Promise<T.VersionResponse> { return this.call('runtime', 'Version', req, o); }
  runPodSandbox(req: T.RunPodSandboxRequest, o?: CriCallOptions): Promise<T.RunPodSandboxResponse> { return this.call('runtime', 'RunPodSandbox', req, o); }
  stopPodSandbox(req: T.StopPodSandboxRequest, o?: CriCallOptions): Promise<T.StopPodSandboxResponse> { return this.call('runtime', 'StopPodSandbox', req, o); }
  removePodSandbox(req: T.RemovePodSandboxRequest, o?: CriCallOptions): Promise<T.RemovePodSandboxResponse> { return this.call('runtime', 'RemovePodSandbox', req, o); }
  podSandboxStatus(req: T.PodSandboxStatusRequest, o?: CriCallOptions): Promise<T.PodSandboxStatusResponse> { return this.call('runtime', 'PodSandboxStatus', req, o); }
  listPodSandbox(req: T.ListPodSandboxRequest, o?: CriCallOptions): Promise<T.ListPodSandboxResponse> { return this.call('runtime', 'ListPodSandbox', req, o); }
  createContainer(req: T.CreateContainerRequest, o?: CriCallOptions): Promise<T.CreateContainerResponse> { return this.call('runtime', 'CreateContainer', req, o); }
  startContainer(req: T.StartContainerRequest, o?: CriCallOptions): Promise<T.StartContainerResponse> { return this.call('runtime', 'StartContainer', req, o); }
  stopContainer(req: T.StopContainerRequest, o?: CriCallOptions): Promise<T.StopContainerResponse> { return this.call('runtime', 'StopContainer', req, o); }
  removeContainer(req: T.RemoveContainerRequest, o?: CriCallOptions): Promise<T.RemoveContainerResponse> { return this.call('runtime', 'RemoveContainer', req, o); }
  listContainers(req: T.ListContainersRequest, o?: CriCallOptions): Promise<T.ListContainersResponse> { return this.call('runtime', 'ListContainers', req, o); }
  containerStatus(req: T.ContainerStatusRequest, o?: CriCallOptions): Promise<T.ContainerStatusResponse> { return this.call('runtime', 'ContainerStatus', req, o); }
  updateContainerResources(req: T.UpdateContainerResourcesRequest, o?: CriCallOptions): Promise<T.UpdateContainerResourcesResponse> { return this.call('runtime', 'UpdateContainerResources', req, o); }
  reopenContainerLog(req: T.ReopenContainerLogRequest, o?: CriCallOptions): Promise<T.ReopenContainerLogResponse> { return this.call('runtime', 'ReopenContainerLog', req, o); }
  /** Runs a command in a container and returns its output; give the command a `timeout` (seconds) in the request too. */
  execSync(req: T.ExecSyncRequest, o?: CriCallOptions): Promise<T.ExecSyncResponse> { return this.call('runtime', 'ExecSync', req, o); }
  /** Returns a one-time URL on the runtime's streaming server for an interactive exec. */
  exec(req: T.ExecRequest, o?: CriCallOptions): Promise<T.ExecResponse> { return this.call('runtime', 'Exec', req, o); }
  attach(req: T.AttachRequest, o?: CriCallOptions): Promise<T.AttachResponse> { return this.call('runtime', 'Attach', req, o); }
  portForward(req: T.PortForwardRequest, o?: CriCallOptions): Promise<T.PortForwardResponse> { return this.call('runtime', 'PortForward', req, o); }
  containerStats(req: T.ContainerStatsRequest, o?: CriCallOptions): Promise<T.ContainerStatsResponse> { return this.call('runtime', 'ContainerStats', req, o); }
  listContainerStats(req: T.ListContainerStatsRequest, o?: CriCallOptions): Promise<T.ListContainerStatsResponse> { return this.call('runtime', 'ListContainerStats', req, o); }
  podSandboxStats(req: T.PodSandboxStatsRequest, o?: CriCallOptions): Promise<T.PodSandboxStatsResponse> { return this.call('runtime', 'PodSandboxStats', req, o); }
  listPodSandboxStats(req: T.ListPodSandboxStatsRequest, o?: CriCallOptions): Promise<T.ListPodSandboxStatsResponse> { return this.call('runtime', 'ListPodSandboxStats', req, o); }
  updateRuntimeConfig(req: T.UpdateRuntimeConfigRequest, o?: CriCallOptions): Promise<T.UpdateRuntimeConfigResponse> { return this.call('runtime', 'UpdateRuntimeConfig', req, o); }
  status(req: T.StatusRequest, o?: CriCallOptions): Promise<T.StatusResponse> { return this.call('runtime', 'Status', req, o); }
  checkpointContainer(req: T.CheckpointContainerRequest, o?: CriCallOptions): Promise<T.CheckpointContainerResponse> { return this.call('runtime', 'CheckpointContainer', req, o); }
  listMetricDescriptors(req: T.ListMetricDescriptorsRequest, o?: CriCallOptions): Promise<T.ListMetricDescriptorsResponse> { return this.call('runtime', 'ListMetricDescriptors', req, o); }
  listPodSandboxMetrics(req: T.ListPodSandboxMetricsRequest, o?: CriCallOptions): Promise<T.ListPodSandboxMetricsResponse> { return this.call('runtime', 'ListPodSandboxMetrics', req, o); }
  runtimeConfig(req: T.RuntimeConfigRequest, o?: CriCallOptions): Promise<T.RuntimeConfigResponse> { return this.call('runtime', 'RuntimeConfig', req, o); }

  /**
   * GetContainerEvents (server streaming). Ends when `signal` aborts or the runtime closes the
   * stream; a runtime without it (containerd 1.6) fails the iteration with an UNIMPLEMENTED CriError.
   */
  async *getContainerEvents(req: T.GetEventsRequest, signal?: AbortSignal): AsyncGenerator<T.ContainerEventResponse> {
    const fn = (this.runtime as unknown as Record<string, StreamFn>)['GetContainerEvents'];
    if (!fn) throw new CriError(grpc.status.UNIMPLEMENTED, 'CRI client has no method GetContainerEvents', 'GetContainerEvents');
    const stream = fn.call(this.runtime, req, new grpc.Metadata(), {});
    const onAbort = () => stream.cancel();
    signal?.addEventListener('abort', onAbort, { once: true });
    try {
      for await (const ev of stream) yield ev as T.ContainerEventResponse;
    } catch (e) {
      const err = e as grpc.ServiceError;
      if (err.code === grpc.status.CANCELLED && signal?.aborted) return;
      throw new CriError(err.code ?? grpc.status.UNKNOWN, err.details || err.message, 'GetContainerEvents');
    } finally {
      signal?.removeEventListener('abort', onAbort);
      stream.cancel();
    }
  }

  // ImageService
  listImages(req: T.ListImagesRequest, o?: CriCallOptions): Promise<T.ListImagesResponse> { return this.call('image', 'ListImages', req, o); }
  imageStatus(req: T.ImageStatusRequest, o?: CriCallOptions): Promise<T.ImageStatusResponse> { return this.call('image', 'ImageStatus', req, o); }
  /** Pulls an image (default deadline {@link DEFAULT_PULL_TIMEOUT_MS}); the error message is the registry's. */
  pullImage(req: T.PullImageRequest, o?: CriCallOptions): Promise<T.PullImageResponse> { return this.call('image', 'PullImage', req, o); }
  removeImage(req: T.RemoveImageRequest, o?: CriCallOptions): Promise<T.RemoveImageResponse> { return this.call('image', 'RemoveImage', req, o); }
  imageFsInfo(req: T.ImageFsInfoRequest, o?: CriCallOptions): Promise<T.ImageFsInfoResponse> { return this.call('image', 'ImageFsInfo', req, o); }
}
