/**
 * `kubectl diff -f FILE|DIR|-`: shows how applying the manifests would change the cluster. Each
 * object's live version and the server's dry-run answer to the apply (client- or server-side) are
 * written as YAML into a `LIVE-…` and a `MERGED-…` temp directory, and the diff program compares
 * the two. Exit status: 0 no differences, 1 differences, above 1 kubectl or the diff program
 * failed (every kubectl error exits 2, as cmdutil.CheckDiffErr adds one to the usual code).
 */
import { CliError, UsageError } from '../errors.js';
import { objectFileName, VersionDir } from '../diff/files.js';
import { isSecret, maskSecrets } from '../diff/mask.js';
import { diffCommand, runDiffProgram } from '../diff/program.js';
import { liveAndMerged, type DiffInfo, type MergeSettings } from '../diff/versions.js';
import type { KubeObject } from '../../client/types.js';
import type { Command, CommandContext } from '../types.js';
import { klogLine } from './create/options.js';
import { loadObjects } from './apply/objects.js';

/** kubectl diff's exit status for its own failures (main uses it for every error, flag errors included). */
const FAILED = 2;

interface DiffRun extends MergeSettings {
  filenames: string[];
  recursive: boolean;
  selector: string;
  showManagedFields: boolean;
}

function readOptions(ctx: CommandContext): DiffRun {
  const f = ctx.flags;
  if (ctx.args.length > 0) throw new UsageError(`Unexpected args: [${ctx.args.join(' ')}]`);
  if (f.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  const filenames = f.strings('filename');
  if (filenames.length === 0) throw new CliError('must specify one of -f and -k');
  const serverSide = f.bool('server-side');
  const forceConflicts = f.bool('force-conflicts');
  if (forceConflicts && !serverSide) throw new CliError('--force-conflicts only works with --server-side');
  if (f.bool('prune')) throw new CliError('--prune is not supported by k8ts kubectl diff');
  const fieldManager = f.has('field-manager') ? f.string('field-manager') : serverSide ? 'kubectl' : 'kubectl-client-side-apply';
  return { filenames, recursive: f.bool('recursive'), selector: f.string('selector'), showManagedFields: f.bool('show-managed-fields'), serverSide, forceConflicts, fieldManager };
}

function withoutManagedFields(obj: KubeObject | undefined): KubeObject | undefined {
  if (obj?.metadata?.managedFields === undefined) return obj;
  const metadata = { ...obj.metadata };
  delete metadata.managedFields;
  return { ...obj, metadata };
}

/** Computes and writes both versions of one object. */
async function diffOne(ctx: CommandContext, run: DiffRun, info: DiffInfo, dirs: { live: VersionDir; merged: VersionDir }): Promise<void> {
  const gvk = `${info.mapping.group}/${info.mapping.version}, Kind=${info.mapping.kind}`;
  const versions = await liveAndMerged(ctx.factory.client(), info, {
    ...run,
    onUnlocked: () => ctx.streams.stderr.write(klogLine('W', 'diff.go:723', `Object (${gvk}: ${info.name}) keeps changing, diffing without lock`)),
  });
  let from = versions.live;
  let to: KubeObject | undefined = versions.merged;
  if (!run.showManagedFields) {
    from = withoutManagedFields(from);
    to = withoutManagedFields(to);
  }
  if (isSecret(to)) ({ from, to } = maskSecrets(from, to));
  const name = objectFileName({ ...info.mapping, namespace: info.namespace, name: info.name });
  await dirs.live.write(name, from);
  await dirs.merged.write(name, to);
  if (versions.live?.metadata?.deletionTimestamp) {
    ctx.streams.stderr.write(`Warning: Detected changes to resource ${versions.live.metadata.name ?? info.name} which is currently being deleted.\n`);
  }
}

async function runDiff(ctx: CommandContext): Promise<number> {
  const run = readOptions(ctx);
  const live = await VersionDir.create('LIVE');
  try {
    const merged = await VersionDir.create('MERGED');
    try {
      const { infos, errors } = await loadObjects(ctx, { filenames: run.filenames, recursive: run.recursive, selector: run.selector });
      // kubectl's builder stops at the first error, before the diff program runs.
      if (errors.length > 0) throw errors[0];
      for (const info of infos) await diffOne(ctx, run, info, { live, merged });
      return await runDiffProgram(diffCommand(process.env['KUBECTL_EXTERNAL_DIFF'], live.path, merged.path), ctx.streams);
    } finally {
      await merged.remove();
    }
  } finally {
    await live.remove();
  }
}

export const command: Command = {
  name: 'diff',
  failureExitCode: FAILED,
  flagErrorsAsUsage: true,
  short: 'Diff the live version against a would-be applied version',
  long: `Diff configurations specified by file name or stdin between the current online configuration, and the configuration as it would be if applied.

 The output is always YAML.

 KUBECTL_EXTERNAL_DIFF environment variable can be used to select your own diff command. Users can use external commands with params too, example: KUBECTL_EXTERNAL_DIFF="colordiff -N -u"

 By default, the "diff" command available in your path will be run with the "-u" (unified diff) and "-N" (treat absent files as empty) options.

 Exit status: 0 No differences were found. 1 Differences were found. >1 Kubectl or diff failed with an error.

 Note: KUBECTL_EXTERNAL_DIFF, if used, is expected to follow that convention.`,
  usage: 'kubectl diff -f FILENAME',
  examples: `  # Diff resources included in pod.json
  kubectl diff -f pod.json
  
  # Diff file read from stdin
  cat service.yaml | kubectl diff -f -`,
  flags: [
    { name: 'concurrency', type: 'int', default: 1, help: 'Number of objects to process in parallel when diffing against the live version. Larger number = faster, but more memory, I/O and CPU over that shorter period of time.' },
    { name: 'field-manager', type: 'string', default: 'kubectl-client-side-apply', help: 'Name of the manager used to track field ownership.' },
    { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files contains the configuration to diff' },
    { name: 'force-conflicts', type: 'bool', default: false, help: 'If true, server-side apply will force the changes against conflicts.' },
    { name: 'kustomize', short: 'k', type: 'string', default: '', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
    { name: 'prune', type: 'bool', default: false, help: 'Include resources that would be deleted by pruning. Can be used with -l and default shows all resources would be pruned' },
    { name: 'prune-allowlist', type: 'stringArray', default: [], help: 'Overwrite the default allowlist with <group/version/kind> for --prune' },
    { name: 'recursive', short: 'R', type: 'bool', default: false, help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
    { name: 'selector', short: 'l', type: 'string', default: '', help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints." },
    { name: 'server-side', type: 'bool', default: false, help: 'If true, apply runs in the server instead of the client.' },
    { name: 'show-managed-fields', type: 'bool', default: false, help: 'If true, include managed fields in the diff.' },
  ],
  run: runDiff,
};
