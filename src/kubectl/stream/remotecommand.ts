/**
 * The client side of exec and attach over WebSocket, as kubectl 1.32 speaks it: subprotocol
 * `v5.channel.k8s.io` (v4 accepted when the server picks it), binary frames `<channel><payload>`
 * on channels 0 stdin, 1 stdout, 2 stderr, 3 status, 4 resize; v5's `[255, 0]` tells the server
 * stdin has ended; a ping every 5 s. The status on channel 3 decides the outcome: Success, a
 * NonZeroExitCode Failure (kubectl's `command terminated with exit code N`, exit status N), or
 * another Failure's message.
 */
import type { Readable, Writable } from 'node:stream';
import type { ClientConfig } from '../../client/config.js';
import type { Query } from '../../client/types.js';
import { ChannelConn, WS_PROTOCOLS } from '../../util/wsstream.js';
import { CliError } from '../errors.js';
import { dialWebSocket } from './dial.js';

export const STDIN = 0;
export const STDOUT = 1;
export const STDERR = 2;
export const STATUS = 3;
export const RESIZE = 4;

/** client-go's heartbeat: a ping every 5 s, and the connection is dead after 12 unanswered periods. */
const PING_PERIOD_MS = 5000;
const READ_DEADLINE_MS = PING_PERIOD_MS * 12 + 1000;

/** A terminal size as the resize channel carries it. */
export interface TerminalSize {
  width: number;
  height: number;
}

/** One exec or attach session. */
export interface RemoteCommandOptions {
  /** `/api/v1/namespaces/NS/pods/P/exec` or `…/attach`. */
  path: string;
  /** `command`, `container`, `stdin`, `stdout`, `stderr`, `tty`. */
  query: Query;
  /** Sent on channel 0 when given; its end is signalled with v5's close message. */
  stdin?: Readable;
  stdout?: Writable;
  stderr?: Writable;
  /** Sizes to send on the resize channel: the first at once, later ones as they come (TTY only). */
  resizes?: AsyncIterable<TerminalSize>;
  userAgent?: string;
  /** Ends the session at once (the connection is dropped; the command's outcome is not awaited). */
  signal?: AbortSignal;
}

/** The exec query kubectl sends, keys in its (sorted) order; false flags are left out. */
export function execQuery(o: { command?: readonly string[]; container: string; stdin: boolean; stdout: boolean; stderr: boolean; tty: boolean }): Query {
  const q: Query = {};
  if (o.command?.length) q['command'] = o.command;
  q['container'] = o.container;
  if (o.stderr) q['stderr'] = 'true';
  if (o.stdin) q['stdin'] = 'true';
  if (o.stdout) q['stdout'] = 'true';
  if (o.tty) q['tty'] = 'true';
  return q;
}

interface StatusBody {
  status?: string;
  message?: string;
  reason?: string;
  details?: { causes?: { reason?: string; message?: string }[] };
}

/**
 * The outcome of the status channel's message (client-go's v4 error decoder): undefined for
 * success, else the error to throw.
 */
export function decodeStatus(text: string): Error | undefined {
  if (text === '') return undefined;
  let status: StatusBody;
  try {
    status = JSON.parse(text) as StatusBody;
  } catch (e) {
    return new CliError(`error stream protocol error: ${e instanceof Error ? e.message : String(e)} in ${JSON.stringify(text)}`);
  }
  if (status.status === 'Success') return undefined;
  if (status.status !== 'Failure') return new CliError('error stream protocol error: unknown error');
  if (status.reason === 'NonZeroExitCode') {
    if (!status.details) return new CliError('error stream protocol error: details must be set');
    const cause = (status.details.causes ?? []).find((c) => c.reason === 'ExitCode');
    if (!cause) return new CliError('error stream protocol error: no ExitCode cause given');
    const code = cause.message ?? '';
    if (!/^\d+$/.test(code) || Number(code) > 255) return new CliError(`error stream protocol error: invalid exit code value ${JSON.stringify(code)}`);
    return new CliError(`command terminated with exit code ${Number(code)}`, { exitCode: Number(code), raw: true });
  }
  return new CliError(status.message ?? '');
}

/** Copies `src` into `dst` without ending `dst` (the process's stdout must stay open). */
function copyInto(src: Readable, dst: Writable | undefined): Promise<void> {
  return new Promise((resolve) => {
    src.on('data', (c: Buffer) => {
      if (!dst) return;
      if (!dst.write(c)) {
        src.pause();
        dst.once('drain', () => src.resume());
      }
    });
    src.once('end', () => resolve());
    src.once('close', () => resolve());
  });
}

