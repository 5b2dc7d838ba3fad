// One probe attempt of any kind (exec, httpGet, tcpSocket, grpc), dispatched from the Probe spec.
import type { Container, Probe } from '../../api/generated/core/v1.js';
import { grpcProbe } from './grpc.js';
import { httpProbe, probeHeaders, probeURL } from './http.js';
import { joinHostPort, MAX_OUTPUT, type ProbeResult } from './result.js';
import { tcpProbe } from './tcp.js';
import { expand } from '../pod/expansion.js';

export type { ProbeOutcome, ProbeResult } from './result.js';

/** The three probe kinds of a container. */
export type ProbeKind = 'liveness' | 'readiness' | 'startup';

/** Runs a command in a container (CRI ExecSync): exit code and stdout+stderr. Rejects on runtime errors. */
export type ExecFn = (containerId: string, cmd: string[], timeoutSeconds: number) => Promise<{ exitCode: number; output: string }>;

/** Where a probe goes: the pod IP, the container (for exec and named ports) and the exec hook. */
export interface ProbeTarget {
  podIP: string;
  containerId: string;
  exec: ExecFn;
  /** The probed container: its ports resolve named probe ports, its env expands exec commands. */
  container?: Container;
}

/** The API defaults of a probe's timing fields. */
export function probeTiming(p: Probe): { initialDelaySeconds: number; periodSeconds: number; timeoutSeconds: number; successThreshold: number; failureThreshold: number } {
  return {
    initialDelaySeconds: Math.max(0, p.initialDelaySeconds ?? 0),
    periodSeconds: p.periodSeconds && p.periodSeconds > 0 ? p.periodSeconds : 10,
    timeoutSeconds: p.timeoutSeconds && p.timeoutSeconds > 0 ? p.timeoutSeconds : 1,
    successThreshold: p.successThreshold && p.successThreshold > 0 ? p.successThreshold : 1,
    failureThreshold: p.failureThreshold && p.failureThreshold > 0 ? p.failureThreshold : 3,
  };
}

/** extractPort: a number, a container port name, or a number written as a string; 1..65535. */
export function resolvePort(port: number | string, c: Container | undefined): number {
  let n: number;
  if (typeof port === 'number') {
    n = port;
  } else {
    const named = (c?.ports ?? []).find((p) => p.name === port);
    if (named) n = named.containerPort;
    else if (/^[0-9]+$/.test(port)) n = Number(port);
    else throw new Error(`port ${port} not found`);
  }
  if (!(n > 0 && n < 65536)) throw new Error(`invalid port number: ${n}`);
  return n;
}

const isTimeout = (err: unknown): boolean => {
  const e = err as { code?: unknown; name?: string; message?: string };
  return e.code === 4 || e.code === 'DEADLINE_EXCEEDED' || e.name === 'TimeoutError' || /deadline exceeded|timed out/i.test(e.message ?? '');
};

/** exec: exit 0 is success; a timeout is a failure; any other runtime error leaves the result unknown. */
async function execProbe(cmd: string[], target: ProbeTarget, timeoutSeconds: number): Promise<ProbeResult> {
  // ExpandContainerCommandOnlyStatic: only the container's literal env values expand here.
  const vars = new Map((target.container?.env ?? []).map((e) => [e.name, e.value ?? '']));
  const command = cmd.map((s) => expand(s, (k) => vars.get(k)));
  const timedOut = { result: 'failure' as const, output: `command "${command.join(' ')}" timed out` };
  let timer: ReturnType<typeof setTimeout> | undefined;
  // A backstop in case the runtime ignores the timeout: one second of grace past it.
  const backstop = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutSeconds * 1000 + 1000)));
  try {
    const r = await Promise.race([target.exec(target.containerId, command, timeoutSeconds), backstop]);
    if (r === 'timeout') return timedOut;
    const output = r.output.length > MAX_OUTPUT ? r.output.slice(0, MAX_OUTPUT) : r.output;
    return { result: r.exitCode === 0 ? 'success' : 'failure', output };
  } catch (err) {
    if (isTimeout(err)) return timedOut;
    return { result: 'unknown', output: (err as Error).message };
  } finally {
    clearTimeout(timer);
  }
}

/**
 * Runs `probe` once against `target`, honouring timeoutSeconds. Output texts follow the kubelet:
 * `HTTP probe failed with statuscode: 500`, `Get "http://10.0.0.5:80/": dial tcp 10.0.0.5:80:
 * connect: connection refused`, `dial tcp 10.0.0.5:80: i/o timeout`, the command's output for exec.
 */
export async function runProbe(probe: Probe, target: ProbeTarget): Promise<ProbeResult> {
  const timeoutMs = probeTiming(probe).timeoutSeconds * 1000;
  try {
    if (probe.exec) return await execProbe(probe.exec.command ?? [], target, timeoutMs / 1000);
    if (probe.httpGet) {
      const h = probe.httpGet;
      const port = resolvePort(h.port, target.container);
      const url = probeURL(h.scheme ?? 'HTTP', joinHostPort(h.host || target.podIP, port), h.path ?? '');
      return await httpProbe(url, probeHeaders(h.httpHeaders), timeoutMs);
    }
    if (probe.tcpSocket) {
      const port = resolvePort(probe.tcpSocket.port, target.container);
      return await tcpProbe(probe.tcpSocket.host || target.podIP, port, timeoutMs);
    }
    if (probe.grpc) return await grpcProbe(target.podIP, resolvePort(probe.grpc.port, undefined), probe.grpc.service ?? '', timeoutMs);
  } catch (err) {
    return { result: 'unknown', output: (err as Error).message };
  }
  return { result: 'unknown', output: 'missing probe handler' };
}
