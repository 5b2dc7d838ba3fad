/**
 * klog's header line (`W1123 08:37:21.634259    1547 proxy.go:177] msg`), which is how kubectl
 * proxy reports warnings, per-request errors and, at -v=3, each filter decision on stderr. The
 * source positions are upstream's (kubectl 1.32), so the lines read as the real kubectl's.
 */

/** klog severities: info, warning, error, fatal. */
export type Severity = 'I' | 'W' | 'E' | 'F';

/** One klog line, newline included; `where` is `file.go:line`. */
export function klogLine(severity: Severity, where: string, message: string, at?: Date): string {
  // Microseconds from the high-resolution clock, as klog prints them (a Date holds only milliseconds).
  const us = at ? at.getTime() * 1000 : Math.floor((performance.timeOrigin + performance.now()) * 1000);
  const now = new Date(Math.floor(us / 1000));
  const p2 = (n: number) => String(n).padStart(2, '0');
  const micros = String(us % 1_000_000).padStart(6, '0');
  const stamp = `${p2(now.getMonth() + 1)}${p2(now.getDate())} ${p2(now.getHours())}:${p2(now.getMinutes())}:${p2(now.getSeconds())}.${micros}`;
  return `${severity}${stamp} ${String(process.pid).padStart(7)} ${where}] ${message}\n`;
}

/** Where the proxy's log lines go, and the verbosity (`-v`) that gates the V(n) ones. */
export interface Logger {
  write(line: string): void;
  verbosity: number;
}
