/**
 * The body of `kubectl apply`: reads the flags as kubectl 1.32 does (and refuses the same
 * combinations), applies each object of the manifests client- or server-side, prints one line per
 * object (or, with `-o`, the applied objects together at the end), then prunes when asked.
 * Failures of single objects are collected and reported after the rest were applied.
 */
import type { KubeObject } from '../../../client/types.js';
import { CliError, UsageError } from '../../errors.js';
import { formatObjects, printAction } from '../../printers/output.js';
import type { CommandContext } from '../../types.js';
import { dryRunStrategy, throwCollected, validationDirective, type DryRun } from '../create/options.js';
import { applyClientSide, type ClientSideOptions } from './client-side.js';
import { loadObjects, type ManifestInfo } from './objects.js';
import { prune } from './prune.js';
import { applyServerSide, SSA_MANAGER } from './server-side.js';

/** What `apply` was asked to do, after the flags were checked. */
interface ApplyRun {
  dryRun: DryRun;
  output: string;
  serverSide: boolean;
  csa: ClientSideOptions;
  forceConflicts: boolean;
  subresource: string;
  selector: string;
  pruneAll: boolean;
}

function readOptions(ctx: CommandContext): ApplyRun {
  const f = ctx.flags;
  if (ctx.args.length > 0) throw new UsageError(`Unexpected args: [${ctx.args.join(' ')}]`);
  const dryRun = dryRunStrategy(f, ctx.streams.stderr);
  const serverSide = f.bool('server-side');
  const fieldManager = f.has('field-manager') ? f.string('field-manager') : serverSide ? SSA_MANAGER : 'kubectl-client-side-apply';
  const validation = validationDirective(f);
  if (f.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  if (f.strings('filename').length === 0) throw new CliError('must specify one of -f and -k');
  const force = f.bool('force');
  const forceConflicts = f.bool('force-conflicts');
  const selector = f.string('selector');
  const all = f.bool('all');
  const pruning = f.bool('prune');
  const subresource = f.string('subresource');
  if (forceConflicts && !serverSide) throw new CliError('--force-conflicts only works with --server-side');
  if (dryRun === 'client' && serverSide) throw new CliError('--dry-run=client doesn\'t work with --server-side (did you mean --dry-run=server instead?)');
  if (serverSide && force) throw new CliError('--force cannot be used with --server-side');
  if (dryRun === 'server' && force) throw new CliError('--dry-run=server cannot be used with --force');
  if (all && selector !== '') throw new CliError('cannot set --all and --selector at the same time');
  if (pruning) {
    if (force) throw new CliError('--force cannot be used with --prune');
    if (!all && selector === '') {
      throw new CliError('all resources selected for prune without explicitly passing --all. To prune all resources, pass the --all flag. If you did not mean to prune all resources, specify a label selector');
    }
    if (serverSide) throw new CliError("--prune is in alpha and doesn't currently work on objects created by server-side apply");
  }
  if (subresource !== '' && !serverSide) throw new CliError('--subresource can only be specified for --server-side');
  return {
    dryRun,
    output: f.string('output'),
    serverSide,
    forceConflicts,
    subresource,
    selector,
    pruneAll: pruning,
    csa: {
      dryRun,
      fieldManager,
      validation,
      overwrite: f.bool('overwrite'),
      force,
      gracePeriod: f.int('grace-period'),
      cascade: f.string('cascade'),
      timeoutMs: f.duration('timeout'),
    },
  };
}

/** `-o` that prints objects (everything but `name`, which prints per object). */
const printsObjects = (output: string) => output !== '' && output !== 'name';

function printOne(ctx: CommandContext, run: ApplyRun, obj: KubeObject, operation: string): void {
  if (printsObjects(run.output)) return;
  if (run.output === 'name') {
    ctx.streams.stdout.write(formatObjects([obj], 'name', { single: true }));
    return;
  }
  printAction(ctx.streams.stdout, obj, operation, run.dryRun === 'none' ? undefined : run.dryRun);
}

/** Runs `kubectl apply`. */
export async function runApply(ctx: CommandContext): Promise<void> {
  const run = readOptions(ctx);
  const { infos, errors } = await loadObjects(ctx, {
    filenames: ctx.flags.strings('filename'),
    recursive: ctx.flags.bool('recursive'),
    selector: run.selector,
  });
  if (infos.length === 0 && errors.length === 0) throw new CliError('no objects passed to apply');
  const applied: KubeObject[] = [];
  const visited: ManifestInfo[] = [];
  for (const info of infos) {
    try {
      let obj: KubeObject;
      if (run.serverSide) {
        obj = await applyServerSide(ctx, info, { dryRun: run.dryRun, fieldManager: run.csa.fieldManager, validation: run.csa.validation, forceConflicts: run.forceConflicts, subresource: run.subresource });
        printOne(ctx, run, obj, 'serverside-applied');
      } else {
        const outcome = await applyClientSide(ctx, info, run.csa);
        obj = outcome.object;
        printOne(ctx, run, obj, outcome.operation);
      }
      if (obj.metadata?.deletionTimestamp) ctx.streams.stderr.write(`Warning: Detected changes to resource ${obj.metadata.name ?? info.name} which is currently being deleted.\n`);
      applied.push(obj);
      visited.push({ ...info, object: obj });
    } catch (e) {
      errors.push(e);
    }
  }
  throwCollected(errors);
  if (printsObjects(run.output)) {
    ctx.streams.stdout.write(
      formatObjects(applied, run.output, {
        single: true,
        template: ctx.flags.has('template') ? ctx.flags.string('template') : undefined,
        showManagedFields: ctx.flags.bool('show-managed-fields'),
        allowMissingKeys: ctx.flags.bool('allow-missing-template-keys'),
      }),
    );
  }
  if (run.pruneAll) {
    await prune(ctx, visited, {
      selector: run.selector,
      allowlist: [...ctx.flags.strings('prune-allowlist'), ...ctx.flags.strings('prune-whitelist')],
      dryRun: run.dryRun,
      cascade: run.csa.cascade,
      gracePeriod: run.csa.gracePeriod,
      output: run.output,
    });
  }
}
