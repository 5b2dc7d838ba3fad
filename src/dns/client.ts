/**
 * A minimal DNS client over UDP and TCP, for tests and the benchmark: one question, one answer,
 * bounded in time (it rejects rather than hang when nothing comes back).
 */
import * as dgram from 'node:dgram';
import * as packet from 'dns-packet';
import { tcpExchange } from './forward.js';

/** A decoded response with its rcode and size. */
export type Reply = packet.DecodedPacket & { rcode: number; size: number };

/** The query bytes for one question (RD set, like a stub resolver's). */
export function queryBytes(id: number, name: string, type: packet.RecordType | 'ANY', ednsSize?: number): Buffer {
  const additionals: packet.Answer[] = ednsSize ? [{ name: '.', type: 'OPT', udpPayloadSize: ednsSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }] : [];
  return packet.encode({ type: 'query', id, flags: packet.RECURSION_DESIRED, questions: [{ name, type: type as packet.RecordType, class: 'IN' }], additionals });
}

const decode = (buf: Buffer): Reply => ({ ...packet.decode(buf), rcode: buf.readUInt16BE(2) & 0xf, size: buf.length });

/** Asks `host:port` over UDP; rejects after `timeoutMs` (default 3000). */
export function queryUdp(host: string, port: number, name: string, type: packet.RecordType | 'ANY', o: { ednsSize?: number; timeoutMs?: number } = {}): Promise<Reply> {
  const id = Math.floor(Math.random() * 0x10000);
  const sock = dgram.createSocket('udp4');
  return new Promise<Reply>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no UDP answer for ${name} ${type} from ${host}:${port}`)), o.timeoutMs ?? 3000);
    sock.on('message', (msg) => {
      if (msg.length < 12 || msg.readUInt16BE(0) !== id) return;
      clearTimeout(timer);
      resolve(decode(msg));
    });
    sock.send(queryBytes(id, name, type, o.ednsSize), port, host);
  }).finally(() => sock.close());
}

/** Asks `host:port` over TCP; rejects after `timeoutMs` (default 3000). */
export async function queryTcp(host: string, port: number, name: string, type: packet.RecordType | 'ANY', o: { timeoutMs?: number } = {}): Promise<Reply> {
  const reply = await tcpExchange(queryBytes(1, name, type), { host, port }, o.timeoutMs ?? 3000);
  if (!reply) throw new Error(`no TCP answer for ${name} ${type} from ${host}:${port}`);
  return decode(reply);
}
