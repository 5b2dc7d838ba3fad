/**
 * The CRI container log format, one record per line: `<RFC3339Nano time> <stdout|stderr> <tags>
 * <content>`, where the first tag is P (a partial line, continued by the next record) or F (the
 * record ends the line). Further tags, if a runtime adds them, follow after ':' and are ignored.
 */

/** One parsed record. `content` is a view into the line it came from (no copy). */
export interface CriLogRecord {
  /** The timestamp exactly as written. */
  time: string;
  /** The timestamp as milliseconds since the epoch (sub-millisecond digits dropped). */
  ms: number;
  stream: 'stdout' | 'stderr';
  partial: boolean;
  content: Buffer;
}

const TIME = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;
const SPACE = 0x20;

/** Parses an RFC 3339 time (any fraction, any offset) to epoch milliseconds; undefined if malformed. */
export function parseRfc3339(ts: string): number | undefined {
  const m = TIME.exec(ts);
  if (!m) return undefined;
  const base = Date.parse(`${m[1] ?? ''}${m[3] ?? ''}`);
  if (Number.isNaN(base)) return undefined;
  return base + Number((m[2] ?? '').padEnd(3, '0').slice(0, 3));
}

/**
 * The timestamp as `kubectl logs --timestamps` shows it: nine fraction digits always, the offset the
 * runtime wrote (Z for UTC), as the kubelet formats it.
 */
export function formatTimestamp(ts: string): string {
  const m = TIME.exec(ts);
  if (!m) return ts;
  return `${m[1] ?? ''}.${(m[2] ?? '').padEnd(9, '0')}${m[3] ?? ''}`;
}

/** Parses one line (without its newline); undefined when it is not a CRI log record. */
export function parseRecord(line: Buffer): CriLogRecord | undefined {
  const s1 = line.indexOf(SPACE);
  if (s1 <= 0) return undefined;
  const s2 = line.indexOf(SPACE, s1 + 1);
  if (s2 < 0) return undefined;
  let s3 = line.indexOf(SPACE, s2 + 1);
  // An empty final line may be written without the space after the tag.
  if (s3 < 0) s3 = line.length;
  const time = line.toString('latin1', 0, s1);
  const ms = parseRfc3339(time);
  if (ms === undefined) return undefined;
  const stream = line.toString('latin1', s1 + 1, s2);
  if (stream !== 'stdout' && stream !== 'stderr') return undefined;
  const tag = line.toString('latin1', s2 + 1, s3).split(':')[0];
  if (tag !== 'P' && tag !== 'F') return undefined;
  return { time, ms, stream, partial: tag === 'P', content: line.subarray(Math.min(s3 + 1, line.length)) };
}

/** Formats a record the way containerd writes it (used by tests and fakes). */
export function formatRecord(time: Date | string, stream: 'stdout' | 'stderr', partial: boolean, content: string): string {
  const t = typeof time === 'string' ? time : time.toISOString();
  return `${t} ${stream} ${partial ? 'P' : 'F'} ${content}\n`;
}