function collect(src: Readable): Promise<string> {
  const chunks: Buffer[] = [];
  src.on('data', (c: Buffer) => chunks.push(c));
  return new Promise((resolve) => {
    const done = () => resolve(Buffer.concat(chunks).toString('utf8'));
    src.once('end', done);
    src.once('close', done);
  });
}

/** Sends stdin on channel 0 with backpressure; on its end, v5 half-closes the channel. */
function pumpStdin(conn: ChannelConn, stdin: Readable, v5: boolean): () => void {
  let stopped = false;
  const onData = (c: Buffer | string) => {
    stdin.pause();
    void conn.send(STDIN, typeof c === 'string' ? Buffer.from(c) : c).then(() => {
      if (!stopped) stdin.resume();
    });
  };
  const onEnd = () => {
    if (!stopped && v5) void conn.closeChannel(STDIN);
  };
  stdin.on('data', onData);
  stdin.once('end', onEnd);
  stdin.resume();
  return () => {
    stopped = true;
    stdin.off('data', onData);
    stdin.off('end', onEnd);
    // A terminal's stdin would keep the process alive after the session.
    stdin.pause();
  };
}

async function pumpResizes(conn: ChannelConn, sizes: AsyncIterable<TerminalSize>): Promise<void> {
  for await (const s of sizes) {
    await conn.send(RESIZE, JSON.stringify({ Width: s.width, Height: s.height }));
  }
}

/**
 * Runs one exec/attach session to its end. Resolves when the command succeeded; throws a CliError
 * (`command terminated with exit code N` with exit status N, or the server's message), or the
 * ApiError of a refused upgrade.
 */
export async function streamRemoteCommand(config: ClientConfig, o: RemoteCommandOptions): Promise<void> {
  const conn = await dialWebSocket(config, { path: o.path, query: o.query, protocols: [WS_PROTOCOLS.v5, WS_PROTOCOLS.v4], userAgent: o.userAgent }, (ws, protocol) => {
    if (protocol !== WS_PROTOCOLS.v5 && protocol !== WS_PROTOCOLS.v4) {
      throw new CliError(`unable to upgrade connection: the server did not agree to a streaming protocol (offered ${WS_PROTOCOLS.v5}, ${WS_PROTOCOLS.v4}; got ${JSON.stringify(protocol)})`);
    }
    return new ChannelConn(ws, protocol, [STDOUT, STDERR, STATUS]);
  });
  const { ws, protocol } = conn;
  let closeCode = 1000;
  let closeError: Error | undefined;
  ws.once('close', (code: number) => (closeCode = code));
  ws.on('error', (e: Error) => (closeError ??= e));

  let lastHeard = Date.now();
  const heard = () => (lastHeard = Date.now());
  ws.on('pong', heard);
  ws.on('message', heard);
  const pinger = setInterval(() => {
    if (Date.now() - lastHeard > READ_DEADLINE_MS) {
      closeError ??= new Error('i/o timeout');
      ws.terminate();
      return;
    }
    ws.ping();
  }, PING_PERIOD_MS);
  pinger.unref();

  const onAbort = () => {
    closeError ??= new Error('the session was cancelled');
    ws.terminate();
  };
  if (o.signal?.aborted) onAbort();
  else o.signal?.addEventListener('abort', onAbort, { once: true });
  const stopStdin = o.stdin ? pumpStdin(conn, o.stdin, protocol === WS_PROTOCOLS.v5) : undefined;
  const resizing = o.resizes ? pumpResizes(conn, o.resizes).catch(() => undefined) : undefined;
  try {
    const [, , status] = await Promise.all([copyInto(conn.incoming(STDOUT), o.stdout), copyInto(conn.incoming(STDERR), o.stderr), collect(conn.incoming(STATUS)), conn.closed]);
    const outcome = decodeStatus(status);
    if (outcome) throw outcome;
    if (status === '' && (closeError || closeCode !== 1000)) {
      const why = closeError?.message ?? `websocket: close ${closeCode}`;
      throw new CliError(`error reading from error stream: ${why}`);
    }
  } finally {
    clearInterval(pinger);
    o.signal?.removeEventListener('abort', onAbort);
    stopStdin?.();
    void resizing;
  }
}
