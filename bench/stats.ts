/** Small helpers for benchmarks: timing, percentiles, printing a table. */
export const now = (): number => Number(process.hrtime.bigint()) / 1e6;

export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[i] ?? NaN;
}

export interface Summary {
  count: number;
  perSecond: number;
  p50: number;
  p99: number;
}

export function summarize(latenciesMs: number[], wallMs: number): Summary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  return { count: sorted.length, perSecond: (sorted.length / wallMs) * 1000, p50: percentile(sorted, 50), p99: percentile(sorted, 99) };
}

/** Runs `op(i)` for i in [0, n) with `concurrency` in flight; returns per-op latencies and wall time. */
export async function drive(n: number, concurrency: number, op: (i: number) => Promise<unknown>): Promise<{ latencies: number[]; wallMs: number }> {
  const latencies: number[] = [];
  let next = 0;
  const t0 = now();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      for (let i = next++; i < n; i = next++) {
        const t = now();
        await op(i);
        latencies.push(now() - t);
      }
    }),
  );
  return { latencies, wallMs: now() - t0 };
}

export function table(headers: string[], rows: Array<Array<string | number>>): string {
  const cells = [headers, ...rows.map((r) => r.map((c) => (typeof c === 'number' ? fmt(c) : c)))];
  const widths = headers.map((_, i) => Math.max(...cells.map((r) => String(r[i] ?? '').length)));
  return cells.map((r) => r.map((c, i) => String(c).padEnd(widths[i] ?? 0)).join('  ')).join('\n');
}

function fmt(x: number): string {
  if (!Number.isFinite(x)) return '-';
  if (x >= 100) return Math.round(x).toString();
  if (x >= 10) return x.toFixed(1);
  return x.toFixed(2);
}
