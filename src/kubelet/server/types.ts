/**
 * The contract between the kubelet's HTTPS API (:10250) and the kubelet core: what the server asks
 * of the core (pods, container lookup, the CRI client) and the small structural view of CRI it uses.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { Pod } from '../../api/generated/core/v1.js';
import type * as cri from '../cri/types.js';
import type { Logger } from '../../util/log.js';
import type { ExecParams } from './streaming/params.js';

/** One container of a pod this kubelet runs, as far as logs and streaming need it. */
export interface ContainerRef {
  pod: Pod;
  container: string;
  containerId?: string;
  sandboxId?: string;
  /** Directory holding this container's CRI log files: `<restartCount>.log`. */
  logDir: string;
  restartCount: number;
  running: boolean;
}

/** An error the core reports with the HTTP status the kubelet answers with. */
export interface ProviderError {
  error: { code: number; reason: string; message: string };
}

/**
 * The CRI calls the server and the log rotator make. Structural, so the real CriClient
 * (src/kubelet/cri/client.ts) and test fakes both fit.
 */
export interface CriClientLike {
  listContainerStats(req: cri.ListContainerStatsRequest): Promise<cri.ListContainerStatsResponse>;
  imageFsInfo(req: cri.ImageFsInfoRequest): Promise<cri.ImageFsInfoResponse>;
  exec(req: cri.ExecRequest): Promise<cri.ExecResponse>;
  attach(req: cri.AttachRequest): Promise<cri.AttachResponse>;
  portForward(req: cri.PortForwardRequest): Promise<cri.PortForwardResponse>;
  reopenContainerLog(req: cri.ReopenContainerLogRequest): Promise<cri.ReopenContainerLogResponse>;
}

/** What the kubelet core gives its API server. */
export interface KubeletApiProvider {
  nodeName: string;
  /** The pods this kubelet runs (static ones included) with their latest status. */
  pods(): Pod[];
  /** Resolves (namespace, pod name, container name or undefined = the only/first container). */
  container(namespace: string, pod: string, container?: string): ContainerRef | ProviderError;
  sandboxId(namespace: string, pod: string): string | undefined;
  cri: CriClientLike;
}

/** What exec and attach ask for (the query of /exec and /attach, as the streaming module parses it). */
export type { ExecParams };

/**
 * The streaming entry points the server calls after resolving a container (src/kubelet/server/
 * streaming.ts). Tests may inject their own to check the resolution without real streams.
 */
export interface StreamingFns {
  parseExecQuery(url: URL): ExecParams;
  serveExec(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    o: { params: ExecParams; runtimeUrl: (p: ExecParams) => Promise<string>; log: Logger },
  ): unknown;
  servePortForward(
    req: IncomingMessage,
    socket: Duplex,
    head: Buffer,
    o: { runtimeUrl: (ports: number[]) => Promise<string>; log: Logger },
  ): unknown;
}
