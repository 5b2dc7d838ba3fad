/** `kubectl create rolebinding NAME (--role=R | --clusterrole=CR) …` and `kubectl create clusterrolebinding NAME --clusterrole=CR …`. */
import { CliError } from '../../errors.js';
import type { Command, CommandContext, FlagSpec } from '../../types.js';
import { generatorFlags, nameFromArgs, requireFlags } from './options.js';
import { createGenerated } from './run.js';

const RBAC = 'rbac.authorization.k8s.io';

/** Subjects in kubectl's order: users, then groups, then `namespace:name` service accounts. */
function subjects(ctx: CommandContext): Array<Record<string, unknown>> | undefined {
  const out: Array<Record<string, unknown>> = [
    ...ctx.flags.strings('user').map((name) => ({ kind: 'User', apiGroup: RBAC, name })),
    ...ctx.flags.strings('group').map((name) => ({ kind: 'Group', apiGroup: RBAC, name })),
  ];
  for (const sa of ctx.flags.strings('serviceaccount')) {
    const parts = sa.split(':');
    if (parts.length !== 2 || parts[0] === '' || parts[1] === '') throw new CliError('serviceaccount must be <namespace>:<name>');
    out.push({ kind: 'ServiceAccount', name: parts[1], namespace: parts[0] });
  }
  return out.length ? out : undefined;
}

const subjectFlags = (what: string): FlagSpec[] => [
    { name: 'user', type: 'stringArray', default: [], help: `Usernames to bind to the ${what}. The flag can be repeated to add multiple users.` },
    { name: 'group', type: 'stringArray', default: [], help: `Groups to bind to the ${what}. The flag can be repeated to add multiple groups.` },
    { name: 'serviceaccount', type: 'stringArray', default: [], help: `Service accounts to bind to the ${what}, in the format <namespace>:<name>. The flag can be repeated to add multiple service accounts.` },
];

export const rolebinding: Command = {
  name: 'rolebinding',
  short: 'Create a role binding for a particular role or cluster role',
  long: 'Create a role binding for a particular role or cluster role.',
  usage: 'kubectl create rolebinding NAME --clusterrole=NAME|--role=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]',
  examples: `  # Create a role binding for user1, user2, and group1 using the admin cluster role
  kubectl create rolebinding admin --clusterrole=admin --user=user1 --user=user2 --group=group1

  # Create a role binding for service account monitoring:sa-dev using the admin role
  kubectl create rolebinding admin-binding --role=admin --serviceaccount=monitoring:sa-dev`,
  flags: generatorFlags([
    { name: 'clusterrole', type: 'string', default: '', help: 'ClusterRole this RoleBinding should reference' },
    { name: 'role', type: 'string', default: '', help: 'Role this RoleBinding should reference' },
    ...subjectFlags('role'),
  ]),
  run: async (ctx) => {
    const name = nameFromArgs(ctx);
    const roleName = ctx.flags.string('role');
    const clusterRole = ctx.flags.string('clusterrole');
    if ((roleName === '') === (clusterRole === '')) throw new CliError('exactly one of clusterrole or role must be specified');
    const obj = {
      kind: 'RoleBinding',
      apiVersion: `${RBAC}/v1`,
      metadata: { name, creationTimestamp: null },
      subjects: subjects(ctx),
      roleRef: { apiGroup: RBAC, kind: roleName ? 'Role' : 'ClusterRole', name: roleName || clusterRole },
    };
    await createGenerated(ctx, obj, { group: RBAC, version: 'v1', resource: 'rolebindings', namespaced: true, errorPrefix: 'failed to create rolebinding: ' });
  },
};

export const clusterrolebinding: Command = {
  name: 'clusterrolebinding',
  short: 'Create a cluster role binding for a particular cluster role',
  long: 'Create a cluster role binding for a particular cluster role.',
  usage: 'kubectl create clusterrolebinding NAME --clusterrole=NAME [--user=username] [--group=groupname] [--serviceaccount=namespace:serviceaccountname] [--dry-run=server|client|none]',
  examples: `  # Create a cluster role binding for user1, user2, and group1 using the cluster-admin cluster role
  kubectl create clusterrolebinding cluster-admin --clusterrole=cluster-admin --user=user1 --user=user2 --group=group1`,
  flags: generatorFlags([{ name: 'clusterrole', type: 'string', default: '', help: 'ClusterRole this ClusterRoleBinding should reference' }, ...subjectFlags('clusterrole')]),
  run: async (ctx) => {
    requireFlags(ctx.flags, ['clusterrole']);
    const name = nameFromArgs(ctx);
    const obj = {
      kind: 'ClusterRoleBinding',
      apiVersion: `${RBAC}/v1`,
      metadata: { name, creationTimestamp: null },
      subjects: subjects(ctx),
      roleRef: { apiGroup: RBAC, kind: 'ClusterRole', name: ctx.flags.string('clusterrole') },
    };
    await createGenerated(ctx, obj, { group: RBAC, version: 'v1', resource: 'clusterrolebindings', namespaced: false, errorPrefix: 'failed to create clusterrolebinding: ' });
  },
};
