// tcpSocket probes: success when a TCP connection opens within the timeout.
import { connect } from 'node:net';
import { dialErrorText, joinHostPort, type ProbeResult } from './result.js';

/** Connects to host:port and closes; failure text as Go's dialer writes it (`dial tcp a:p: ...`). */
export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeResult> {
  const addr = joinHostPort(host, port);
  return new Promise((resolve) => {
    let done = false;
    const finish = (r: ProbeResult) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      resolve(r);
    };
    const sock = connect({ host, port });
    const timer = setTimeout(() => finish({ result: 'failure', output: `dial tcp ${addr}: i/o timeout` }), timeoutMs);
    sock.once('connect', () => finish({ result: 'success', output: '' }));
    sock.on('error', (err: NodeJS.ErrnoException) => finish({ result: 'failure', output: `dial tcp ${addr}: ${dialErrorText(err)}` }));
  });
}
