/** Prometheus text metrics for the API server: requests by verb/resource/code and their latency. */

/** Prometheus label values escape backslash, quote and newline. */
const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');

const BUCKETS = [0.005, 0.025, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 60];

export class ApiMetrics {
  private readonly counts = new Map<string, number>();
  private readonly hist = new Map<string, { buckets: number[]; sum: number; count: number }>();
  private readonly started = Date.now();

  observe(verb: string, group: string, resource: string, code: number, seconds: number): void {
    verb = escapeLabel(verb);
    group = escapeLabel(group);
    resource = escapeLabel(resource);
    const labels = `verb="${verb}",group="${group}",resource="${resource}",code="${code}"`;
    this.counts.set(labels, (this.counts.get(labels) ?? 0) + 1);
    const hk = `verb="${verb}",group="${group}",resource="${resource}"`;
    let h = this.hist.get(hk);
    if (!h) this.hist.set(hk, (h = { buckets: BUCKETS.map(() => 0), sum: 0, count: 0 }));
    BUCKETS.forEach((b, i) => {
      if (seconds <= b && h) h.buckets[i] = (h.buckets[i] ?? 0) + 1;
    });
    h.sum += seconds;
    h.count++;
  }

  render(extra: Record<string, number> = {}): string {
    const lines: string[] = [
      '# HELP apiserver_request_total Requests by verb, group, resource and HTTP code.',
      '# TYPE apiserver_request_total counter',
    ];
    for (const [l, n] of this.counts) lines.push(`apiserver_request_total{${l}} ${n}`);
    lines.push('# HELP apiserver_request_duration_seconds Request latency.', '# TYPE apiserver_request_duration_seconds histogram');
    for (const [l, h] of this.hist) {
      BUCKETS.forEach((b, i) => lines.push(`apiserver_request_duration_seconds_bucket{${l},le="${b}"} ${h.buckets[i] ?? 0}`));
      lines.push(`apiserver_request_duration_seconds_bucket{${l},le="+Inf"} ${h.count}`);
      lines.push(`apiserver_request_duration_seconds_sum{${l}} ${h.sum}`, `apiserver_request_duration_seconds_count{${l}} ${h.count}`);
    }
    const mem = process.memoryUsage();
    lines.push('# TYPE process_resident_memory_bytes gauge', `process_resident_memory_bytes ${mem.rss}`);
    lines.push('# TYPE process_start_time_seconds gauge', `process_start_time_seconds ${this.started / 1000}`);
    for (const [k, v] of Object.entries(extra)) lines.push(`# TYPE ${k} gauge`, `${k} ${v}`);
    return lines.join('\n') + '\n';
  }
}
