/** The `Pod Template:` block of workloads, and the topology spread line pods and templates share. */
import type { PodTemplateSpec, TopologySpreadConstraint } from '../../api/generated/core/v1.js';
import { describeContainers } from './containers.js';
import { goSort } from './gosort.js';
import { formatLabelSelector, printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline } from './format.js';
import { describeVolumes } from './volumes.js';
import { LEVEL_0, LEVEL_1, type PrefixWriter } from './writer.js';

/** `Topology Spread Constraints:\tzone:DoNotSchedule when max skew 1 is exceeded for selector app=web`. */
export function describeTopologySpreadConstraints(tscs: readonly TopologySpreadConstraint[] | undefined, w: PrefixWriter, space: string): void {
  if (!tscs || tscs.length === 0) return;
  w.write(LEVEL_0, `${space}Topology Spread Constraints:\t`);
  goSort([...tscs], (a, b) => a.topologyKey < b.topologyKey).forEach((c, i) => {
      if (i !== 0) w.write(LEVEL_0, `${space}\t`);
      const selector = c.labelSelector ? ` for selector ${formatLabelSelector(c.labelSelector)}` : '';
      w.write(LEVEL_0, `${c.topologyKey}:${c.whenUnsatisfiable} when max skew ${c.maxSkew} is exceeded${selector}\n`);
    });
}

/** A workload's pod template, indented one level (DescribePodTemplate). */
export function describePodTemplate(t: PodTemplateSpec | undefined, w: PrefixWriter): void {
  w.write(LEVEL_0, 'Pod Template:\n');
  if (!t) return w.write(LEVEL_1, '<unset>');
  printLabelsMultiline(w, '  Labels', t.metadata?.labels);
  if (Object.keys(t.metadata?.annotations ?? {}).length > 0) printAnnotationsMultiline(w, '  Annotations', t.metadata?.annotations);
  const spec = t.spec;
  if (spec?.serviceAccountName) w.write(LEVEL_1, `Service Account:\t${spec.serviceAccountName}\n`);
  if ((spec?.initContainers ?? []).length > 0) describeContainers('Init Containers', spec?.initContainers ?? [], undefined, undefined, w, '  ');
  describeContainers('Containers', spec?.containers ?? [], undefined, undefined, w, '  ');
  describeVolumes(spec?.volumes, w, '  ');
  describeTopologySpreadConstraints(spec?.topologySpreadConstraints, w, '  ');
  if (spec?.priorityClassName) w.write(LEVEL_1, `Priority Class Name:\t${spec.priorityClassName}\n`);
  printLabelsMultiline(w, '  Node-Selectors', spec?.nodeSelector);
  printTolerationsMultiline(w, '  Tolerations', spec?.tolerations);
}
