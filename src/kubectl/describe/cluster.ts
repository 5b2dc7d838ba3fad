/** `kubectl describe priorityclass`, `describe storageclass` and `describe pdb`. */
import type { PodDisruptionBudget } from '../../api/generated/policy/v1.js';
import type { PriorityClass } from '../../api/generated/scheduling/v1.js';
import type { StorageClass } from '../../api/generated/storage/v1.js';
import { resources, type BuiltInResource } from '../../client/resources.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { boolPtr, formatLabels, formatLabelSelector } from './format.js';
import { LEVEL_0, LEVEL_1, LEVEL_2, tabbed } from './writer.js';

const storageClasses: BuiltInResource = { group: 'storage.k8s.io', version: 'v1', resource: 'storageclasses', kind: 'StorageClass', namespaced: false };

/** Describes one PriorityClass. */
export async function describePriorityClass(ctx: DescribeContext, _namespace: string, name: string): Promise<string> {
  const pc = await getObject<PriorityClass>(ctx, resources.priorityclasses, '', name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(pc, 'PriorityClass')) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${pc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Value:\t${pc.value}\n`);
    w.write(LEVEL_0, `GlobalDefault:\t${pc.globalDefault === true}\n`);
    w.write(LEVEL_0, `PreemptionPolicy:\t${pc.preemptionPolicy ?? ''}\n`);
    w.write(LEVEL_0, `Description:\t${pc.description ?? ''}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(pc.metadata?.annotations)}\n`);
    if (events) describeEvents(events, w, ctx.now);
  });
}

/** Describes one StorageClass. */
export async function describeStorageClass(ctx: DescribeContext, _namespace: string, name: string): Promise<string> {
  const sc = await getObject<StorageClass>(ctx, storageClasses, '', name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(sc, 'StorageClass')) : undefined;
  return tabbed((w) => {
    const a = sc.metadata?.annotations ?? {};
    const isDefault = a['storageclass.kubernetes.io/is-default-class'] === 'true' || a['storageclass.beta.kubernetes.io/is-default-class'] === 'true';
    w.write(LEVEL_0, `Name:\t${sc.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `IsDefaultClass:\t${isDefault ? 'Yes' : 'No'}\n`);
    w.write(LEVEL_0, `Annotations:\t${formatLabels(sc.metadata?.annotations)}\n`);
    w.write(LEVEL_0, `Provisioner:\t${sc.provisioner}\n`);
    w.write(LEVEL_0, `Parameters:\t${formatLabels(sc.parameters)}\n`);
    w.write(LEVEL_0, `AllowVolumeExpansion:\t${boolPtr(sc.allowVolumeExpansion)}\n`);
    const options = sc.mountOptions ?? [];
    if (options.length === 0) w.write(LEVEL_0, 'MountOptions:\t<none>\n');
    else {
      w.write(LEVEL_0, 'MountOptions:\n');
      for (const o of options) w.write(LEVEL_1, `${o}\n`);
    }
    if (sc.reclaimPolicy !== undefined) w.write(LEVEL_0, `ReclaimPolicy:\t${sc.reclaimPolicy}\n`);
    if (sc.volumeBindingMode !== undefined) w.write(LEVEL_0, `VolumeBindingMode:\t${sc.volumeBindingMode}\n`);
    if (sc.allowedTopologies) {
      w.write(LEVEL_0, 'AllowedTopologies:\t');
      if (sc.allowedTopologies.length === 0) w.line('<none>');
      else {
        w.line('');
        sc.allowedTopologies.forEach((term, i) => {
          w.write(LEVEL_1, `Term ${i}:\t`);
          const reqs = term.matchLabelExpressions ?? [];
          if (reqs.length === 0) return w.line('<none>');
          reqs.forEach((r, j) => {
            if (j !== 0) w.write(LEVEL_1, '\t');
            w.write(LEVEL_0, `${r.key} in${r.values.length > 0 ? ` [${r.values.join(', ')}]` : ''}\n`);
          });
        });
      }
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}

/** Describes one PodDisruptionBudget (policy/v1). */
export async function describePodDisruptionBudget(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const pdb = await getObject<PodDisruptionBudget>(ctx, resources.poddisruptionbudgets, namespace, name);
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(pdb, 'PodDisruptionBudget')) : undefined;
  return tabbed((w) => {
    const spec = pdb.spec;
    const status = pdb.status;
    w.write(LEVEL_0, `Name:\t${pdb.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${pdb.metadata?.namespace ?? ''}\n`);
    if (spec?.minAvailable !== undefined) w.write(LEVEL_0, `Min available:\t${String(spec.minAvailable)}\n`);
    else if (spec?.maxUnavailable !== undefined) w.write(LEVEL_0, `Max unavailable:\t${String(spec.maxUnavailable)}\n`);
    w.write(LEVEL_0, spec?.selector ? `Selector:\t${formatLabelSelector(spec.selector)}\n` : 'Selector:\t<unset>\n');
    w.write(LEVEL_0, 'Status:\n');
    w.write(LEVEL_2, `Allowed disruptions:\t${status?.disruptionsAllowed ?? 0}\n`);
    w.write(LEVEL_2, `Current:\t${status?.currentHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Desired:\t${status?.desiredHealthy ?? 0}\n`);
    w.write(LEVEL_2, `Total:\t${status?.expectedPods ?? 0}\n`);
    if (events) describeEvents(events, w, ctx.now);
  });
}
