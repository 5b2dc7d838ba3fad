/**
 * The two kinds one replica controller serves. Upstream runs the ReplicaSet controller for
 * ReplicationControllers through a conversion; here both are read through one structural shape
 * (spec.replicas / minReadySeconds / template, a ReplicaSet-shaped status) and differ only in
 * where they live, who records their Events, and how their selector is written: a ReplicaSet's is
 * a LabelSelector, a ReplicationController's a plain label map (defaulting to the template's labels).
 */
import type { ReplicaSet } from '../../api/generated/apps/v1.js';
import type { PodTemplateSpec, ReplicationController } from '../../api/generated/core/v1.js';
import { LabelSelector, labelSelectorFromSpec, type SelectorResult } from '../../api/selectors.js';
import { resources, type BuiltInResource } from '../../client/resources.js';
import type { KubeObject } from '../../client/types.js';

/** One status condition (ReplicaSetCondition and ReplicationControllerCondition are the same). */
export interface ReplicaCondition {
  type: string;
  status: string;
  lastTransitionTime?: string;
  reason?: string;
  message?: string;
}

/** The status both kinds share. */
export interface ReplicaStatus {
  replicas: number;
  fullyLabeledReplicas?: number;
  readyReplicas?: number;
  availableReplicas?: number;
  observedGeneration?: number;
  conditions?: ReplicaCondition[];
}

/** A ReplicaSet or a ReplicationController, as the controller reads it. */
export interface ReplicaOwner extends KubeObject {
  spec?: { replicas?: number; minReadySeconds?: number; template?: PodTemplateSpec; selector?: unknown };
  status?: ReplicaStatus;
}

/** What differs between the kinds. */
export interface ReplicaKind {
  /** The controller's name (kube-controller-manager's --controllers name). */
  name: string;
  resource: BuiltInResource;
  /** The Event source component. */
  component: string;
  /** Which pods the object selects; an empty or absent selector selects none (never every pod). */
  selector(o: ReplicaOwner): SelectorResult<LabelSelector>;
}

const nonEmpty = (r: SelectorResult<LabelSelector>): SelectorResult<LabelSelector> => (r.ok && r.value.isEmpty() ? { ok: true, value: LabelSelector.nothing() } : r);

export const replicaSetKind: ReplicaKind = {
  name: 'replicaset',
  resource: resources.replicasets,
  component: 'replicaset-controller',
  selector: (o) => nonEmpty(labelSelectorFromSpec((o as ReplicaSet).spec?.selector)),
};

export const replicationControllerKind: ReplicaKind = {
  name: 'replicationcontroller',
  resource: resources.replicationcontrollers,
  component: 'replication-controller',
  selector: (o) => {
    const rc = o as ReplicationController;
    const set = rc.spec?.selector && Object.keys(rc.spec.selector).length > 0 ? rc.spec.selector : rc.spec?.template?.metadata?.labels;
    return nonEmpty({ ok: true, value: LabelSelector.fromSet(set ?? {}) });
  },
};

/** spec.replicas with the API's default of 1. */
export const desiredReplicas = (o: ReplicaOwner): number => o.spec?.replicas ?? 1;

/** spec.minReadySeconds (0 when absent). */
export const minReadySeconds = (o: ReplicaOwner): number => o.spec?.minReadySeconds ?? 0;
