import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { NodeMetrics, PodMetrics } from '../../../api/metrics.js';
import { printNodeMetrics, printPodMetrics, type ResourceList, type SortBy } from './printer.js';

// Fixtures and expected tables: kubectl 1.32's `top` output for the same metrics, served by a stub
// API server (cells are tab-terminated, hence the trailing spaces).
const nodeMetrics = [{"metadata": {"name": "worker-b"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "usage": {"cpu": "1500m", "memory": "512Mi"}}, {"metadata": {"name": "n1"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "usage": {"cpu": "250123456n", "memory": "1048577Ki"}}] as NodeMetrics[];
const nodes = [{"metadata": {"name": "n1"}, "status": {"allocatable": {"cpu": "4", "memory": "16Gi"}, "capacity": {"cpu": "8", "memory": "32Gi"}}}, {"metadata": {"name": "worker-b"}, "status": {"allocatable": {"cpu": "1900m", "memory": "8000Mi"}, "capacity": {"cpu": "2", "memory": "8Gi"}}}, {"metadata": {"name": "lost-node"}, "status": {"allocatable": {"cpu": "2", "memory": "8Gi"}}}] as Array<{ metadata: { name: string }; status: { allocatable: ResourceList; capacity?: ResourceList } }>;
const podMetrics = [{"metadata": {"name": "web-1", "namespace": "default"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "containers": [{"name": "nginx", "usage": {"cpu": "3m", "memory": "12Mi"}}, {"name": "a-sidecar", "usage": {"cpu": "1234567n", "memory": "3000Ki"}}]}, {"metadata": {"name": "db", "namespace": "default"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "containers": [{"name": "postgres", "usage": {"cpu": "120m", "memory": "300Mi"}}]}] as PodMetrics[];
const allPodMetrics = [{"metadata": {"name": "web-1", "namespace": "default"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "containers": [{"name": "nginx", "usage": {"cpu": "3m", "memory": "12Mi"}}]}, {"metadata": {"name": "coredns-abc", "namespace": "kube-system"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "containers": [{"name": "coredns", "usage": {"cpu": "2m", "memory": "20Mi"}}]}, {"metadata": {"name": "api", "namespace": "apps"}, "timestamp": "2025-01-01T00:00:00Z", "window": "15s", "containers": [{"name": "app", "usage": {"cpu": "7m", "memory": "40Mi"}}]}] as PodMetrics[];

const available = (capacity: boolean) => new Map(nodes.map((n) => [n.metadata.name, (capacity ? n.status.capacity : n.status.allocatable) ?? {}]));

const nodeCases: Array<{ args: string; sortBy: SortBy; capacity: boolean; noHeaders: boolean; want: string }> = [
  { args: "top node", sortBy: "", capacity: false, noHeaders: false, want: "NAME        CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   \nn1          251m         6%          1024Mi          6%          \nworker-b    1500m        78%         512Mi           6%          \nlost-node   <unknown>    <unknown>   <unknown>       <unknown>   \n" },
  { args: "top node --sort-by=cpu", sortBy: "cpu", capacity: false, noHeaders: false, want: "NAME        CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   \nworker-b    1500m        78%         512Mi           6%          \nn1          251m         6%          1024Mi          6%          \nlost-node   <unknown>    <unknown>   <unknown>       <unknown>   \n" },
  { args: "top node --sort-by=memory --show-capacity", sortBy: "memory", capacity: true, noHeaders: false, want: "NAME        CPU(cores)   CPU(%)      MEMORY(bytes)   MEMORY(%)   \nn1          251m         3%          1024Mi          3%          \nworker-b    1500m        75%         512Mi           6%          \nlost-node   <unknown>    <unknown>   <unknown>       <unknown>   \n" },
  { args: "top node --no-headers", sortBy: "", capacity: false, noHeaders: true, want: "n1          251m        6%          1024Mi      6%          \nworker-b    1500m       78%         512Mi       6%          \nlost-node   <unknown>   <unknown>   <unknown>   <unknown>   \n" },
];

for (const c of nodeCases) {
  test(`top printer: kubectl ${c.args}`, () => {
    assert.equal(printNodeMetrics(nodeMetrics, available(c.capacity), { noHeaders: c.noHeaders, sortBy: c.sortBy }), c.want);
  });
}

const podCases: Array<{ args: string; all: boolean; containers: boolean; sum: boolean; noHeaders: boolean; sortBy: SortBy; want: string }> = [
  { args: "top pod", all: false, containers: false, sum: false, noHeaders: false, sortBy: "", want: "NAME    CPU(cores)   MEMORY(bytes)   \ndb      120m         300Mi           \nweb-1   5m           14Mi            \n" },
  { args: "top pod --containers", all: false, containers: true, sum: false, noHeaders: false, sortBy: "", want: "POD     NAME        CPU(cores)   MEMORY(bytes)   \ndb      postgres    120m         300Mi           \nweb-1   a-sidecar   2m           2Mi             \nweb-1   nginx       3m           12Mi            \n" },
  { args: "top pod --sum", all: false, containers: false, sum: true, noHeaders: false, sortBy: "", want: "NAME    CPU(cores)   MEMORY(bytes)   \ndb      120m         300Mi           \nweb-1   5m           14Mi            \n        ________     ________        \n        125m         314Mi           \n" },
  { args: "top pod --containers --sum --sort-by=cpu", all: false, containers: true, sum: true, noHeaders: false, sortBy: "cpu", want: "POD     NAME        CPU(cores)   MEMORY(bytes)   \ndb      postgres    120m         300Mi           \nweb-1   nginx       3m           12Mi            \nweb-1   a-sidecar   2m           2Mi             \n                    ________     ________        \n                    125m         314Mi           \n" },
  { args: "top pod -A", all: true, containers: false, sum: false, noHeaders: false, sortBy: "", want: "NAMESPACE     NAME          CPU(cores)   MEMORY(bytes)   \napps          api           7m           40Mi            \ndefault       web-1         3m           12Mi            \nkube-system   coredns-abc   2m           20Mi            \n" },
  { args: "top pod -A --sum --no-headers", all: true, containers: false, sum: true, noHeaders: true, sortBy: "", want: "apps          api           7m         40Mi   \ndefault       web-1         3m         12Mi   \nkube-system   coredns-abc   2m         20Mi   \n              ________      ________   \n              12m           72Mi       \n" },
  { args: "top pod -A --containers --sum", all: true, containers: true, sum: true, noHeaders: false, sortBy: "", want: "NAMESPACE     POD           NAME      CPU(cores)   MEMORY(bytes)   \napps          api           app       7m           40Mi            \ndefault       web-1         nginx     3m           12Mi            \nkube-system   coredns-abc   coredns   2m           20Mi            \n                                      ________     ________        \n                                      12m          72Mi            \n" },
];

for (const c of podCases) {
  test(`top printer: kubectl ${c.args}`, () => {
    const got = printPodMetrics(c.all ? allPodMetrics : podMetrics, { containers: c.containers, withNamespace: c.all, noHeaders: c.noHeaders, sortBy: c.sortBy, sum: c.sum });
    assert.equal(got, c.want);
  });
}

test('top printer: no metrics print nothing', () => {
  assert.equal(printNodeMetrics([], available(false), { noHeaders: false, sortBy: '' }), '');
  assert.equal(printPodMetrics([], { containers: false, withNamespace: false, noHeaders: false, sortBy: '', sum: true }), '');
});
