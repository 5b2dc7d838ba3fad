/** `kubectl describe configmap`, `describe secret` and `describe serviceaccount`. */
import type { ConfigMap, Secret, ServiceAccount } from '../../api/generated/core/v1.js';
import { resources } from '../../client/resources.js';
import { getObject, listAll, type DescribeContext } from './context.js';
import { describeEvents, searchEvents, targetOf } from './events.js';
import { printAnnotationsMultiline, printLabelsMultiline, sortedKeys } from './format.js';
import { LEVEL_0, tabbed } from './writer.js';

const decodedLength = (b64: string): number => Buffer.from(b64, 'base64').length;

/**
 * Describes one ConfigMap: each key and value, then binary keys with their sizes. (kubectl walks
 * Go maps here, so its key order varies from run to run; ours is sorted.)
 */
export async function describeConfigMap(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const cm = await getObject<ConfigMap>(ctx, resources.configmaps, namespace, name);
  // Unlike the other describers, a failure to read the events fails the describe.
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(cm, 'ConfigMap'), { throwErrors: true }) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${cm.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${cm.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', cm.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', cm.metadata?.annotations);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of sortedKeys(cm.data)) {
      w.write(LEVEL_0, `${k}:\n----\n`);
      w.write(LEVEL_0, `${cm.data?.[k] ?? ''}\n`);
      w.write(LEVEL_0, '\n');
    }
    w.write(LEVEL_0, '\nBinaryData\n====\n');
    for (const k of sortedKeys(cm.binaryData)) w.write(LEVEL_0, `${k}: ${decodedLength(cm.binaryData?.[k] ?? '')} bytes\n`);
    w.write(LEVEL_0, '\n');
    if (events) describeEvents(events, w, ctx.now);
  });
}

/** Describes one Secret: sizes of its values, never the values (a service account token excepted). */
export async function describeSecret(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const secret = await getObject<Secret>(ctx, resources.secrets, namespace, name);
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${secret.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${secret.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', secret.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', secret.metadata?.annotations);
    w.write(LEVEL_0, `\nType:\t${secret.type ?? ''}\n`);
    w.write(LEVEL_0, '\nData\n====\n');
    for (const k of sortedKeys(secret.data)) {
      const value = secret.data?.[k] ?? '';
      if (k === 'token' && secret.type === 'kubernetes.io/service-account-token') w.write(LEVEL_0, `${k}:\t${Buffer.from(value, 'base64').toString('utf8')}\n`);
      else w.write(LEVEL_0, `${k}:\t${decodedLength(value)} bytes\n`);
    }
  });
}

/** Describes one ServiceAccount: its pull, mountable and token secrets, flagging those that do not exist. */
export async function describeServiceAccount(ctx: DescribeContext, namespace: string, name: string): Promise<string> {
  const sa = await getObject<ServiceAccount>(ctx, resources.serviceaccounts, namespace, name);
  const tokens: string[] = [];
  const missing = new Set<string>();
  try {
    const secrets = await listAll<Secret>(ctx, resources.secrets, { namespace });
    const existing = new Set(secrets.map((s) => s.metadata?.name ?? ''));
    for (const s of secrets) {
      const a = s.metadata?.annotations ?? {};
      if (s.type === 'kubernetes.io/service-account-token' && a['kubernetes.io/service-account.name'] === sa.metadata?.name && a['kubernetes.io/service-account.uid'] === sa.metadata?.uid) {
        tokens.push(s.metadata?.name ?? '');
      }
    }
    for (const ref of [...(sa.secrets ?? []), ...(sa.imagePullSecrets ?? [])]) if (!existing.has(ref.name ?? '')) missing.add(ref.name ?? '');
  } catch {
    // kubectl still describes the account when it may not list secrets.
  }
  const events = ctx.settings.showEvents ? await searchEvents(ctx, targetOf(sa, 'ServiceAccount')) : undefined;
  return tabbed((w) => {
    w.write(LEVEL_0, `Name:\t${sa.metadata?.name ?? ''}\n`);
    w.write(LEVEL_0, `Namespace:\t${sa.metadata?.namespace ?? ''}\n`);
    printLabelsMultiline(w, 'Labels', sa.metadata?.labels);
    printAnnotationsMultiline(w, 'Annotations', sa.metadata?.annotations);
    const sections: [string, string[]][] = [
      ['Image pull secrets:', (sa.imagePullSecrets ?? []).map((s) => s.name ?? '')],
      ['Mountable secrets: ', (sa.secrets ?? []).map((s) => s.name ?? '')],
      ['Tokens:            ', tokens],
    ];
    for (const [header, names] of sections) {
      if (names.length === 0) {
        w.write(LEVEL_0, `${header}\t<none>\n`);
        continue;
      }
      names.forEach((n, i) => w.write(LEVEL_0, `${i === 0 ? header : ' '.repeat(header.length)}\t${n}${missing.has(n) ? ' (not found)' : ''}\n`));
    }
    if (events) describeEvents(events, w, ctx.now);
  });
}
