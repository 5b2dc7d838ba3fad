// What one probe attempt yields, and the Go-style text of common network errors in probe output.

/**
 * `success`/`failure` as the kubelet's; `warning` counts as success but is reported (an HTTP probe
 * stopped at a redirect to another host); `unknown` means the probe itself could not run (a named
 * port that does not exist, a runtime error) and the kubelet discards it.
 */
export type ProbeOutcome = 'success' | 'failure' | 'warning' | 'unknown';

/** The outcome and the text the kubelet puts into events (`Liveness probe failed: <output>`). */
export interface ProbeResult {
  result: ProbeOutcome;
  output: string;
}

/** At most this much of a response body or command output is kept (the kubelet's 10 KiB). */
export const MAX_OUTPUT = 10 * 1024;

/** `host:port`, with brackets for IPv6 (net.JoinHostPort). */
export function joinHostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** time.Duration's String for whole and fractional seconds: `1s`, `1.5s`, `500ms`. */
export function goDuration(ms: number): string {
  if (ms < 1000) return `${ms}ms`;
  return `${ms / 1000}s`;
}

/** The text Go's net package gives a failed connect, by errno: `connect: connection refused`. */
export function dialErrorText(err: NodeJS.ErrnoException): string {
  switch (err.code) {
    case 'ECONNREFUSED':
      return 'connect: connection refused';
    case 'EHOSTUNREACH':
      return 'connect: no route to host';
    case 'ENETUNREACH':
      return 'connect: network is unreachable';
    case 'ETIMEDOUT':
      return 'i/o timeout';
    case 'ECONNRESET':
      return 'read: connection reset by peer';
    case 'EADDRNOTAVAIL':
      return 'connect: cannot assign requested address';
    default:
      return err.message;
  }
}
