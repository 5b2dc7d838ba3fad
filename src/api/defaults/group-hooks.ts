// The hook through which core's Pod-spec defaulting reaches workload templates in other groups.
import type * as coreV1 from '../generated/core/v1.js';

/** Options for the non-core defaulters; every hook is optional. */
export interface GroupDefaultingOptions {
  /**
   * Core's Pod-spec defaulter (restartPolicy, dnsPolicy, container imagePullPolicy, ...), applied
   * to every pod template inside a workload as upstream's generated SetObjectDefaults_* do.
   */
  defaultPodSpec?: (spec: coreV1.PodSpec) => void;
  /** Core's PersistentVolumeClaim defaulter, for StatefulSet volumeClaimTemplates. */
  defaultPersistentVolumeClaim?: (pvc: coreV1.PersistentVolumeClaim) => void;
}

/** Runs the Pod-spec hook on a template, creating an empty spec first so the hook can fill it. */
export function defaultTemplate(template: coreV1.PodTemplateSpec | undefined, opts: GroupDefaultingOptions): void {
  if (!template || !opts.defaultPodSpec) return;
  template.spec ??= { containers: [] };
  opts.defaultPodSpec(template.spec);
}
