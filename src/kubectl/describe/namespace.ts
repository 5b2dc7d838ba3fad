/**
 * `kubectl describe namespace` (status, conditions, the namespace's quotas and limit ranges), and
 * `describe resourcequota` / `describe limitrange`, which print the same tables for one object.
 */
import { isNotFound } from '../../api/errors.js';
import { Quantity } from '../../api/quantity.js';
import type { LimitRange, LimitRangeSpec, Namespace, ResourceQuota } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, listAll, type DescribeContext } from './context.js';
import { byString, printAnnotationsMultiline, printLabelsMultiline, rfc1123z, sortedKeys } from './format.js';
import { LEVEL_0, LEVEL_1, tabbed, type PrefixWriter } from './writer.js';

const q = (s: string | undefined): Quantity => Quantity.parse(s ?? '0');

/** One row per resource of each limit (rows within an item sorted by resource name). */
function describeLimitRangeSpec(spec: LimitRangeSpec | undefined, prefix: string, w: PrefixWriter): void {
  for (const item of spec?.limits ?? []) {
    const names = new Set([item.max, item.min, item.default, item.defaultRequest, item.maxLimitRequestRatio].flatMap((m) => Object.keys(m ?? {})));
    // kubectl walks a Go map here (random order); sorted is the stable choice.
    for (const k of [...names].sort(byString)) {
      const v = (m: Record<string, string> | undefined): string => (m?.[k] !== undefined ? q(m[k]).toString() : '-');
      w.write(LEVEL_0, `${prefix}${item.type}\t${k}\t${v(item.min)}\t${v(item.max)}\t${v(item.defaultRequest)}\t${v(item.default)}\t${v(item.maxLimitRequestRatio)}\n`);
    }
  }
}

const SCOPE_HELP: Record<string, string> = {
  Terminating: 'Matches all pods that have an active deadline. These pods have a limited lifespan on a node before being actively terminated by the system.',
  NotTerminating: 'Matches all pods that do not have an active deadline. These pods usually include long running pods whose container command is not expected to terminate.',
  BestEffort: 'Matches all pods that do not have resource requirements set. These pods have a best effort quality of service.',
  NotBestEffort: 'Matches all pods that have at least one resource requirement set. These pods have a burstable or guaranteed quality of service.',
};

function describeScopes(scopes: readonly string[] | undefined, w: PrefixWriter, level: number, bullet: string): void {
  if (!scopes || scopes.length === 0) return;
  const sorted = [...scopes].sort(byString);
  w.write(level, `Scopes:\t${sorted.join(', ')}\n`);
  for (const s of sorted) {
    const help = SCOPE_HELP[s];
    if (help) w.write(level, `${bullet}${help}\n`);
  }
}

/** The namespace's `Resource Quotas` and `Resource Limits` sections. */
function describeQuotasAndLimits(quotas: ResourceQuota[] | undefined, limits: LimitRange[] | undefined, w: PrefixWriter): void {
  if (quotas) {
    w.write(LEVEL_0, '\n');
    if (quotas.length === 0) w.write(LEVEL_0, 'No resource quota.\n');
    else {
      w.write(LEVEL_0, 'Resource Quotas\n');
      for (const rq of [...quotas].sort((a, b) => byString(a.metadata?.name ?? '', b.metadata?.name ?? ''))) {
        w.write(LEVEL_1, `Name:\t${rq.metadata?.name ?? ''}\n`);
        describeScopes(rq.spec?.scopes, w, LEVEL_1, '* ');
        w.write(LEVEL_1, 'Resource\tUsed\tHard\n');
        w.write(LEVEL_1, '--------\t---\t---\n');
        for (const k of sortedKeys(rq.status?.hard)) w.write(LEVEL_1, `${k}\t${q(rq.status?.used?.[k]).toString()}\t${q(rq.status?.hard?.[k]).toString()}\n`);
      }
    }
  }
  if (limits) {
    w.write(LEVEL_0, '\n');
    if (limits.length === 0) w.write(LEVEL_0, 'No LimitRange resource.\n');
    else {
      w.write(LEVEL_0, 'Resource Limits\n Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
      w.write(LEVEL_0, ' ----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
      for (const lr of limits) describeLimitRangeSpec(lr.spec, ' ', w);
    }
  }
}

/** A list that the server may not serve at all (404: the section is left out). */
async function optionalList<T>(read: () => Promise<T[]>): Promise<T[] | undefined> {
  try {
    return await read();
  } catch (e) {
    if (isNotFound(e)) return undefined;
    throw e;
  }
}

/** Describes one Namespace. */
export async function describeNamespace(ctx: DescribeContext, _namespace: string, name: string): Promise<string> {
  const ns = await getObject<Namespace>(ctx, resources.namespaces, '', name);
  const quotas = await optionalList(() => listAll<ResourceQuota>(ctx, resources.resourcequotas, { namespace: name }));
  const limits = await optionalList(() => listAll<LimitRange>(ctx, resources.limitranges, { namespace: name }));
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${ns.metadata?.name ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', ns.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', ns.metadata?.annotations);
    w.write(LEVEL_0, `Status:\t${ns.status?.phase ?? ''}\n`);
    const conditions = ns.status?.conditions ?? [];
    if (conditions.length > 0) {
      w.write(LEVEL_0, 'Conditions:\n');
      w.write(LEVEL_1, 'Type\tStatus\tLastTransitionTime\tReason\tMessage\n');
      w.write(LEVEL_1, '----\t------\t------------------\t------\t-------\n');
      for (const c of conditions) w.write(LEVEL_1, `${c.type}\t${c.status}\t${rfc1123z(c.lastTransitionTime)}\t${c.reason ?? ''}\t${c.message ?? ''}\n`);
    }
    describeQuotasAndLimits(quotas, limits, w);
  });
}

/** Describes one ResourceQuota (used amounts shown in the hard limit's format). */
export async function describeResourceQuota(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const rq = await getObject<ResourceQuota>(ctx, resources.resourcequotas, namespace, name);
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${rq.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${rq.metadata?.namespace ?? ''}\n`);
    describeScopes(rq.spec?.scopes, w, LEVEL_0, ' * ');
    w.write(LEVEL_0, 'Resource\tUsed\tHard\n');
    w.write(LEVEL_0, '--------\t----\t----\n');
    for (const k of sortedKeys(rq.status?.hard)) {
      const hard = q(rq.status?.hard?.[k]);
      let used = q(rq.status?.used?.[k]);
      if (used.format !== hard.format) used = Quantity.fromInt(used.value(), hard.format);
      w.write(LEVEL_0, `${k}\t${used.toString()}\t${hard.toString()}\n`);
    }
  });
}

/** Describes one LimitRange. */
export async function describeLimitRange(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const lr = await getObject<LimitRange>(ctx, resources.limitranges, namespace, name);
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${lr.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${lr.metadata?.namespace ?? ''}\n`);
    w.write(LEVEL_0, 'Type\tResource\tMin\tMax\tDefault Request\tDefault Limit\tMax Limit/Request Ratio\n');
    w.write(LEVEL_0, '----\t--------\t---\t---\t---------------\t-------------\t-----------------------\n');
    describeLimitRangeSpec(lr.spec, '', w);
  });
}
