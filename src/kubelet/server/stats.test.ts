import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { CpuRates, StatsCollector } from './stats.js';
import type { KubeletApiProvider } from './types.js';

const proc = mkdtempSync(join(tmpdir(), 'k8ts-stats-'));
after(() => rmSync(proc, { recursive: true, force: true }));

describe('CpuRates', () => {
  test('rates come from samples at least a second apart; a counter reset starts over', () => {
    const r = new CpuRates();
    assert.equal(r.observe('a', 0, 0), undefined);
    assert.equal(r.observe('a', 5e8, 1e8), undefined); // too close: no rate yet
    assert.equal(r.observe('a', 2e9, 1e9), 5e8);
    assert.equal(r.observe('a', 2.1e9, 5e9), 5e8); // too close: the last rate
    assert.equal(r.observe('a', 4e9, 3e9), 1e9);
    assert.equal(r.observe('a', 5e9, 1), undefined); // restarted container: counter went back
    r.retain(new Set());
    assert.equal(r.observe('a', 9e9, 9e9), undefined);
  });
});

describe('StatsCollector node figures', () => {
  test('cpu from /proc/stat (busy jiffies), memory from /proc/meminfo', async () => {
    let now = Date.parse('2024-05-01T10:00:00Z');
    const stat = (busy: number) => `cpu  ${busy} 0 0 999999 50 0 0 0 0 0\ncpu0 1 2 3 4\nbtime 1714550000\n`;
    writeFileSync(join(proc, 'stat'), stat(1000));
    writeFileSync(join(proc, 'meminfo'), 'MemTotal:        1000 kB\nMemFree:          200 kB\nMemAvailable:     600 kB\nInactive(file):   300 kB\nAnonPages:        100 kB\n');
    const provider: KubeletApiProvider = {
      nodeName: 'n',
      pods: () => [],
      container: () => ({ error: { code: 404, reason: 'NotFound', message: 'x' } }),
      sandboxId: () => undefined,
      cri: {
        listContainerStats: () => Promise.resolve({ stats: [] }),
        imageFsInfo: () => Promise.reject(new Error('runtime down')),
        exec: () => Promise.reject(new Error('unused')),
        attach: () => Promise.reject(new Error('unused')),
        portForward: () => Promise.reject(new Error('unused')),
        reopenContainerLog: () => Promise.reject(new Error('unused')),
      },
    };
    const c = new StatsCollector({ provider, rootDir: proc, procDir: proc, now: () => now });
    await c.sample();
    now += 2000;
    writeFileSync(join(proc, 'stat'), stat(1100)); // 100 jiffies = 1 s of CPU in 2 s
    const s = await c.summary();
    assert.equal(s.node.startTime, '2024-05-01T07:53:20Z');
    assert.deepEqual(s.node.cpu, { time: '2024-05-01T10:00:02Z', usageNanoCores: 5e8, usageCoreNanoSeconds: 1100 * 1e7 });
    assert.deepEqual(s.node.memory, { time: '2024-05-01T10:00:02Z', availableBytes: 500 * 1024, usageBytes: 800 * 1024, workingSetBytes: 500 * 1024, rssBytes: 100 * 1024 });
    assert.ok(s.node.fs && s.node.fs.capacityBytes !== undefined && s.node.fs.capacityBytes > 0);
    assert.equal(s.node.runtime.imageFs, undefined);
    assert.deepEqual(s.pods, []);
  });
});
