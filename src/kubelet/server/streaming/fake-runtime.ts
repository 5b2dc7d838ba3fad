/**
 * Tests only: a stand-in for containerd's CRI stream server, speaking SPDY server-side the way
 * k8s.io/kubelet/pkg/cri/streaming does (v4.channel.k8s.io for exec/attach, portforward.k8s.io),
 * with a few scripted "commands" instead of a container. It records what the kubelet sent.
 */
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import { connect, type AddressInfo, type Socket } from 'node:net';
import type { Readable } from 'node:stream';
import { SpdySession, type SpdyStream } from '../../../util/spdy/session.js';
import type { ExecParams } from './params.js';

export interface RuntimeCall {
  path: string;
  method: string;
  protocol: string;
  /** Stream headers the kubelet opened, in order. */
  streams: Array<Record<string, string>>;
  /** Resize events the command saw. */
  resizes: string[];
}

export interface FakeRuntime {
  /** A one-shot URL for an exec of `params`, as CRI Exec returns. */
  execUrl(params: ExecParams): string;
  portForwardUrl(): string;
  calls: RuntimeCall[];
  close(): Promise<void>;
}

type Spec = { kind: 'exec'; params: ExecParams } | { kind: 'portforward' };

export async function startFakeRuntime(): Promise<FakeRuntime> {
  const tokens = new Map<string, Spec>();
  const calls: RuntimeCall[] = [];
  const sockets = new Set<Socket>();
  let n = 0;
  const server: Server = createServer((_req, res) => res.writeHead(400).end('Upgrade request required'));
  server.on('upgrade', (req: IncomingMessage, socket: Socket, head: Buffer) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    const token = (req.url ?? '').split('/').pop() ?? '';
    const spec = tokens.get(token);
    tokens.delete(token);
    if (!spec) return void socket.end('HTTP/1.1 404 Not Found\r\nContent-Length: 19\r\nConnection: close\r\n\r\n404 page not found\n');
    const protocol = String(req.headers['x-stream-protocol-version'] ?? '');
    const want = spec.kind === 'exec' ? 'v4.channel.k8s.io' : 'portforward.k8s.io';
    if (!protocol.split(',').map((p) => p.trim()).includes(want)) return void socket.end('HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nConnection: Upgrade\r\nUpgrade: SPDY/3.1\r\nX-Stream-Protocol-Version: ${want}\r\n\r\n`);
    const call: RuntimeCall = { path: req.url ?? '', method: req.method ?? '', protocol, streams: [], resizes: [] };
    calls.push(call);
    const session = new SpdySession(socket, { role: 'server', head });
    if (spec.kind === 'exec') void serveExec(session, spec.params, call);
    else servePortForward(session, call);
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const port = (server.address() as AddressInfo).port;
  const url = (kind: string, spec: Spec) => {
    const token = `tok${++n}`;
    tokens.set(token, spec);
    return `http://127.0.0.1:${port}/${kind}/${token}`;
  };
  return {
    execUrl: (params) => url('exec', { kind: 'exec', params }),
    portForwardUrl: () => url('portforward', { kind: 'portforward' }),
    calls,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const flat = (h: Record<string, string[]>) => Object.fromEntries(Object.entries(h).map(([k, v]) => [k, v.join(',')]));

async function serveExec(session: SpdySession, p: ExecParams, call: RuntimeCall): Promise<void> {
  const expected = ['error', ...(p.stdin ? ['stdin'] : []), ...(p.stdout ? ['stdout'] : []), ...(p.stderr ? ['stderr'] : []), ...(p.tty ? ['resize'] : [])];
  const streams = new Map<string, SpdyStream>();
  await new Promise<void>((resolve) => {
    session.on('stream', (s: SpdyStream) => {
      call.streams.push(flat(s.headers));
      s.reply();
      streams.set(s.header('streamType') ?? '', s);
      if (expected.every((t) => streams.has(t))) resolve();
    });
  });
  const out = streams.get('stdout');
  const err = streams.get('stderr');
  const code = await run(p.command, { stdin: streams.get('stdin'), out: (t) => out?.write(t), err: (t) => err?.write(t), resize: streams.get('resize'), call });
  out?.end();
  err?.end();
  const status =
    code === 0
      ? { metadata: {}, status: 'Success' }
      : { metadata: {}, status: 'Failure', message: `command terminated with non-zero exit code: error executing command [${p.command.join(' ')}], exit code ${code}`, reason: 'NonZeroExitCode', details: { causes: [{ reason: 'ExitCode', message: String(code) }] } };
  const error = streams.get('error');
  error?.write(JSON.stringify(status));
  // As spdystream's connection.Close: reset what we did not finish, GOAWAY, close.
  await new Promise((r) => setTimeout(r, 10));
  error?.reset();
  session.close();
}

interface Io {
  stdin?: Readable;
  out(t: string | Buffer): void;
  err(t: string): void;
  resize?: Readable;
  call: RuntimeCall;
}

/** The scripted commands: cat, emit <out> <err> <code>, size, count-stdin. */
async function run(cmd: string[], io: Io): Promise<number> {
  switch (cmd[0]) {
    case 'cat':
      if (!io.stdin) return 1;
      io.stdin.on('data', (c: Buffer) => io.out(c));
      await once(io.stdin, 'end');
      return 0;
    case 'count-stdin': {
      let total = 0;
      io.stdin?.on('data', (c: Buffer) => (total += c.length));
      if (io.stdin) await once(io.stdin, 'end');
      io.out(`${total}\n`);
      return 0;
    }
    case 'emit':
      io.out(cmd[1] ?? '');
      io.err(cmd[2] ?? '');
      return Number(cmd[3] ?? 0);
    case 'size': {
      if (!io.resize) return 1;
      const [chunk] = (await once(io.resize, 'data')) as [Buffer];
      const size = JSON.parse(chunk.toString()) as { Width: number; Height: number };
      io.call.resizes.push(chunk.toString());
      io.out(`${size.Width}x${size.Height}\n`);
      return 0;
    }
    default:
      io.err(`unknown command ${cmd[0] ?? ''}\n`);
      return 127;
  }
}

/** Pairs error/data streams by requestID and connects the data stream to 127.0.0.1:<port>. */
function servePortForward(session: SpdySession, call: RuntimeCall): void {
  const pairs = new Map<string, { error?: SpdyStream; data?: SpdyStream }>();
  session.on('stream', (s: SpdyStream) => {
    call.streams.push(flat(s.headers));
    s.reply();
    const id = s.header('requestID') ?? '';
    const pair = pairs.get(id) ?? {};
    pairs.set(id, pair);
    if (s.header('streamType') === 'error') pair.error = s;
    else pair.data = s;
    if (!pair.error || !pair.data) return;
    const { error, data } = pair;
    error.resume();
    const port = Number(s.header('port'));
    const sock = connect(port, '127.0.0.1');
    sock.on('error', (e) => {
      error.end(`error forwarding port ${port} to pod: ${e.message}`);
      data.end();
    });
    sock.on('connect', () => {
      data.pipe(sock);
      sock.pipe(data);
      sock.on('close', () => error.end());
    });
  });
}
