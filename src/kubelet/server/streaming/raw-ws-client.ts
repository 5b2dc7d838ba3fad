/** Tests only: a WebSocket client that can offer any subprotocol name. */
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { connect } from 'node:net';
import { Duplex } from 'node:stream';

/**
 * A minimal WebSocket client over a raw socket: the ws package refuses to offer
 * `SPDY/3.1+portforward.k8s.io` (not an RFC 6455 token), which kubectl (gorilla) sends anyway.
 * Binary messages carry the byte stream; frames are masked as a client's must be.
 */
export async function rawWebSocket(port: number, path: string, protocol: string): Promise<{ duplex: Duplex; protocol: string }> {
  const s = connect(port, '127.0.0.1');
  await once(s, 'connect');
  s.write(`GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Protocol: ${protocol}\r\n\r\n`);
  let buf = Buffer.alloc(0);
  let head = '';
  while (!head) {
    const [c] = (await once(s, 'data')) as [Buffer];
    buf = Buffer.concat([buf, c]);
    const end = buf.indexOf('\r\n\r\n');
    if (end >= 0) {
      head = buf.subarray(0, end).toString();
      buf = buf.subarray(end + 4);
    }
  }
  s.removeAllListeners('data');
  assert.match(head, /^HTTP\/1.1 101/);
  const frame = (opcode: number, payload: Buffer) => {
    const mask = randomBytes(4);
    const len = payload.length;
    const hdr = len < 126 ? Buffer.from([0x80 | opcode, 0x80 | len]) : len < 65536 ? Buffer.from([0x80 | opcode, 0x80 | 126, len >> 8, len & 255]) : Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | 127]), Buffer.from([0, 0, 0, 0]), (() => { const b = Buffer.alloc(4); b.writeUInt32BE(len); return b; })()]);
    const body = Buffer.from(payload.map((x, i) => x ^ mask[i % 4]!));
    return Buffer.concat([hdr, mask, body]);
  };
  const duplex = new Duplex({
    read: () => undefined,
    write: (chunk: Buffer, _e, cb) => void s.write(frame(2, chunk), () => cb()),
    final: (cb) => void s.write(frame(8, Buffer.from([0x03, 0xe8])), () => cb()),
    destroy: (_e, cb) => {
      s.destroy();
      cb(null);
    },
  });
  const parse = () => {
    for (;;) {
      if (buf.length < 2) return;
      const op = buf[0]! & 0x0f;
      let len = buf[1]! & 0x7f;
      let off = 2;
      if (len === 126) {
        if (buf.length < 4) return;
        len = buf.readUInt16BE(2);
        off = 4;
      } else if (len === 127) {
        if (buf.length < 10) return;
        len = buf.readUInt32BE(6);
        off = 10;
      }
      if (buf.length < off + len) return;
      const payload = buf.subarray(off, off + len);
      buf = buf.subarray(off + len);
      if (op === 2 || op === 0) duplex.push(payload);
      else if (op === 8) duplex.push(null);
      else if (op === 9) s.write(frame(10, payload));
    }
  };
  s.on('data', (c: Buffer) => {
    buf = Buffer.concat([buf, c]);
    parse();
  });
  s.on('close', () => duplex.push(null));
  parse();
  return { duplex, protocol: /sec-websocket-protocol: *(\S+)/i.exec(head)?.[1] ?? '' };
}
