/**
 * Removes the nat rules CNI's portmap plugin left for one network (normally its CNI DEL removes
 * them; a node killed without DEL keeps them). portmap tags each pod's jump rule in
 * CNI-HOSTPORT-DNAT with `dnat name: "<network>" id: "<sandbox>"` and sends it to a per-pod CNI-DN-*
 * chain. Its shared chains (CNI-HOSTPORT-DNAT/-SETMARK/-MASQ and the jumps from PREROUTING, OUTPUT,
 * POSTROUTING) are removed too once no network has rules left in them. Every change goes through one
 * iptables-restore --noflush transaction, which fails whole if another node added a rule meanwhile.
 */
import type { Logger } from '../../util/log.js';
import { run } from './proc.js';

const SHARED_CHAINS = ['CNI-HOSTPORT-DNAT', 'CNI-HOSTPORT-SETMARK', 'CNI-HOSTPORT-MASQ'];

/** The `iptables-restore --noflush` input that removes `network`'s portmap rules from a nat table dump. */
export function portmapCleanupScript(natDump: string, network: string): string | undefined {
  const rules = natDump.split('\n').filter((l) => l.startsWith('-A '));
  const tag = `dnat name: \\"${network}\\" id:`;
  const ours = rules.filter((l) => l.startsWith('-A CNI-HOSTPORT-DNAT ') && l.includes(tag));
  const chains = new Set(ours.map((l) => /-j (CNI-DN-\S+)/.exec(l)?.[1]).filter((c): c is string => c !== undefined));
  const ops: string[] = [];
  for (const l of ours) ops.push(`-D ${l.slice(3)}`);
  for (const c of chains) ops.push(`-F ${c}`, `-X ${c}`);

  // Shared chains go only when nothing but portmap's own fixed rules would remain in them.
  const remaining = rules.filter((l) => !ours.includes(l) && !chains.has(l.split(' ')[1] ?? ''));
  const inDnat = remaining.filter((l) => l.startsWith('-A CNI-HOSTPORT-DNAT '));
  const otherDn = [...natDump.matchAll(/^:(CNI-DN-\S+)/gm)].some((m) => !chains.has(m[1] ?? ''));
  const sharedExist = SHARED_CHAINS.some((c) => natDump.includes(`:${c} `));
  if (sharedExist && inDnat.length === 0 && !otherDn) {
    for (const l of remaining) {
      const jumpsToShared = SHARED_CHAINS.some((c) => l.endsWith(` -j ${c}`));
      const inShared = SHARED_CHAINS.some((c) => l.startsWith(`-A ${c} `));
      if (jumpsToShared || inShared) ops.push(`-D ${l.slice(3)}`);
    }
    for (const c of SHARED_CHAINS) if (natDump.includes(`:${c} `)) ops.push(`-X ${c}`);
  }
  if (ops.length === 0) return undefined;
  return `*nat\n${ops.join('\n')}\nCOMMIT\n`;
}

/** Removes `network`'s portmap rules (and the shared chains when unused); logs, never throws. */
export async function removePortmapRules(network: string, log: Logger): Promise<void> {
  const dump = await run('iptables-save', ['-t', 'nat']);
  if (dump.code !== 0) {
    log.warn('iptables-save failed; portmap rules not checked', { error: dump.stderr.trim() });
    return;
  }
  const script = portmapCleanupScript(dump.stdout, network);
  if (script === undefined) return;
  const r = await run('iptables-restore', ['--noflush', '-w', '5'], { input: script });
  if (r.code !== 0) log.warn('removing portmap rules failed', { network, error: r.stderr.trim() });
  else log.info('removed portmap rules', { network });
}
