/**
 * `kubectl set subject (-f FILENAME | TYPE NAME) [--user=username] [--group=groupname]
 * [--serviceaccount=namespace:serviceaccountname]`: adds subjects to role bindings.
 */
import { AggregateCliError, CliError } from '../../errors.js';
import type { Command, CommandContext, FlagSpec } from '../../types.js';
import { dryRunFlag, dryRunStrategy, fieldManagerFlag, outputFlags } from '../../workloads/common.js';
import { clone, isEmptyPatch, sendPatch, twoWayPatch } from '../../workloads/patch.js';
import { errorText } from '../../../util/errors.js';
import { addSubjects, isBinding, subjectsFor, validateSubjects, type SubjectFlags } from './subject-update.js';
import { asTyped } from './typed.js';
import { checkOutput, LOCAL_RESOURCE_ERROR, localTargets, namespaceOf, objectName, objectPrinter, serverTargets, type Target, type Visited } from './targets.js';

const flags: FlagSpec[] = [
  ...outputFlags,
  { name: 'filename', short: 'f', type: 'strings', default: [], help: 'Filename, directory, or URL to files the resource to update the subjects' },
  { name: 'kustomize', short: 'k', type: 'string', help: "Process the kustomization directory. This flag can't be used together with -f or -R." },
  { name: 'recursive', short: 'R', type: 'bool', help: 'Process the directory used in -f, --filename recursively. Useful when you want to manage related manifests organized within the same directory.' },
  { name: 'all', type: 'bool', help: 'Select all resources, in the namespace of the specified resource types' },
  {
    name: 'selector',
    short: 'l',
    type: 'string',
    help: "Selector (label query) to filter on, supports '=', '==', and '!='.(e.g. -l key1=value1,key2=value2). Matching objects must satisfy all of the specified label constraints.",
  },
  { name: 'local', type: 'bool', help: 'If true, set subject will NOT contact api-server but run locally.' },
  dryRunFlag,
  { name: 'user', type: 'stringArray', default: [], help: 'Usernames to bind to the role' },
  { name: 'group', type: 'stringArray', default: [], help: 'Groups to bind to the role' },
  { name: 'serviceaccount', type: 'stringArray', default: [], help: 'Service accounts to bind to the role' },
  fieldManagerFlag('kubectl-set'),
];

/** A failure about one object: kubectl words it `error: <resource>/<name> <why>` and ends it with a newline. */
const objectError = (t: Target, why: string): CliError => new CliError(`error: ${objectName(t)} ${why}\n`, { raw: true });

/** utilerrors.NewAggregate as CheckErr prints it: one error alone (its own newline dropped), several one per line. */
function throwAll(errors: unknown[]): void {
  if (errors.length === 0) return;
  const only = errors[0];
  if (errors.length === 1) throw only instanceof CliError && only.options.raw ? new CliError(only.message.replace(/\n$/, ''), { raw: true }) : only;
  throw new AggregateCliError(errors);
}

async function run(ctx: CommandContext): Promise<void> {
  const f = ctx.flags;
  const dryRun = dryRunStrategy(f);
  checkOutput(f);
  const local = f.bool('local');
  const { namespace } = namespaceOf(ctx, local);
  if (f.string('kustomize') !== '') throw new CliError('kustomize (-k) is not supported by k8ts kubectl');
  const filenames = f.strings('filename');
  const recursive = f.bool('recursive');
  const selector = f.string('selector');
  let visited: Visited[];
  if (local) {
    if (ctx.args.length > 0) throw LOCAL_RESOURCE_ERROR;
    visited = await localTargets(ctx, filenames, recursive);
  } else {
    visited = await serverTargets(ctx, ctx.args, { filenames, recursive, all: f.bool('all'), selector });
  }
  // The builder's Infos() gives up on any failure, before anything is changed.
  throwAll(visited.flatMap((v) => (v.error === undefined ? [] : [v.error])));
  const targets = visited.flatMap((v) => (v.target ? [v.target] : []));
  if (local && dryRun === 'server') throw new CliError('cannot specify --local and --dry-run=server - did you mean --dry-run=client?');
  if (f.bool('all') && selector !== '') throw new CliError('cannot set --all and --selector at the same time');
  const wanted: SubjectFlags = { users: f.strings('user'), groups: f.strings('group'), serviceAccounts: f.strings('serviceaccount') };
  validateSubjects(wanted, targets.map((t) => t.object));
  const subjects = subjectsFor(wanted, namespace);
  const errors: unknown[] = [];
  const print = objectPrinter(ctx, 'subjects updated', dryRun);
  for (const target of targets) {
    const before = target.object;
    let after = clone(before);
    if (!isBinding(after)) {
      errors.push(objectError(target, 'setting subjects is only supported for RoleBinding/ClusterRoleBinding'));
      continue;
    }
    // Nothing to add: kubectl leaves the object out altogether, printing nothing for it.
    if (!addSubjects(after, subjects)) continue;
    after = asTyped(after);
    if (local || dryRun === 'client' || !target.mapping) {
      print(target, after);
      continue;
    }
    const patch = twoWayPatch(target.mapping, before, after);
    if (isEmptyPatch(patch)) continue;
    try {
      const actual = await sendPatch(ctx.factory, { mapping: target.mapping, namespace: target.namespace, name: target.name }, patch, {
        fieldManager: f.string('field-manager'),
        dryRun: dryRun === 'server',
      });
      print(target, actual);
    } catch (e) {
      errors.push(new CliError(`failed to patch subjects to rolebinding: ${errorText(e)}`));
    }
  }
  throwAll(errors);
}

export const subject: Command = {
  name: 'subject',
  short: 'Update the user, group, or service account in a role binding or cluster role binding',
  long: 'Update the user, group, or service account in a role binding or cluster role binding.',
  usage: 'kubectl set subject (-f FILENAME | TYPE NAME) [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]',
  // kubectl's example block keeps the indentation on its blank lines.
  examples: [
    '  # Update a cluster role binding for serviceaccount1',
    '  kubectl set subject clusterrolebinding admin --serviceaccount=namespace:serviceaccount1',
    '  ',
    '  # Update a role binding for user1, user2, and group1',
    '  kubectl set subject rolebinding admin --user=user1 --user=user2 --group=group1',
    '  ',
    '  # Print the result (in YAML format) of updating rolebinding subjects from a local, without hitting the server',
    '  kubectl create rolebinding admin --role=admin --user=admin -o yaml --dry-run=client | kubectl set subject --local -f - --user=foo -o yaml',
  ].join('\n'),
  flags,
  run,
};
