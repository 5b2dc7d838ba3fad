// grpc probes: the standard health check (grpc.health.v1.Health/Check) over plaintext, with the
// kubelet's result texts. The two tiny messages are encoded by hand to need no schema.
import * as grpc from '@grpc/grpc-js';
import { goDuration, joinHostPort, type ProbeResult } from './result.js';
import { PROBE_USER_AGENT } from './http.js';

const SERVING_STATUS = ['UNKNOWN', 'SERVING', 'NOT_SERVING', 'SERVICE_UNKNOWN'];

/** HealthCheckRequest{service}: field 1, length-delimited. */
function encodeRequest(service: string): Buffer {
  if (service === '') return Buffer.alloc(0);
  const s = Buffer.from(service, 'utf8');
  const len: number[] = [];
  for (let n = s.length; ; n >>>= 7) {
    if (n < 0x80) {
      len.push(n);
      break;
    }
    len.push((n & 0x7f) | 0x80);
  }
  return Buffer.concat([Buffer.from([0x0a, ...len]), s]);
}

/** HealthCheckResponse -> its status enum (field 1, varint; absent is UNKNOWN). */
function decodeStatus(b: Buffer): number {
  let i = 0;
  let status = 0;
  const varint = (): number => {
    let v = 0;
    let shift = 0;
    for (;;) {
      const byte = b[i++] ?? 0;
      v += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0 || i >= b.length) return v;
      shift += 7;
    }
  };
  while (i < b.length) {
    const tag = varint();
    const wire = tag & 7;
    if (tag >>> 3 === 1 && wire === 0) status = varint();
    else if (wire === 0) varint();
    else if (wire === 2) i += varint();
    else if (wire === 1) i += 8;
    else if (wire === 5) i += 4;
    else break;
  }
  return status;
}

/** codes.Code's String(): `UNAVAILABLE` -> `Unavailable`, `CANCELLED` -> `Canceled`. */
function goCodeName(code: number): string {
  const name = grpc.status[code] ?? String(code);
  if (name === 'CANCELLED') return 'Canceled';
  return name
    .toLowerCase()
    .split('_')
    .map((w) => (w === 'ok' ? 'OK' : w.charAt(0).toUpperCase() + w.slice(1)))
    .join('');
}

/** Runs the health check against host:port for `service` within `timeoutMs`. */
export function grpcProbe(host: string, port: number, service: string, timeoutMs: number): Promise<ProbeResult> {
  const addr = joinHostPort(host, port);
  const deadline = new Date(Date.now() + timeoutMs);
  const client = new grpc.Client(addr, grpc.credentials.createInsecure(), {
    'grpc.primary_user_agent': PROBE_USER_AGENT,
    'grpc.enable_retries': 0,
  });
  return new Promise<ProbeResult>((resolve) => {
    client.waitForReady(deadline, (err) => {
      if (err) {
        resolve({ result: 'failure', output: `timeout: failed to connect service "${addr}" within ${goDuration(timeoutMs)}: context deadline exceeded` });
        return;
      }
      client.makeUnaryRequest(
        '/grpc.health.v1.Health/Check',
        (s: string) => encodeRequest(s),
        (b: Buffer) => decodeStatus(b),
        service,
        new grpc.Metadata(),
        { deadline },
        (callErr, status) => {
          if (callErr) {
            if (callErr.code === grpc.status.UNIMPLEMENTED) {
              resolve({ result: 'failure', output: `this server does not implement the grpc health protocol (grpc.health.v1.Health): ${callErr.details}` });
            } else if (callErr.code === grpc.status.DEADLINE_EXCEEDED) {
              resolve({ result: 'failure', output: `timeout: health rpc did not complete within ${goDuration(timeoutMs)}` });
            } else {
              resolve({ result: 'failure', output: `error: health rpc probe failed: rpc error: code = ${goCodeName(callErr.code)} desc = ${callErr.details}` });
            }
            return;
          }
          if (status !== 1) {
            resolve({ result: 'failure', output: `service unhealthy (responded with "${SERVING_STATUS[status ?? 0] ?? String(status)}")` });
            return;
          }
          resolve({ result: 'success', output: 'service healthy' });
        },
      );
    });
  }).finally(() => client.close());
}
