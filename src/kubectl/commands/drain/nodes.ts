/**
 * The node half of cordon, uncordon and drain (kubectl's DrainCmdOptions.Complete and
 * RunCordonOrUncordon): resolve `NODE…` or `-l` into live Node objects, then set
 * `spec.unschedulable` with a strategic merge patch, printing `node/x cordoned` or
 * `node/x already cordoned` per node. A node that fails to patch is reported and skipped.
 */
import { resourcePath } from '../../../client/paths.js';
import type { KubeObject } from '../../../client/types.js';
import { selectResources } from '../../builder.js';
import { CliError, UsageError } from '../../errors.js';
import { printAction } from '../../printers/output.js';
import type { CommandContext, Factory, ResourceInfo } from '../../types.js';
import type { DryRun } from '../create/options.js';
import { goErrorText } from './go-text.js';

/** A node to act on, with the live object. */
export interface NodeInfo {
  info: ResourceInfo;
  object: KubeObject & { spec?: { unschedulable?: boolean } };
}

/** The `--dry-run` strategy as printAction takes it. */
export const printedDryRun = (d: DryRun): 'client' | 'server' | undefined => (d === 'none' ? undefined : d);

/** kubectl's first checks of `NODE…` against `-l` (before the dry-run value is read). */
export function checkNodeArgs(ctx: Pick<CommandContext, 'args' | 'path' | 'flags'>): void {
  const verb = ctx.path.replace(/^kubectl /, '');
  if (ctx.args.length === 0 && !ctx.flags.has('selector')) throw new UsageError(`USAGE: ${verb} NODE [flags]`);
  if (ctx.args.length > 0 && ctx.flags.string('selector') !== '') throw new UsageError('cannot specify both a node name and a --selector option');
}

/**
 * The nodes named by `args` (`NAME` or `TYPE/NAME`) or matched by `selector`, fetched. Like
 * kubectl's builder without ContinueOnError, the first lookup failure ends the command before any
 * node is touched.
 */
export async function selectNodes(f: Factory, args: string[], selector: string): Promise<NodeInfo[]> {
  // kubectl's ResourceNames("nodes", args…): a bare name is a node, `type/name` names its own type.
  const typed = args.length > 0 ? args.map((a) => (a.includes('/') ? a : `nodes/${a}`)) : ['nodes'];
  const { infos, errors } = await selectResources(f, typed, { selector: selector || undefined, fetch: true });
  if (errors.length > 0) throw errors[0];
  const types = new Set(infos.map((i) => `${i.mapping.group}/${i.mapping.resource}`));
  if (types.size > 1) throw new CliError('you may only specify a single resource type');
  const nodes: NodeInfo[] = [];
  for (const info of infos) {
    if (info.mapping.group !== '' || info.mapping.resource !== 'nodes') {
      const m = info.mapping;
      throw new CliError(`error: expected resource of type node, got "${m.group}/${m.version}, Resource=${m.resource}"`);
    }
    nodes.push({ info, object: info.object ?? {} });
  }
  return nodes;
}

/**
 * Sets `spec.unschedulable` to `desired` on each node that differs, printing one line per node on
 * stdout and `error: unable to cordon node "x": …` on stderr for failures (which do not stop the
 * others, nor change the exit code, as in kubectl).
 */
export async function cordonNodes(f: Factory, nodes: NodeInfo[], desired: boolean, dryRun: DryRun): Promise<void> {
  const word = desired ? 'cordon' : 'uncordon';
  const { stdout, stderr } = f.streams;
  for (const node of nodes) {
    const current = node.object.spec?.unschedulable === true;
    if (current === desired) {
      printAction(stdout, node.object, `already ${word}ed`, printedDryRun(dryRun));
      continue;
    }
    if (dryRun !== 'client') {
      try {
        // kubectl's two-way patch of the node with the field flipped: `false` is omitted, so it is a delete.
        await f.client().request({
          method: 'PATCH',
          path: resourcePath(node.info.mapping, { name: node.info.name }),
          query: { dryRun: dryRun === 'server' ? 'All' : undefined },
          body: { spec: { unschedulable: desired ? true : null } },
          contentType: 'application/strategic-merge-patch+json',
        });
      } catch (e) {
        stderr.write(`error: unable to ${word} node "${node.info.name}": ${goErrorText(e)}\n`);
        continue;
      }
    }
    printAction(stdout, node.object, `${word}ed`, printedDryRun(dryRun));
  }
}
