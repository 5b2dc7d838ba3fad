/** Structured logs, one line per record on stderr: time, level, component, message, key=value fields. */
export type Fields = Record<string, string | number | boolean | undefined>;

export interface Logger {
  info(msg: string, fields?: Fields): void;
  warn(msg: string, fields?: Fields): void;
  error(msg: string, fields?: Fields): void;
}

const quote = (v: string) => (/[\s="]/.test(v) ? JSON.stringify(v) : v);

function line(level: string, component: string, msg: string, fields: Fields = {}): string {
  const kv = Object.entries(fields)
    .filter(([, v]) => v !== undefined)
    .map(([k, v]) => `${k}=${quote(String(v))}`)
    .join(' ');
  return `${new Date().toISOString()} ${level} ${component}: ${msg}${kv ? ' ' + kv : ''}\n`;
}

export function createLogger(component: string, out: NodeJS.WritableStream = process.stderr): Logger {
  return {
    info: (msg, f) => out.write(line('INFO', component, msg, f)),
    warn: (msg, f) => out.write(line('WARN', component, msg, f)),
    error: (msg, f) => out.write(line('ERROR', component, msg, f)),
  };
}
