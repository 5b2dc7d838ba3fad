/**
 * metrics.k8s.io/v1beta1 (k8s.io/metrics pkg/apis/metrics/v1beta1), written by hand: the group is
 * served by metrics-server, not kube-apiserver, so the upstream OpenAPI documents the types are
 * generated from do not contain it. The API server serves these; the HPA controller reads them.
 */
import type { ObjectMeta, ListMeta } from './generated/meta/v1.js';
import type { Quantity } from './generated/apimachinery/resource.js';

/** The group and version, as objects carry it. */
export const METRICS_API_VERSION = 'metrics.k8s.io/v1beta1';

/** Usage by resource name: `cpu` ("123456n", "12m") and `memory` (the working set, "1234Ki"). */
export type ResourceUsage = Record<string, Quantity>;

/** NodeMetrics: a node's usage over `window`, ending at `timestamp`. */
export interface NodeMetrics {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  /** When the window ended (RFC 3339). */
  timestamp: string;
  /** The window the CPU rate was taken over, as a Go duration ("15.021s"). */
  window: string;
  usage: ResourceUsage;
}

/** One container's usage in a {@link PodMetrics}. */
export interface ContainerMetrics {
  name: string;
  usage: ResourceUsage;
}

/** PodMetrics: the usage of each of a pod's containers over `window`, ending at `timestamp`. */
export interface PodMetrics {
  apiVersion?: string;
  kind?: string;
  metadata: ObjectMeta;
  timestamp: string;
  window: string;
  containers: ContainerMetrics[];
}

export interface NodeMetricsList {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: NodeMetrics[];
}

export interface PodMetricsList {
  apiVersion?: string;
  kind?: string;
  metadata: ListMeta;
  items: PodMetrics[];
}
