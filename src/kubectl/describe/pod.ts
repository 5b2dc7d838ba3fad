/** `kubectl describe pod`: status, IPs, containers, conditions, volumes, QoS, tolerations, events. */
import { ApiError } from '../../api/errors.js';
import type { Event, Pod } from '../../api/generated/core/v1.js';
import type { ObjectMeta } from '../../api/generated/meta/v1.js';
import { resources } from '../../client/resources.js';
import { describeContainers, describeResources, podEnvResolver } from './containers.js';
import { getObject, type DescribeContext } from './context.js';
import { describeEvents, searchEvents } from './events.js';
import { printAnnotationsMultiline, printLabelsMultiline, printTolerationsMultiline, rfc1123z, since } from './format.js';
import { describeTopologySpreadConstraints } from './pod-template.js';
import { podQOS } from './pod-resources.js';
import { describeVolumes } from './volumes.js';
import { LEVEL_0, LEVEL_1, tabbed } from './writer.js';

/** `Kind/name` of the controlling owner, or '' (printController). */
export function controllerOf(meta: ObjectMeta | undefined): string {
  const ref = meta?.ownerReferences?.find((r) => r.controller === true);
  return ref ? `${ref.kind}/${ref.name}` : '';
}

const MIRROR_ANNOTATION = 'kubernetes.io/config.mirror';

/** Formats a pod and its events (events undefined: the section is left out). */
export function formatPod(pod: Pod, events: readonly Event[] | undefined, now: () => number): string {
  const spec = pod.spec;
  const status = pod.status;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${pod.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${pod.metadata?.namespace ?? ''}\n`);
    if (spec?.priority !== undefined) w.write(LEVEL_0, `Priority:\t${spec.priority}\n`);
    if (spec?.priorityClassName) w.write(LEVEL_0, `Priority Class Name:\t${spec.priorityClassName}\n`);
    if (spec?.runtimeClassName) w.write(LEVEL_0, `Runtime Class Name:\t${spec.runtimeClassName}\n`);
    if (spec?.serviceAccountName) w.write(LEVEL_0, `Service Account:\t${spec.serviceAccountName}\n`);
    w.write(LEVEL_0, spec?.nodeName ? `Node:\t${spec.nodeName}/${status?.hostIP ?? ''}\n` : 'Node:\t<none>\n');
    if (status?.startTime) w.write(LEVEL_0, `Start Time:\t${rfc1123z(status.startTime)}\n`);
    printLabelsMultiline(w, 'Labels', pod.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', pod.metadata?.annotations);
    const deleting = pod.metadata?.deletionTimestamp;
    if (deleting && status?.phase !== 'Failed' && status?.phase !== 'Succeeded') {
      w.write(LEVEL_0, `Status:\tTerminating (lasts ${since(deleting, now)})\n`);
      w.write(LEVEL_0, `Termination Grace Period:\t${pod.metadata?.deletionGracePeriodSeconds ?? 0}s\n`);
    } else {
      w.write(LEVEL_0, `Status:\t${status?.phase ?? ''}\n`);
    }
    if (status?.reason) w.write(LEVEL_0, `Reason:\t${status.reason}\n`);
    if (status?.message) w.write(LEVEL_0, `Message:\t${status.message}\n`);
    const seccomp = spec?.securityContext?.seccompProfile;
    if (seccomp) {
      w.write(LEVEL_0, `SeccompProfile:\t${seccomp.type}\n`);
      if (seccomp.type === 'Localhost') w.write(LEVEL_0, `LocalhostProfile:\t${seccomp.localhostProfile ?? ''}\n`);
    }
    w.write(LEVEL_0, `IP:\t${status?.podIP ?? ''}\n`);
    const ips = status?.podIPs ?? [];
    if (ips.length === 0) w.write(LEVEL_0, 'IPs:\t<none>\n');
    else {
      w.write(LEVEL_0, 'IPs:\n');
      for (const ip of ips) w.write(LEVEL_1, `IP:\t${ip.ip}\n`);
    }
    const controlledBy = controllerOf(pod.metadata);
    if (controlledBy) w.write(LEVEL_0, `Controlled By:\t${controlledBy}\n`);
    if (status?.nominatedNodeName) w.write(LEVEL_0, `NominatedNodeName:\t${status.nominatedNodeName}\n`);
    if (spec?.resources) {
      w.write(LEVEL_0, 'Resources:\n');
      describeResources(spec.resources, w, LEVEL_1);
    }
    const resolve = podEnvResolver(pod);
    if ((spec?.initContainers ?? []).length > 0) describeContainers('Init Containers', spec?.initContainers ?? [], status?.initContainerStatuses, resolve, w, '');
    describeContainers('Containers', spec?.containers ?? [], status?.containerStatuses, resolve, w, '');
    const ephemeral = spec?.ephemeralContainers ?? [];
    if (ephemeral.length > 0) describeContainers('Ephemeral Containers', ephemeral, status?.ephemeralContainerStatuses, resolve, w, '');
    const conditions = status?.conditions ?? [];
    if ((spec?.readinessGates ?? []).length > 0) {
      w.write(LEVEL_0, 'Readiness Gates:\n  Type\tStatus\n');
      for (const g of spec?.readinessGates ?? []) {
        const c = conditions.find((x) => x.type === g.conditionType);
        w.write(LEVEL_1, `${g.conditionType} \t${c ? c.status : '<none>'} \n`);
      }
    }
    if (conditions.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n  Type\tStatus\n');
      for (const c of conditions) w.write(LEVEL_1, `${c.type} \t${c.status} \n`);
    }
    describeVolumes(spec?.volumes, w, '');
    w.write(LEVEL_0, `QoS Class:\t${podQOS(pod)}\n`);
    printLabelsMultiline(w, 'Node-Selectors', spec?.nodeSelector);
    printTolerationsMultiline(w, 'Tolerations', spec?.tolerations);
    describeTopologySpreadConstraints(spec?.topologySpreadConstraints, w, '');
    if (events) describeEvents(events, w, now);
  });
}

/**
 * Describes one pod. A missing pod that still has events (it was just deleted) prints those
 * events under kubectl's "error ..., but found events" line.
 */
export async function describePod(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  let pod: Pod;
  try {
    pod = await getObject<Pod>(ctx, resources.pods, namespace, name);
  } catch (e) {
    if (ctx.settings.showEvents && e instanceof ApiError) {
      const events = await searchEvents(ctx, { name, namespace });
      if (events.length > 0) {
        return tabbed((w) => {
          w.write(LEVEL_0, `Pod '${name}': error '${e.message}', but found events.\n`);
          describeEvents(events, w, ctx.now);
        });
      }
    }
    throw e;
  }
  let events: Event[] | undefined;
  if (ctx.settings.showEvents) {
    // Pod events are matched without the kind; a mirror pod's events carry its static pod's UID.
    const uid = pod.metadata?.annotations?.[MIRROR_ANNOTATION] ?? pod.metadata?.uid;
    events = await searchEvents(ctx, { name: pod.metadata?.name ?? name, namespace: pod.metadata?.namespace ?? namespace, uid });
  }
  return formatPod(pod, events, ctx.now);
}
